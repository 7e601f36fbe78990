const before = Deno.metrics();
Deno.noop();
await Deno.noopAsync();
Deno.echo(new Uint8Array(100));
const after = Deno.metrics();
// noop + noopAsync + echo + this metrics call = 4 ops, all completed.
console.log(after.opsDispatched - before.opsDispatched);
console.log(after.opsCompleted - before.opsCompleted);
console.log(after.bytesSentData - before.bytesSentData);
console.log(after.bytesSentControl > before.bytesSentControl, after.bytesReceived > before.bytesReceived);
console.log(Object.keys(after).join(","));
