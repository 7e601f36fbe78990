// Says it is ready, then waits for messages.
postMessage("ready");
onmessage = () => {};
