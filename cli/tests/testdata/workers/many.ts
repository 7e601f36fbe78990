// 100 workers started and terminated one after another, then 32 at once: no thread
// and no isolate outlives its worker. Threads are counted; isolates are seen through
// the memory limit (--max-heap-size=351): the main isolate leases a quarter of it and
// each worker's isolate 8 MiB until it is dropped, so 32 at once fit only if not one
// isolate of the workers before is left (a worker that cannot start fails with an
// error event). (RSS told it too, but not every time: the allocators keep memory.)
import { threads, threadsDownTo } from "./threads.ts";
const url = import.meta.resolve("./ready.ts");
const start = (): Promise<Worker> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: "module" });
    worker.onmessage = () => resolve(worker);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
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
await oneByOne(100);
const running = await atOnce(32).catch((e) => `${e.message}`);
console.log("32 at once ran on 32 threads more:", typeof running === "number" && running >= 32 || running);
console.log("threads back to where they were:", threads() === baseline);
