// Symlink swaps, run with --allow-read=DIR/granted --allow-write=DIR/granted: a path's
// directory (or a component deep in it) is swapped for a symlink to DIR/outside while
// an op on it is in flight. Async ops are swapped by this isolate between dispatch
// and the pool's open; sync ones and imports by a Worker looping beside it. Reads must never see
// outside's secret, writes never change it (the test looks); without swaps, they work.
const [dir, tries] = [Deno.args[0], Number(Deno.args[1])];
const g = `${dir}/granted`;
let escapes = 0;
const tally = (text: string | undefined) => {
  if (text === "secret") escapes++;
};
const read = async (p: Promise<string>) => tally(await p.catch(() => undefined));
const write = async (p: Promise<void>) => { await p.catch(() => {}); };

// Async, swapped here: x (the first component) and a/b (a deep one).
for (const [target, swapped] of [["x/deep/f", "x"], ["a/b/deep/f", "a/b"]]) {
  for (let i = 0; i < tries; i++) {
    const r = read(Deno.readTextFile(`${g}/${target}`));
    const w = write(Deno.writeTextFile(`${g}/${target}`, "pwned"));
    const s = Deno.stat(`${g}/${target}`).catch(() => {});
    Deno.renameSync(`${g}/${swapped}`, `${g}/${swapped}.away`);
    Deno.symlinkSync(`${dir}/outside`, `${g}/${swapped}`);
    await Promise.all([r, w, s]);
    Deno.removeSync(`${g}/${swapped}`);
    Deno.renameSync(`${g}/${swapped}.away`, `${g}/${swapped}`);
    Deno.writeTextFileSync(`${g}/${target}`, "in");
  }
}
const asyncEscapes = escapes;

// Sync, swapped by a worker in a loop.
const swapper = new Worker(import.meta.resolve("./swapper.ts"), { type: "module" });
await new Promise((started) => {
  swapper.onmessage = started;
  swapper.postMessage({ g, outside: `${dir}/outside`, tries: tries * 4 });
});
let syncTries = 0, imports = 0;
const done = new Promise((finished) => (swapper.onmessage = finished));
let finished = false;
done.then(() => (finished = true));
while (!finished) {
  for (let i = 0; i < 50; i++, syncTries++) {
    try { tally(Deno.readTextFileSync(`${g}/x/deep/f`)); } catch { /* swapped away */ }
    try { Deno.writeTextFileSync(`${g}/x/deep/f`, "in"); } catch { /* swapped away */ }
    try { tally(Deno.readTextFileSync(`${g}/a/b/deep/f`)); } catch { /* swapped away */ }
    // A module is read where its import was checked, never by its path again.
    try {
      tally((await import(`${g}/x/deep/m.js?${imports++}`)).default);
    } catch { /* swapped away */ }
  }
  await new Promise((r) => setTimeout(r, 0));
}
swapper.terminate();
console.log("async escapes:", asyncEscapes);
console.log("sync and import escapes:", escapes - asyncEscapes, imports > 100);
// With no swap going on, the same operations work (how many worked during the swaps
// depends on how the threads were scheduled).
const calm = [
  Deno.readTextFileSync(`${g}/x/deep/f`),
  await Deno.readTextFile(`${g}/a/b/deep/f`),
  (await import(`${g}/x/deep/m.js?calm`)).default,
];
console.log("the legitimate operations worked:", calm.join() === "in,in,in", syncTries > 0);
