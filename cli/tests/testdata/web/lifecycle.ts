// load after the main module (and its top-level await), beforeunload when nothing is
// left (canceled once with work scheduled: the program goes on), unload at the end.
let extra = 0;
addEventListener("load", (e) => console.log("load", e.isTrusted, e.cancelable));
onbeforeunload = (e) => {
  console.log("beforeunload", e.cancelable);
  if (extra++ === 0) {
    setTimeout(() => console.log("work scheduled in beforeunload"), 1);
    e.preventDefault();
  }
};
onunload = () => console.log("unload");
await new Promise((r) => setTimeout(r, 1));
console.log("main module done");
setTimeout(() => console.log("a timer after load"), 1);
