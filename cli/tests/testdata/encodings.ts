// The bench ops agree in every encoding the door takes, and Echo's result is the
// caller's to keep: a small reply is copied out of the shared buffer, a big one comes
// in its own, so the next op overwrites neither.
for (const [name, ops] of Object.entries(Deno.core.encodings)) {
  ops.noop();
  const pid = ops.myPid() === Deno.pid;
  let echo = "n/a";
  if (ops.echo) {
    const small = ops.echo(new Uint8Array(1024).fill(1));
    const big = ops.echo(new Uint8Array(64 * 1024).fill(2));
    ops.echo(new Uint8Array(1024).fill(3));
    ops.echo(new Uint8Array(64 * 1024).fill(4));
    const kept = small.length === 1024 && small.every((b) => b === 1) && big.length === 64 * 1024 &&
      big.every((b) => b === 2);
    echo = kept ? "kept" : "overwritten";
  }
  console.log(`${name}: myPid ${pid}, echo ${echo}`);
}
