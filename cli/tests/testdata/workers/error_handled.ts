// A worker's uncaught error reaches the parent's onerror with where it was thrown;
// preventDefault() lets the parent go on. A worker whose module is missing, or that
// fails to compile, reports that the same way. Messages sent before the error come
// before it.
function errorOf(specifier: string): Promise<ErrorEvent> {
  return new Promise((resolve) => {
    const worker = new Worker(import.meta.resolve(specifier), { type: "module", name: specifier });
    worker.onerror = (e) => {
      e.preventDefault();
      resolve(e);
    };
    worker.postMessage("go");
  });
}
const e = await errorOf("./throws.ts");
console.log(e.type, e.message, e.filename.replace(/.*\//, ""), e.lineno, e.colno);
const missing = await errorOf("./no_such_worker.ts");
console.log(missing.message);
const bad = await errorOf("./syntax_error.ts");
console.log(bad.message);
const worker = new Worker(import.meta.resolve("./posts_then_throws.ts"), { type: "module" });
await new Promise<void>((resolve) => {
  worker.onmessage = (e) => console.log("message", e.data);
  worker.onerror = (e) => {
    console.log("then", e.message);
    e.preventDefault();
    resolve();
  };
});
console.log("the parent goes on");
