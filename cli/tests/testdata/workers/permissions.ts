// Run with --allow-read=<this directory> --allow-env: a worker inherits the parent's
// permissions, or fewer, never more.
const here = import.meta.resolve("./").replace("file://", "");
function ask(permissions: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const options = { type: "module", deno: { permissions } } as WorkerOptions;
    const worker = new Worker(import.meta.resolve("./permissions_worker.ts"), options);
    worker.onmessage = (e) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.postMessage(here);
  });
}
console.log("inherit:", await ask("inherit"));
console.log("none:", await ask("none"));
console.log("read of this directory:", await ask({ read: [here] }));
console.log("env inherited, read not named:", await ask({ env: "inherit" }));
for (const wider of [{ read: true }, { read: ["/"] }, { net: true }, { run: true }, { env: ["HOME"], write: [here] }]) {
  try {
    new Worker(import.meta.resolve("./permissions_worker.ts"), { type: "module", deno: { permissions: wider } } as WorkerOptions);
  } catch (e) {
    console.log(JSON.stringify(wider).replaceAll(here, "<here>/"), "->", String(e).replaceAll(here.slice(0, -1), "<here>"));
  }
}
for (const bad of [{ read: 1 }, "some", { fly: true }]) {
  try {
    new Worker(import.meta.resolve("./permissions_worker.ts"), { type: "module", deno: { permissions: bad } } as WorkerOptions);
  } catch (e) {
    console.log(JSON.stringify(bad), "->", String(e));
  }
}
