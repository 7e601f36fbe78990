// The benchmark body, run by benches/dispatch.rs inside minideno. `benchEmpty` (a bare
// V8 callback) and `benchNow` (a fine clock) are installed by that harness only.
declare function benchEmpty(): void;
declare function benchNow(): number;

const SAMPLES = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function report(name: string, samples: number[], quiet = false): number {
  const m = median(samples);
  const lo = Math.min(...samples);
  if (!quiet) console.log(`${name.padEnd(34)} ${m.toFixed(1).padStart(9)} ns/op   (best ${lo.toFixed(1)})`);
  return m;
}

/** Median ns per call of `f`, over SAMPLES runs of `n` calls each (after a warm-up). */
function timeSync(name: string, n: number, f: () => void, quiet = false): number {
  for (let i = 0; i < n; i++) f();
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = benchNow();
    for (let i = 0; i < n; i++) f();
    samples.push(((benchNow() - t0) * 1e6) / n);
  }
  return report(name, samples, quiet);
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

// Three encodings, one door: the same sync ops as FlatBuffers (generated encoders, and
// the generic Builder), minimal int32 records and JSON. Bytes: request + reply, as the
// op metrics count them (the zero-copy payload not included).
console.log("\nop          encoding           ns/op   bytes (req + reply)   / floor");
const metricsName = { noop: "Noop", myPid: "MyPid", echo1: "Echo", echo64: "Echo" } as const;
const cases = [
  ["noop", "Noop", 100_000, undefined],
  ["myPid", "MyPid", 100_000, undefined],
  ["echo1", "Echo 1 KiB", 50_000, kib],
  ["echo64", "Echo 64 KiB", 5_000, kib64],
] as const;
for (const [key, label, n, data] of cases) {
  for (const [encoding, ops] of Object.entries(Deno.core.encodings)) {
    const call = key === "noop" ? ops.noop : key === "myPid" ? ops.myPid : ops.echo && (() => ops.echo!(data!));
    if (call === null) {
      console.log(`${label.padEnd(11)} ${encoding.padEnd(12)}        n/a   (no bytes back)`);
      continue;
    }
    const before = Deno.metrics().ops[metricsName[key]];
    call();
    const after = Deno.metrics().ops[metricsName[key]];
    const sent = after.bytesIn - before.bytesIn - (data?.length ?? 0);
    const back = after.bytesOut - before.bytesOut - (data?.length ?? 0);
    const ns = timeSync("", n, call, true);
    const bytes = `${sent} + ${back}${data ? " + payload" : ""}`;
    console.log(`${label.padEnd(11)} ${encoding.padEnd(12)} ${ns.toFixed(1).padStart(9)}   ${bytes.padEnd(21)} ${(ns / floor).toFixed(1).padStart(6)}x`);
  }
}
