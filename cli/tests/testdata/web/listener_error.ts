// A listener's error does not stop the dispatch, and ends the program once the task
// is done unless an `error` listener on the global object cancels it.
const t = new EventTarget();
t.addEventListener("x", () => {
  throw new Error("boom");
});
t.addEventListener("x", () => console.log("the second listener still runs"));
onerror = (e) => {
  console.log("onerror saw:", e.message);
  return true; // handled
};
t.dispatchEvent(new Event("x"));
onerror = null;
t.dispatchEvent(new Event("x"));
console.log("the rest of this task runs too");
setTimeout(() => console.log("but no later task"), 0);
