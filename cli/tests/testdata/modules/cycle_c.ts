import "./cycle_b.ts";
console.log("c");
