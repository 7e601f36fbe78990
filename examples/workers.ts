// Workers as processes: a CPU-bound job (counting the primes below LIMIT) fanned out
// over 1 and then N workers, each on a thread of its own, and the cost of a message
// (ROUND_TRIPS messages to one worker and back). Runs on minideno and Deno alike.
// Usage: minideno run --allow-read=examples examples/workers.ts [N=2] [LIMIT=5000000] [ROUND_TRIPS=100000]
const N = Number(Deno.args[0] ?? 2);
const LIMIT = Number(Deno.args[1] ?? 5_000_000);
const ROUND_TRIPS = Number(Deno.args[2] ?? 100_000);
const CHUNKS = 64;

/** A started worker, with `call`: one message, the promise of the reply. */
function start(): Promise<{ worker: Worker; call: (m: unknown) => Promise<unknown> }> {
  const worker = new Worker(import.meta.resolve("./workers_primes.ts"), { type: "module" });
  const waiting: ((v: unknown) => void)[] = [];
  worker.onmessage = (e) => waiting.shift()!(e.data);
  const call = (m: unknown) =>
    new Promise<unknown>((resolve) => {
      waiting.push(resolve);
      worker.postMessage(m);
    });
  return call("ready").then(() => ({ worker, call }));
}

/** The primes below LIMIT, counted by `n` workers taking CHUNKS ranges in turn; and the ms it took. */
async function countPrimes(n: number): Promise<[number, number]> {
  const pool = await Promise.all(Array.from({ length: n }, start));
  const began = Date.now();
  let next = 0;
  let total = 0;
  await Promise.all(pool.map(async ({ call }) => {
    while (next < CHUNKS) {
      const i = next++;
      const found = await call([Math.floor(LIMIT * i / CHUNKS), Math.floor(LIMIT * (i + 1) / CHUNKS)]);
      total += found as number;
    }
  }));
  const ms = Date.now() - began;
  for (const { worker } of pool) worker.terminate();
  return [total, ms];
}

const [count, one] = await countPrimes(1);
const [countN, many] = await countPrimes(N);
if (count !== countN) throw new Error(`1 worker counted ${count}, ${N} counted ${countN}`);
console.log(`primes below ${LIMIT}: ${count}`);
console.log(`1 worker: ${one.toFixed(0)} ms, ${N} workers: ${many.toFixed(0)} ms, speed-up ${(one / many).toFixed(2)}x`);

// Messages: ROUND_TRIPS sent at once, each answered; every reply checked.
const { worker } = await start();
const began = Date.now();
await new Promise<void>((resolve, reject) => {
  let got = 0;
  worker.onmessage = (e) => {
    if (e.data !== got) reject(new Error(`reply ${got} was ${e.data}`));
    if (++got === ROUND_TRIPS) resolve();
  };
  for (let i = 0; i < ROUND_TRIPS; i++) worker.postMessage(i);
});
const seconds = (Date.now() - began) / 1000;
worker.terminate();
console.log(`messages: ${ROUND_TRIPS} round trips in ${(seconds * 1000).toFixed(0)} ms, ${(2 * ROUND_TRIPS / seconds).toFixed(0)} messages/s`);
