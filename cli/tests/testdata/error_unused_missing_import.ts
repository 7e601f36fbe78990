// An import only used as a type is dropped from the JavaScript, but the module graph
// is resolved from the imports as written: a missing module fails before anything runs.
import { Nothing } from "./does_not_exist.ts";
import type { AlsoNothing } from "./also_missing.ts";
let x: Nothing | AlsoNothing | undefined;
console.log("never printed", x);
