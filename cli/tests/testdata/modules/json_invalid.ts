// Invalid JSON, imported statically: a clear error naming the file.
import x from "./invalid.json" with { type: "json" };
console.log(x);
