import "./cycle_c.ts";
import "./cycle_a.ts";
console.log("b");
