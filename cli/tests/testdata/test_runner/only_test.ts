// `only`: when a test is marked, the rest are filtered out.
Deno.test("not this", () => { throw new Error("must not run"); });
Deno.test({ name: "just this", only: true, fn() {} });
