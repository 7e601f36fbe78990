// A worker that closes itself: its messages before close() all arrive, and once every
// worker has ended, the program ends (no terminate() needed). Deno.exit in a worker
// ends only that worker.
const closing = new Worker(import.meta.resolve("./close_worker.ts"), { type: "module" });
closing.onmessage = (e) => {
  console.log("from the closing worker:", e.data);
  if (typeof e.data !== "string") return;
  const exiting = new Worker(import.meta.resolve("./exit_worker.ts"), { type: "module" });
  exiting.onmessage = (e) => console.log("from the exiting worker:", e.data);
};
