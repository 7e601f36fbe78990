await Promise.resolve();
console.log("d (top-level await)");
