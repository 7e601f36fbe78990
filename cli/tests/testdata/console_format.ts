// Expected output was checked against Deno 2.x.
console.log({ a: { b: { c: {} } } });
console.log({ a: { b: { c: { d: 1 } } } });
console.log({ a: { b: { c: { d: { e: { f: 1 } } } } } });
console.log(Array.from({ length: 27 }, (_, i) => i + 1));
console.log(["apple", "banana", "cherry", "dates", "elder", "figs", "grape"]);
console.log(new Map<string, unknown>([["a", 1], ["b", { x: [1, 2] }]]), new Set([1, "x"]));
console.log({
  s: "it's",
  t: 'say "hi"',
  "a-b": 1,
  [Symbol("k")]: 2,
  f() {},
  g: async () => 1,
  C: class A {},
});
const o: { name: string; self?: unknown } = { name: "loop" };
o.self = o;
console.log(o);
class Foo {
  x = 1;
}
console.log(new Foo(), [new Foo()], Object.create(null));
// deno-lint-ignore no-sparse-arrays
console.log([undefined, null, -0, 10n, , 3]);
console.log("%s is %d years", "Bob", 42.5, "extra");
console.log(new Date(0), /re/g, new Uint8Array([1, 2, 3]));
console.log(Array.from({ length: 120 }, (_, i) => i));
console.info("info", 1);
console.warn("warn", [true]);
console.error("error", { e: null });
