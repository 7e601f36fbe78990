// Deno.copy from one file to another: minideno run copy.ts SRC DST
const [from, to] = Deno.args;
const src = await Deno.open(from);
const dst = await Deno.create(to);
const n = await Deno.copy(dst, src);
src.close();
dst.close();
console.log(`copied ${n} bytes`);
