// The script a user of examples/embed_service.rs supplied: its default export handles
// one request's JSON body. It runs in a fresh context each time, so state it keeps goes
// through the host's key-value store (Deno.host.kvGet / kvSet).
interface Event {
  user?: string;
  loop?: boolean;
}

export default async function handle(event: Event) {
  if (event.loop) for (;;) {} // a bug: the CPU limit stops it
  const user = event.user ?? "anonymous";
  const visits = ((await Deno.host.kvGet(`visits:${user}`)) ?? 0) + 1;
  await Deno.host.kvSet(`visits:${user}`, visits);
  const tag = (await Deno.host.sha256(user)).slice(0, 8);
  return { greeting: `hello, ${user}`, visits, tag };
}
