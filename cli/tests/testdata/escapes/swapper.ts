// swap.ts's worker: swaps granted/x and granted/a/b for symlinks to outside and back,
// as fast as it can, `tries` times each.
self.onmessage = (e: MessageEvent) => {
  const { g, outside, tries } = e.data;
  self.postMessage("started");
  for (let i = 0; i < tries; i++) {
    for (const swapped of ["x", "a/b"]) {
      Deno.renameSync(`${g}/${swapped}`, `${g}/${swapped}.away`);
      Deno.symlinkSync(outside, `${g}/${swapped}`);
      Deno.removeSync(`${g}/${swapped}`);
      Deno.renameSync(`${g}/${swapped}.away`, `${g}/${swapped}`);
    }
  }
  self.postMessage("done");
};
