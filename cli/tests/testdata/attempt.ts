// A helper for the door's tests: runs f and prints what it threw, if anything.
export function attempt(what: string, f: () => unknown) {
  try {
    f();
    console.log(what, "-> no error");
  } catch (e) {
    console.log(what, "->", (e as Error).name + ":", (e as Error).message);
  }
}
