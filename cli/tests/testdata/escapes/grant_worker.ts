// grant.ts's worker: reads each path it is sent, answering what it got.
self.onmessage = (e: MessageEvent) => {
  if (e.data === "permissions") {
    self.postMessage(JSON.stringify(Deno.permissions().read));
    return;
  }
  self.postMessage((e.data as string[]).map((p) => {
    try {
      return Deno.readTextFileSync(p);
    } catch (e) {
      return (e as Error).name;
    }
  }).join(", "));
};
