// A failed async op's error carries the awaiting user's frames, and the uncaught
// error shows the user's line with a caret.
async function main() {
  await Deno.readFile("/no/such/file");
}
await main();
