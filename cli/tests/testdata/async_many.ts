// 10,000 async ops in flight at once, each echoing its own index.
const N = 10_000;
const replies = await Promise.all(
  Array.from({ length: N }, (_, i) => Deno.echoAsync(new Uint32Array([i, i * 7]))),
);
let right = 0;
replies.forEach((bytes, i) => {
  const v = new Uint32Array(bytes.slice().buffer);
  if (v[0] === i && v[1] === i * 7) right++;
});
console.log(right === N ? "all right" : `${N - right} wrong`);
const m = Deno.metrics();
console.log(m.opsDispatched === m.opsCompleted);
// Replies of separate turns stay intact, though small batches share one buffer that
// each turn overwrites.
const first = await Deno.echoAsync(new Uint32Array([1, 2]));
const second = await Deno.echoAsync(new Uint32Array([3, 4]));
console.log(Array.from(new Uint32Array(first.slice().buffer)), Array.from(new Uint32Array(second.slice().buffer)));
