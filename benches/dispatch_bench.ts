// The benchmark body, run by benches/dispatch.rs inside minideno. `benchEmpty` (a bare
// V8 callback) and `benchNow` (a fine clock) are installed by that harness only.
declare function benchEmpty(): void;
declare function benchNow(): number;

const SAMPLES = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function report(name: string, samples: number[]): number {
  const m = median(samples);
  const lo = Math.min(...samples);
  console.log(`${name.padEnd(34)} ${m.toFixed(1).padStart(9)} ns/op   (best ${lo.toFixed(1)})`);
  return m;
}

/** Median ns per call of `f`, over SAMPLES runs of `n` calls each (after a warm-up). */
function timeSync(name: string, n: number, f: () => void): number {
  for (let i = 0; i < n; i++) f();
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = benchNow();
    for (let i = 0; i < n; i++) f();
    samples.push(((benchNow() - t0) * 1e6) / n);
  }
  return report(name, samples);
}

async function timeAsync(name: string, n: number, f: () => Promise<void>): Promise<number> {
  await f();
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = benchNow();
    await f();
    samples.push(((benchNow() - t0) * 1e6) / n);
  }
  return report(name, samples);
}

console.log(`minideno ${Deno.version.deno}, V8 ${Deno.version.v8}: median of ${SAMPLES} samples`);
const floor = timeSync("bare V8 callback (floor)", 200_000, benchEmpty);
const noop = timeSync("sync Noop (FlatBuffers)", 100_000, Deno.noop);
timeSync("sync myPid", 100_000, () => void Deno.myPid());
await timeAsync("async Noop, awaited one by one", 10_000, async () => {
  for (let i = 0; i < 10_000; i++) await Deno.noopAsync();
});
await timeAsync("async Noop, 1000 in flight", 10_000, async () => {
  for (let r = 0; r < 10; r++) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) batch.push(Deno.noopAsync());
    await Promise.all(batch);
  }
});
const kib = new Uint8Array(1024).fill(7);
timeSync("Echo 1 KiB (sync)", 50_000, () => void Deno.echo(kib));
const kib64 = new Uint8Array(64 * 1024).fill(7);
timeSync("Echo 64 KiB (sync)", 5_000, () => void Deno.echo(kib64));
console.log(`sync Noop / floor: ${(noop / floor).toFixed(2)}x`);
