// Posts three messages, then throws while its module runs.
for (const n of [1, 2, 3]) postMessage(n);
throw new TypeError("after three messages");
