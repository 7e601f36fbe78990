// Deno.core.deserialize of bytes that are not a message (empty, garbage, cut short,
// randomly damaged) throws and never crashes; serialize refuses what cannot be cloned.
const broken = [
  new Uint8Array([]),
  new Uint8Array([1, 2, 3]),
  new Uint8Array([0xff, 0x0f, 0x6f, 0x22]),
  Deno.core.serialize({ a: 1 }).subarray(0, 5),
];
for (const bytes of broken) {
  try {
    console.log(Deno.core.deserialize(bytes));
  } catch (e) {
    console.log("threw", String(e));
  }
}
let seed = 7;
let threw = 0;
for (let i = 0; i < 20000; i++) {
  const good = Deno.core.serialize({ a: [1, "x", new Map([[i, { d: new Date(i) }]])], b: new Uint16Array([i]) });
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  good[2 + (seed % (good.length - 2))] ^= 1 << (seed % 8); // one bit flipped past the header
  try {
    Deno.core.deserialize(good);
  } catch {
    threw++;
  }
}
console.log("20,000 damaged messages: each read back or threw, none crashed:", threw > 0 && threw < 20000);
try {
  Deno.core.deserialize("x" as unknown as Uint8Array);
} catch (e) {
  console.log(String(e));
}
try {
  Deno.core.serialize(Symbol("s"));
} catch (e) {
  console.log(String(e));
}
