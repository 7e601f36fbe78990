// examples/workers.ts for Node's worker_threads, for side-by-side runs
// (tools/bench-workers.sh): the same prime count over 1 and N workers, and the same
// message round trips. Usage: node benches/workers_node.mjs [N] [LIMIT] [ROUND_TRIPS]
import { Worker, isMainThread, parentPort } from "node:worker_threads";

function isPrime(n) {
  if (n < 4) return n > 1;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

if (!isMainThread) {
  parentPort.on("message", (data) => {
    if (!Array.isArray(data)) return parentPort.postMessage(data);
    const [from, to] = data;
    let count = 0;
    for (let n = from; n < to; n++) if (isPrime(n)) count++;
    parentPort.postMessage(count);
  });
} else {
  const N = Number(process.argv[2] ?? 2);
  const LIMIT = Number(process.argv[3] ?? 5_000_000);
  const ROUND_TRIPS = Number(process.argv[4] ?? 100_000);
  const CHUNKS = 64;

  const start = () => {
    const worker = new Worker(new URL(import.meta.url));
    const waiting = [];
    worker.on("message", (data) => waiting.shift()(data));
    const call = (m) => new Promise((resolve) => { waiting.push(resolve); worker.postMessage(m); });
    return call("ready").then(() => ({ worker, call }));
  };

  const countPrimes = async (n) => {
    const pool = await Promise.all(Array.from({ length: n }, start));
    const began = Date.now();
    let next = 0;
    let total = 0;
    await Promise.all(pool.map(async ({ call }) => {
      while (next < CHUNKS) {
        const i = next++;
        const found = await call([Math.floor(LIMIT * i / CHUNKS), Math.floor(LIMIT * (i + 1) / CHUNKS)]);
        total += found;
      }
    }));
    const ms = Date.now() - began;
    for (const { worker } of pool) worker.terminate();
    return [total, ms];
  };

  const [count, one] = await countPrimes(1);
  const [countN, many] = await countPrimes(N);
  if (count !== countN) throw new Error(`1 worker counted ${count}, ${N} counted ${countN}`);
  console.log(`primes below ${LIMIT}: ${count}`);
  console.log(`1 worker: ${one.toFixed(0)} ms, ${N} workers: ${many.toFixed(0)} ms, speed-up ${(one / many).toFixed(2)}x`);

  const { worker } = await start();
  worker.removeAllListeners("message");
  const began = Date.now();
  await new Promise((resolve, reject) => {
    let got = 0;
    worker.on("message", (data) => {
      if (data !== got) reject(new Error(`reply ${got} was ${data}`));
      if (++got === ROUND_TRIPS) resolve();
    });
    for (let i = 0; i < ROUND_TRIPS; i++) worker.postMessage(i);
  });
  const seconds = (Date.now() - began) / 1000;
  worker.terminate();
  console.log(`messages: ${ROUND_TRIPS} round trips in ${(seconds * 1000).toFixed(0)} ms, ${(2 * ROUND_TRIPS / seconds).toFixed(0)} messages/s`);
}
