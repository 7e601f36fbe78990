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
