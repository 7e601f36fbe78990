// File throughput, the same script under minideno and Deno 2.x: Deno.readFile of FILE
// and a file-to-file copy in 64 KiB chunks (Deno.copy where the runtime has it; Deno 2
// dropped it, so the same loop stands in). Prints MiB/s, the best of RUNS.
// Usage: run --allow-read --allow-write benches/fs.ts FILE OUT [RUNS]
const [file, out, runs = "5"] = Deno.args;

type R = { read(p: Uint8Array): Promise<number | null> };
type W = { write(p: Uint8Array): Promise<number> };
// deno-lint-ignore no-explicit-any
const copy: (dst: W, src: R) => Promise<number> = (Deno as any).copy ?? (async (dst: W, src: R) => {
  const buf = new Uint8Array(64 * 1024);
  let total = 0;
  for (;;) {
    const n = await src.read(buf);
    if (n === null) return total;
    for (let off = 0; off < n;) off += await dst.write(buf.subarray(off, n));
    total += n;
  }
});

async function best(what: string, fn: () => Promise<number>) {
  let top = 0;
  for (let i = 0; i < Number(runs); i++) {
    const t0 = Date.now();
    const bytes = await fn();
    top = Math.max(top, bytes / 2 ** 20 / ((Date.now() - t0) / 1000));
  }
  console.log(`${what} ${top.toFixed(0)}`);
}

await best("readFile", async () => (await Deno.readFile(file)).length);
await best("copy", async () => {
  const src = await Deno.open(file);
  const dst = await Deno.open(out, { write: true, create: true, truncate: true });
  const n = await copy(dst, src);
  src.close();
  dst.close();
  return n;
});
