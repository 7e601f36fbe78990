// A stack through the userland points at its TypeScript sources, not at the bundle.
try {
  // deno-lint-ignore no-explicit-any
  setTimeout("not a function" as any, 1);
} catch (e) {
  console.log((e as Error).stack);
}
