// Deno.unrefTimer / refTimer: an unref'd timer fires while something else keeps the
// program alive, and never keeps it alive itself (nor does AbortSignal.timeout's).
const start = Date.now();
Deno.unrefTimer(setTimeout(() => console.log("FAIL: a 30 s unref'd timer fired"), 30_000));
Deno.unrefTimer(setInterval(() => console.log("FAIL: a 20 s unref'd interval fired"), 20_000));
const never = AbortSignal.timeout(30_000);

let ticks = 0;
const tick = setInterval(() => ticks++, 10);
Deno.unrefTimer(tick);
Deno.unrefTimer(setTimeout(() => console.log("unref'd timer fired while a ref'd one waits"), 20));
const soon = AbortSignal.timeout(20);

// AbortSignal.timeout keeps the program alive while its abort is listened for, on it or
// on an `any` signal that follows it (as in Deno); a listener removed lets it go.
const heard = AbortSignal.timeout(150);
heard.onabort = () => console.log("a listened-for AbortSignal.timeout aborted");
AbortSignal.any([AbortSignal.timeout(200)]).addEventListener("abort", () => console.log("an any() of one aborted"));
const dropped = AbortSignal.timeout(30_000);
const listener = () => console.log("FAIL: a listener removed was called");
dropped.addEventListener("abort", listener);
dropped.removeEventListener("abort", listener);

// Unref'd then ref'd again: it keeps the program alive until it fires.
const back = setTimeout(() => {
  console.log("re-ref'd timer fired");
  console.log("interval ticked:", ticks >= 3);
  console.log("AbortSignal.timeout(20):", soon.aborted, (soon.reason as DOMException).name);
}, 100);
Deno.unrefTimer(back);
Deno.refTimer(back);
// Unknown and odd ids are ignored.
Deno.unrefTimer(123456);
Deno.refTimer(-1);
Deno.unrefTimer(NaN);

addEventListener("unload", () => {
  console.log("ended early:", Date.now() - start < 5_000, "30 s signal aborted:", never.aborted);
});
