// Sends every message back as it came; "metrics" asks for this isolate's op counts.
onmessage = (e: MessageEvent) => {
  if (e.data === "metrics") {
    const m = Deno.metrics();
    postMessage({ posted: m.ops.WorkerPostMessage?.count ?? 0, created: m.ops.CreateWorker?.count ?? 0 });
  } else {
    postMessage(e.data);
  }
};
