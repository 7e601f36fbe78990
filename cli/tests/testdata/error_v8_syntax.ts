// oxc parses this; V8 refuses it when compiling the module. The error still points
// at the TypeScript line, with its code frame.
type Id = number;
let a: Id = 1;
let a: Id = 2;
console.log("never printed", a);
