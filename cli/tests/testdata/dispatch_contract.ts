// The op contract seen from the userland: every async request gets one reply, a
// cmd_id in flight is refused at the door, a reply nobody waits for harms nothing, a
// wrong mode gets an error reply, big reply turns are delivered, WebAssembly settles.
const { core } = Deno;

// The union tags of Noop and GlobalTimer, as the schema's generated code numbers them
// (the test passes msg::Any::Noop and msg::Any::GlobalTimer): a new op appended to the
// union, or one put anywhere, changes no byte written below by hand.
const [noopTag, globalTimerTag] = Deno.args.map(Number);

// Base { cmd_id, sync: false, inner: Noop {} } as Rust's FlatBuffers builder writes it;
// the union tag is byte 27, the cmd_id the uint32 at byte 28.
const rawNoop = new Uint8Array([
  20, 0, 0, 0, 16, 0, 16, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7, 0, 12, 0, 16, 0, 0, 0, 0, 0, 0, 8, 7, 0, 0, 0, 8, 0, 0, 0, 4, 0,
  4, 0, 4, 0, 0, 0,
]);
rawNoop[27] = noopTag;
new DataView(rawNoop.buffer).setUint32(28, 0x7fff0001, true);
console.log("raw async Noop:", core.dispatch(rawNoop));
try {
  core.dispatch(rawNoop);
} catch (e) {
  console.log("again while in flight:", (e as Error).name, (e as Error).message);
}
// An async op with no result settles (undefined); the raw request's reply, which no
// promise waits for, is delivered in the same turn and skipped.
console.log("noopAsync:", await Deno.noopAsync());
await new Promise((resolve) => setTimeout(resolve, 1));
console.log("raw again after its reply:", core.dispatch(rawNoop));

// Base { cmd_id: 7, sync: true, inner: GlobalTimer { timeout_ms: 1 } }: GlobalTimer is
// async-only, so a sync request is answered at once with an error reply.
const timerSync = new Uint8Array([
  20, 0, 0, 0, 16, 0, 18, 0, 8, 0, 6, 0, 0, 0, 0, 0, 7, 0, 12, 0, 16, 0, 0, 0, 0, 0, 1, 6, 7, 0, 0, 0, 12, 0, 0, 0, 0,
  0, 6, 0, 12, 0, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 240, 63,
]);
timerSync[27] = globalTimerTag; // byte 26 is `sync`
const reply = core.dispatch(timerSync) as number; // its length in core.shared
const text = new TextDecoder().decode(new Uint8Array(core.shared, 0, reply));
console.log("sync GlobalTimer:", text.includes("GlobalTimer is an async op"));

// 200 replies of 1 MiB finish in one turn: more than one batch's worth.
const promises: Promise<Uint8Array>[] = [];
for (let i = 0; i < 200; i++) {
  const data = new Uint8Array(1 << 20);
  data[0] = i;
  data[data.length - 1] = 255 - i;
  promises.push(Deno.echoAsync(data));
}
const echoed = await Promise.all(promises);
console.log(
  "200 MiB echoed:",
  echoed.every((r, i) => r.length === 1 << 20 && r[0] === (i & 255) && r[r.length - 1] === ((255 - i) & 255)),
);

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const wasm = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0,
  32, 0, 32, 1, 106, 11,
]);
const { instance } = await WebAssembly.instantiate(wasm);
console.log("wasm add:", (instance.exports.add as (a: number, b: number) => number)(40, 2));
