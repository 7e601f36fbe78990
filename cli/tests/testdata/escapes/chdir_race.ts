// The chdir race, run from DIR/w with --allow-read=DIR --allow-write=DIR/w: an async
// write of a relative path is checked against DIR/w, then the script moves to DIR/r
// (readable, not writable) before the pool opens it. Each try must write DIR/w/f and
// never DIR/r/f; async reads of a relative path must read DIR/w's file.
const tries = Number(Deno.args[0]);
const [w, r] = [Deno.cwd(), Deno.realPathSync("../r")];
let wrong = 0;
for (let i = 0; i < tries; i++) {
  const write = Deno.writeTextFile("f", `try ${i}`);
  const read = Deno.readTextFile("g");
  Deno.chdir(r);
  await write;
  if ((await read) !== "w's g") wrong++;
  Deno.chdir(w);
}
console.log("r/f:", Deno.readTextFileSync(`${r}/f`));
console.log("w/f:", Deno.readTextFileSync(`${w}/f`) === `try ${tries - 1}`);
console.log("reads of the wrong g:", wrong);
