// The web platform's hot paths (tools/bench-web.sh), one line each: "name value unit".
// Plain JavaScript on web globals only, so that minideno, Deno and Node run it as is.
// Each case repeats until it has run for 300 ms (after a warm-up of the same length).
const RUN_MS = 300;

function measure(fn) {
  let n = 0;
  const until = (t) => {
    const start = performance.now();
    let reps = 1;
    for (;;) {
      for (let i = 0; i < reps; i++) fn();
      n += reps;
      const spent = performance.now() - start;
      if (spent >= t) return spent;
      reps *= 2;
    }
  };
  until(RUN_MS);
  n = 0;
  const spent = until(RUN_MS);
  return spent / n; // ms per call
}

function report(name, msPerCall, bytes) {
  if (bytes === undefined) console.log(`${name} ${(msPerCall * 1e6).toFixed(0)} ns/op`);
  else console.log(`${name} ${(bytes / 1e6 / (msPerCall / 1e3)).toFixed(0)} MB/s`);
}

const MIB = 1 << 20;
const href = "https://user:pw@example.com:8080/a/b/c?x=1&y=2#frag";
report("url_parse_href", measure(() => new URL(href).href));
report("search_params_round_trip", measure(() => new URLSearchParams("a=1&b=2&c=hello%20world&d=%C3%A9&e=x+y").toString()));

const text = "The quick brown fox jumps over the lazy dog. ".repeat(20) + "é€😀";
const utf8 = new TextEncoder().encode(text.repeat(Math.ceil(MIB / text.length))).subarray(0, MIB);
const utf8Decoder = new TextDecoder();
report("text_decoder_utf8", measure(() => utf8Decoder.decode(utf8)), utf8.length);
// Below V8's large-object size (128 KiB in V8 10.2), a string needs no pages of its own.
const utf8Small = utf8.subarray(0, 64 << 10);
report("text_decoder_utf8_64k", measure(() => utf8Decoder.decode(utf8Small)), utf8Small.length);
const latin = Uint8Array.from({ length: MIB }, (_, i) => (i * 7) & 0xff);
const cp1252 = new TextDecoder("windows-1252");
report("text_decoder_windows_1252", measure(() => cp1252.decode(latin)), MIB);

let binary = "";
for (let i = 0; i < MIB; i += 4096) binary += String.fromCharCode(...latin.subarray(i, i + 4096));
const encoded = btoa(binary);
report("btoa", measure(() => btoa(binary)), MIB);
report("atob", measure(() => atob(encoded)), MIB);
const encodedSmall = encoded.slice(0, 64 << 10);
report("atob_64k", measure(() => atob(encodedSmall)), encodedSmall.length);

const random = new Uint8Array(65536);
report("get_random_values_64k", measure(() => crypto.getRandomValues(random)), random.length);
report("performance_now", measure(() => performance.now()));

const object = { items: Array.from({ length: 10000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ["a", "b"], ok: i % 2 === 0 })) };
report("structured_clone_1mb_object", measure(() => structuredClone(object)));

const target = new EventTarget();
let seen = 0;
target.addEventListener("ping", () => seen++);
report("dispatch_event", measure(() => target.dispatchEvent(new Event("ping"))));
