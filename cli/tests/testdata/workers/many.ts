// 100 workers started and terminated one after another, then 32 at once: no thread
// and no isolate outlives its worker (threads back to where they were, memory flat).
// A first round of each warms the allocators up: memory freed by 32 threads at once
// stays with the process, for the next ones.
import { rssMiB, threads, threadsDownTo } from "./threads.ts";
const url = import.meta.resolve("./ready.ts");
const start = (): Promise<Worker> =>
  new Promise((resolve) => {
    const worker = new Worker(url, { type: "module" });
    worker.onmessage = () => resolve(worker);
  });
const baseline = threads();
async function oneByOne(n: number): Promise<void> {
  for (let i = 0; i < n; i++) (await start()).terminate();
  await threadsDownTo(baseline);
}
async function atOnce(n: number): Promise<number> {
  const workers = await Promise.all(Array.from({ length: n }, start));
  const running = threads() - baseline;
  for (const worker of workers) worker.terminate();
  await threadsDownTo(baseline);
  return running;
}
await oneByOne(20);
await atOnce(32);
const warm = rssMiB();
await oneByOne(100);
const running = await atOnce(32);
const after = rssMiB();
console.log("32 at once ran on 32 threads more:", running >= 32);
console.log("threads back to where they were:", threads() === baseline);
console.log("memory flat (less than 10 MiB more after 132 more workers):", after - warm < 10);
if (after - warm >= 10) console.log(`RSS: ${warm.toFixed(1)} MiB, then ${after.toFixed(1)}`);
