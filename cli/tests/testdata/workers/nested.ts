// A worker that starts a worker of its own: main -> middle -> leaf and back.
const middle = new Worker(import.meta.resolve("./nested_middle.ts"), { type: "module", name: "middle" });
middle.onmessage = (e) => {
  console.log("main got:", e.data);
  middle.terminate();
};
middle.postMessage(20);
