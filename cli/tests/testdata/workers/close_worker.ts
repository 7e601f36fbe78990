// Posts three messages, closes, and posts nothing more.
for (const n of [1, 2, 3]) postMessage(n);
close();
postMessage("after close(), in the same task");
setTimeout(() => postMessage("never sent: the worker has ended"), 10);
