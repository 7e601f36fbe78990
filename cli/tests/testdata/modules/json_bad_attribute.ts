// Only type: "json" is an import attribute minideno knows.
import x from "./data.json" with { type: "css" };
console.log(x);
