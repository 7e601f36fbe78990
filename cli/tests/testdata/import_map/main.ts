// Bare specifiers, a prefix, a scope, import(), import.meta.resolve and a worker, all
// through --import-map (tests/integration.rs).
import { greet } from "greet";
import { twice } from "lib/util.ts";
import { scoped } from "./scoped/use.ts";
console.log(greet("ada"), twice(21), scoped);
const dynamic = await import("greet");
console.log("import():", dynamic.greet("later"));
console.log("import.meta.resolve:", import.meta.resolve("lib/util.ts").endsWith("/import_map/lib/util.ts"));
try {
  await import("not-mapped");
} catch (e) {
  console.log("not mapped:", (e as Error).message.includes('"not-mapped"'));
}
const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
worker.onmessage = (e) => {
  console.log("worker:", e.data);
  worker.terminate();
};
