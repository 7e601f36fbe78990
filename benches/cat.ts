// `cat FILE`: Deno.copy(Deno.stdout, file), the early Deno way; on Deno 2.x (which has
// no Deno.copy) a read/write loop over the same 64 KiB. Usage: run --allow-read benches/cat.ts FILE
const file = await Deno.open(Deno.args[0]);
// deno-lint-ignore no-explicit-any
const copy = (Deno as any).copy;
if (copy) {
  await copy(Deno.stdout, file);
} else {
  const buf = new Uint8Array(64 * 1024);
  let n;
  while ((n = await file.read(buf)) !== null) {
    for (let off = 0; off < n;) off += await Deno.stdout.write(buf.subarray(off, n));
  }
}
file.close();
