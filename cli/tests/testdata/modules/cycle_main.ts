// Evaluation order through a cycle, as the standard gives it (and Deno and Node print).
import "./cycle_a.ts";
console.log("main");
