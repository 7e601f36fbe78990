// Tests for `minideno test` itself: passing, failing (sync and async), ignored, named
// by a function; the expected output is sample_test.out (and .filtered.out).
Deno.test("adds", () => {
  if (1 + 1 !== 2) throw new Error("arithmetic");
});
Deno.test({ name: "skipped", ignore: true, fn() { throw new Error("never runs"); } });
Deno.test("fails", () => {
  throw new RangeError("this one fails");
});
Deno.test(async function awaitsThenFails() {
  await new Promise((r) => setTimeout(r, 1));
  throw new Error("after a timer");
});
Deno.test("reads with permission", () => {
  Deno.readTextFileSync("tests/testdata/test_runner/only_test.ts");
});
