import "./cycle_b.ts";
import "./cycle_d.ts";
console.log("a");
