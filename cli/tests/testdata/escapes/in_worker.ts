// Runs the escape script named by the last argument in a Worker, with this isolate's
// permissions and arguments: the races must hold there as in the main isolate. The
// worker is this module again: it imports the script, waits for it, and closes.
const script = Deno.args[Deno.args.length - 1];
if (self.name !== "escapes") {
  new Worker(import.meta.url, { type: "module", name: "escapes", deno: { permissions: "inherit" } });
} else {
  await import(`./${script}`);
  self.close();
}
