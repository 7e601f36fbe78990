// 100,000 messages to a worker and back: every one arrives, in order, unchanged. Then
// the structured-clone types, a value that cannot be cloned, and per-isolate metrics.
const N = 100_000;
const worker = new Worker(import.meta.resolve("./echo_worker.ts"), { type: "module", name: "echo" });
const replies: unknown[] = [];
let done!: () => void;
let finished = new Promise<void>((resolve) => (done = resolve));
worker.onmessage = (e) => {
  replies.push(e.data);
  if (replies.length === N) done();
};
for (let i = 0; i < N; i++) worker.postMessage({ i, text: `message ${i}` });
await finished;
const inOrder = replies.every((r, i) => {
  const { i: j, text } = r as { i: number; text: string };
  return j === i && text === `message ${i}`;
});
console.log(`${replies.length} round trips, in order and unchanged: ${inOrder}`);

const cyclic: Record<string, unknown> = { name: "cycle" };
cyclic.self = cyclic;
const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
const values: [string, unknown][] = [
  ["Map", new Map<unknown, unknown>([[1, "one"], ["two", { n: 2 }]])],
  ["Set", new Set([1, "a", 3n])],
  ["Date", new Date(Date.UTC(2019, 0, 2, 3, 4, 5))],
  ["RegExp", /ab+c/gi],
  ["Uint8Array view", bytes.subarray(2, 5)],
  ["Float64Array", new Float64Array([0.5, -1, Infinity])],
  ["ArrayBuffer", bytes.buffer],
  ["BigInt", 2n ** 70n],
  ["cycle", cyclic],
  ["Error", new RangeError("out of range")],
  ["nested", { list: [1, [2, [3]]], nothing: null, undef: undefined, nan: NaN }],
];
let index = 0;
finished = new Promise<void>((resolve) => (done = resolve));
worker.onmessage = (e) => {
  const [name] = values[index++];
  console.log(name, e.data instanceof ArrayBuffer ? new Uint8Array(e.data) : e.data);
  if (index === values.length) done();
};
for (const [, value] of values) worker.postMessage(value);
await finished;
const back = await new Promise((resolve) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.postMessage(cyclic);
}) as Record<string, unknown>;
console.log("a cycle stays a cycle:", back.self === back);

try {
  worker.postMessage({ f() {} });
} catch (e) {
  console.log("cannot clone a function:", (e as Error).name);
}

const theirs = await new Promise((resolve) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.postMessage("metrics");
});
const mine = Deno.metrics().ops;
console.log("worker's metrics:", theirs);
console.log("parent's metrics: HostPostMessage", mine.HostPostMessage.count, "WorkerPostMessage", mine.WorkerPostMessage?.count ?? 0);
worker.terminate();
