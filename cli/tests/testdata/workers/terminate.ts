// terminate() stops a worker spinning in `while (true) {}`: its thread is gone
// within 100 ms.
import { threads, threadsDownTo } from "./threads.ts";
const before = threads();
const worker = new Worker(import.meta.resolve("./spin.ts"), { type: "module" });
await new Promise((resolve) => (worker.onmessage = resolve));
console.log("a thread more while it spins:", threads() === before + 1);
worker.terminate();
const ms = await threadsDownTo(before);
console.log("its thread is gone:", threads() === before);
console.log("within 100 ms:", ms < 100);
worker.postMessage("ignored: the worker has ended");
worker.terminate();
