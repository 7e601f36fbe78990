// Imports used only as types need no runtime module: they are resolved and loaded,
// but the module is not evaluated (its side effect does not print).
import { Shape } from "./subdir/shape.ts";
const s: Shape = { sides: 3 };
console.log("sides:", s.sides);
