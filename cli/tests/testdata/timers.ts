const order: string[] = [];
setTimeout(() => order.push("30"), 30);
setTimeout((a: string, b: string) => order.push(`10 ${a}${b}`), 10, "x", "y");
setTimeout(() => order.push("0"));
const cancelled = setTimeout(() => order.push("cancelled"), 5);
clearTimeout(cancelled);
let ticks = 0;
const interval = setInterval(() => {
  ticks++;
  if (ticks === 3) clearInterval(interval);
}, 4);
const start = Date.now();
await new Promise((resolve) => setTimeout(resolve, 50));
// Timers due together still run in deadline order.
console.log(order.join(" | "), ticks);
console.log(Date.now() - start >= 49);
try {
  // deno-lint-ignore no-explicit-any
  setTimeout("not a function" as any, 1);
} catch (e) {
  console.log((e as Error).name, (e as Error).message);
}
// An exception in a timer callback is an uncaught error.
setTimeout(() => {
  throw new Error("from a timer");
}, 1);
