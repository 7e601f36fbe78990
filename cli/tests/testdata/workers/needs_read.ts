// Starting a worker loads its module: without read access to it, new Worker throws.
try {
  new Worker(import.meta.resolve("./ready.ts"), { type: "module" });
} catch (e) {
  console.log(String(e));
}
