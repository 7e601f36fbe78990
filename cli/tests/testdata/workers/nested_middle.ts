// The middle of nested.ts: passes its parent's message to a worker of its own.
const leaf = new Worker(import.meta.resolve("./nested_leaf.ts"), { type: "module", name: "leaf" });
leaf.onmessage = (e) => postMessage(`${self.name} passes on: ${e.data}`);
onmessage = (e) => leaf.postMessage((e.data as number) * 2);
