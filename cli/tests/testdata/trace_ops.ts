// Ops known exactly, for --trace-ops: sync, async, an error reply and a zero-copy buffer.
Deno.myPid();
await Deno.noopAsync();
Deno.echo(new Uint8Array(10));
try {
  await Deno.resolve("");
} catch (e) {
  console.error("resolve failed:", (e as Error).name);
}
