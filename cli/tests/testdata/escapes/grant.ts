// A worker's grant, swapped: run with --allow-read=DIR/granted,<this directory>. The
// parent grants a worker read of DIR/granted/sub, then at once swaps sub for a symlink
// to DIR/outside; the worker must read sub as it was when granted, or nothing, never
// outside. Then a revocation in the parent reaches a worker started before it.
const [dir, tries] = [Deno.args[0], Number(Deno.args[1])];
const g = `${dir}/granted`;
const ask = (worker: Worker, message: unknown) =>
  new Promise<string>((answer) => {
    worker.onmessage = (e) => answer(e.data);
    worker.postMessage(message);
  });
const url = import.meta.resolve("./grant_worker.ts");
const seen: Record<string, number> = {};
for (let i = 0; i < tries; i++) {
  const worker = new Worker(url, { type: "module", deno: { permissions: { read: [`${g}/sub`] } } } as WorkerOptions);
  Deno.renameSync(`${g}/sub`, `${g}/sub.away`);
  Deno.symlinkSync(`${dir}/outside`, `${g}/sub`);
  const got = await ask(worker, [`${g}/sub/deep/f`, `${dir}/outside/deep/f`]);
  seen[got] = (seen[got] ?? 0) + 1;
  worker.terminate();
  Deno.removeSync(`${g}/sub`);
  Deno.renameSync(`${g}/sub.away`, `${g}/sub`);
}
console.log("worker saw:", Object.keys(seen).sort().join(" | "));

const inherits = new Worker(url, { type: "module" });
console.log("before revoking:", await ask(inherits, [`${g}/sub/deep/f`]));
Deno.revokePermission("read");
console.log("after revoking:", await ask(inherits, [`${g}/sub/deep/f`]));
console.log("its permissions say:", await ask(inherits, "permissions"));
inherits.terminate();
