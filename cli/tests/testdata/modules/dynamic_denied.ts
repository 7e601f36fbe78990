// A dynamic import needs read access to the file, as in Deno; a static one does not.
const e = await import("./leaf.ts").catch((e) => e);
console.log(e.name, e.message);
