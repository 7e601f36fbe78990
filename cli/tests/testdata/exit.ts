console.log("before");
setTimeout(() => console.log("timer never fires"), 10);
Deno.exit(3);
console.log("after");
