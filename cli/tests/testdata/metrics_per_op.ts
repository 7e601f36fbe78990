// Ops known exactly: Deno.metrics().ops counts each (Start ran at bootstrap; this
// Metrics call is counted, its own reply not yet).
Deno.myPid();
Deno.myPid();
await Deno.noopAsync();
Deno.echo(new Uint8Array(10));
try {
  await Deno.resolve("");
} catch {
  // counted as an error
}
const ops = Deno.metrics().ops;
for (const name of Object.keys(ops).sort()) {
  const o = ops[name];
  console.log(name.padEnd(8), o.count, o.errors, o.bytesIn, name === "Start" ? "-" : o.bytesOut);
}
