// An unhandled rejection fires `unhandledrejection` on the global object: canceling it
// keeps the program going; the next one, not canceled, ends it.
let n = 0;
addEventListener("unhandledrejection", (e) => {
  console.log("unhandledrejection:", e.reason, e.promise instanceof Promise, e.cancelable);
  if (++n === 1) e.preventDefault();
});
Promise.reject("first");
setTimeout(() => {
  console.log("still running");
  Promise.reject(new Error("second"));
}, 5);
setTimeout(() => console.log("never printed"), 50);
