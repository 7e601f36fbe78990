// The door reads every length from V8 at the call (run with --harmony-rab-gsab and
// --allow-natives-syntax): a view past the end of a shrunk resizable buffer and a
// detached reply buffer are TypeErrors, never reads past the end or an abort. Once
// Deno.core.shared is detached, no sync reply (console.log's write op's included) can
// be delivered: the script reports the rest through its exit code.
import { attempt } from "./attempt.ts";

// deno-lint-ignore no-explicit-any
const rab = new (ArrayBuffer as any)(64, { maxByteLength: 1024 }) as ArrayBuffer;
const fixed = new Uint8Array(rab, 0, 64);
// deno-lint-ignore no-explicit-any
(rab as any).resize(8);
attempt("control past a shrunk buffer", () => Deno.core.dispatch(fixed));
attempt("zeroCopy past a shrunk buffer", () => Deno.echo(fixed));
attempt("zeroCopy within it", () => Deno.echo(new Uint8Array(rab, 0, 8)).length);
const detach = new Function("b", "%ArrayBufferDetach(b)");
detach(Deno.core.shared);
let replyRefused = false;
try {
  Deno.myPid();
} catch (e) {
  replyRefused = e instanceof TypeError && e.message.includes("Deno.core.shared was detached");
}
// An op without a reply still works.
Deno.noop();
Deno.exit(replyRefused ? 42 : 1);
