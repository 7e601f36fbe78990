// A worker's uncaught error, not handled by the parent, ends the parent with the
// worker's report.
const worker = new Worker(import.meta.resolve("./throws.ts"), { type: "module", name: "bad" });
worker.postMessage("go");
