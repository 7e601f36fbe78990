function assertKind(e: unknown, kind: Deno.ErrorKind) {
  if (!(e instanceof Deno.DenoError)) throw new Error(`not a DenoError: ${e}`);
  console.log(e.name, e.kind === kind);
}

console.log(await Deno.resolve("localhost"));

// Where the tutorial's unwrap() crashed, an unknown name rejects.
try {
  await Deno.resolve("no-such-host.invalid");
} catch (e) {
  assertKind(e, Deno.ErrorKind.NotFound);
}
try {
  await Deno.resolve("");
} catch (e) {
  assertKind(e, Deno.ErrorKind.InvalidInput);
}
try {
  // deno-lint-ignore no-explicit-any
  await Deno.resolve(42 as any);
} catch (e) {
  console.log((e as Error).name, (e as Error).message);
}
// Several in flight at once, all on the blocking pool.
const all = await Promise.all(Array.from({ length: 50 }, () => Deno.resolve("localhost")));
console.log(all.length, all.every((a) => a === "127.0.0.1"));
