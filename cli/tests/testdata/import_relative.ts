import twice, { type Pair, sum } from "./subdir/math.ts";

const p: Pair = { a: 19, b: 2 };
console.log(twice(sum(p)));
console.log(import.meta.url.endsWith("/tests/testdata/import_relative.ts"), import.meta.main);
