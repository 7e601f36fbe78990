// Bad messages at the door itself: each throws, and the process carries on.
import { attempt } from "./attempt.ts";

const { core } = Deno;
attempt("garbage", () => core.dispatch(new Uint8Array([1, 2, 3])));
attempt("empty", () => core.dispatch(new Uint8Array(0)));
// deno-lint-ignore no-explicit-any
attempt("string", () => core.dispatch("hello" as any));
// deno-lint-ignore no-explicit-any
attempt("no argument", () => (core.dispatch as any)());
// deno-lint-ignore no-explicit-any
attempt("zeroCopy not a view", () => core.dispatch(new Uint8Array(8), 42 as any));
// A Base { cmd_id: 1, sync: true } with no inner table (as a FlatBuffers builder writes it).
const noInner = new Uint8Array([12, 0, 0, 0, 8, 0, 12, 0, 8, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
attempt("no inner", () => core.dispatch(noInner));
// The same Base claiming inner type 200, which no op has.
const unknown = new Uint8Array([
  20, 0, 0, 0, 16, 0, 20, 0, 16, 0, 15, 0, 0, 0, 0, 0, 7, 0, 8, 0, 16, 0, 0, 0, 0, 0, 0, 200, 16, 0, 0, 0, 0, 0, 0, 1, 1,
  0, 0, 0, 4, 0, 4, 0, 4, 0, 0, 0,
]);
attempt("unknown op", () => core.dispatch(unknown));
// Truncations of the same message.
let thrown = 0;
for (let n = 0; n < unknown.length; n++) {
  try {
    core.dispatch(unknown.subarray(0, n));
  } catch {
    thrown++;
  }
}
console.log("truncations thrown:", thrown, "of", unknown.length);
console.log("still alive:", Deno.myPid() === Deno.pid);
