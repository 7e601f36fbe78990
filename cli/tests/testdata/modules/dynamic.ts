// Dynamic import(): relative, absolute and JSON; load errors, throws and denials are
// rejected promises, and the code after import() runs before the module does.
const order: string[] = [];
const pending = import("./leaf.ts").then((m) => order.push(`then ${m.leaf}`));
order.push("after import()");
await pending;
console.log(order.join(", "));

const absolute = await import(import.meta.resolve("./leaf.ts"));
console.log("one instance:", absolute === (await import("./leaf.ts")));

const fail = (p: Promise<unknown>) =>
  p.then(() => "resolved?!", (e) => `${e.name}: ${e.message}`);
console.log(await fail(import("./no_such.ts")));
console.log(await fail(import("./throws.ts")));
console.log("again:", await fail(import("./throws.ts")));
console.log(await fail(import("./broken.ts")));
console.log(await fail(import("lodash")));

const data = await import("./data.json", { with: { type: "json" } });
console.log(data.default, data.default === (await import("./data.json", { with: { type: "json" } })).default);
console.log(await fail(import("./data.json")));
console.log(await fail(import("./leaf.ts", { with: { type: "json" } })));
console.log(await fail(import("./invalid.json", { with: { type: "json" } })));
