// The leaf of nested.ts: answers once and closes.
onmessage = (e) => {
  postMessage(`${self.name} got ${e.data}`);
  close();
};
