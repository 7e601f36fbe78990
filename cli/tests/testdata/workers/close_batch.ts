// Messages that wait while a worker calls self.close() are never handled: of five
// sent at once, it answers the first three (it closes on the third).
const worker = new Worker(import.meta.resolve("./close_on_two.ts"), { type: "module" });
worker.onmessage = (e) => console.log("answered", e.data);
for (let i = 0; i < 5; i++) worker.postMessage(i);
