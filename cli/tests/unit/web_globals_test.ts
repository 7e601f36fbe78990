// The web globals of part 1 beside events: AbortController / AbortSignal, atob / btoa,
// structuredClone, queueMicrotask, navigator and performance. `minideno test -A tests/unit`.
import { assert, assertEquals, assertThrows } from "../testdata/check.ts";

Deno.test("AbortController aborts its signal once, with a reason, then fires abort", async () => {
  const c = new AbortController();
  const seen: string[] = [];
  c.signal.onabort = (e) => seen.push(`onabort:${e.type}:${e.isTrusted}`);
  c.signal.addEventListener("abort", () => seen.push("listener"));
  assertEquals([c.signal.aborted, c.signal.reason], [false, undefined]);
  c.signal.throwIfAborted();
  c.abort();
  c.abort("again: ignored");
  assertEquals(seen, ["onabort:abort:true", "listener"]);
  assert(c.signal.reason instanceof DOMException && c.signal.reason.name === "AbortError");
  await assertThrows(() => c.signal.throwIfAborted(), DOMException, "AbortError");
  const d = new AbortController();
  d.abort("mine");
  assertEquals(d.signal.reason, "mine");
  await assertThrows(() => new (AbortSignal as unknown as new () => AbortSignal)(), TypeError);
});

Deno.test("AbortSignal.abort, .timeout and .any", async () => {
  const a = AbortSignal.abort();
  assertEquals([a.aborted, (a.reason as DOMException).name], [true, "AbortError"]);
  const t = AbortSignal.timeout(5);
  assertEquals(t.aborted, false);
  await new Promise((resolve) => t.addEventListener("abort", resolve));
  assertEquals([(t.reason as DOMException).name, (t.reason as DOMException).code], ["TimeoutError", 23]);
  await assertThrows(() => AbortSignal.timeout(-1), TypeError);
  await assertThrows(() => AbortSignal.timeout(NaN), TypeError);
  const [x, y] = [new AbortController(), new AbortController()];
  const any = AbortSignal.any([x.signal, y.signal]);
  y.abort("y first");
  x.abort("x later");
  assertEquals([any.aborted, any.reason], [true, "y first"]);
  assertEquals(AbortSignal.any([AbortSignal.abort("already")]).reason, "already");
  assertEquals(AbortSignal.any([]).aborted, false);
  await assertThrows(() => AbortSignal.any([{} as AbortSignal]), TypeError);
});

Deno.test("btoa and atob round-trip every byte and follow forgiving-base64", async () => {
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(atob(btoa(all)), all);
  assertEquals([btoa(""), btoa("f"), btoa("fo"), btoa("foo"), btoa("foob")], ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg=="]);
  assertEquals([atob("Zg"), atob("Zm8"), atob(" Z m 9 v\\n".replace("\\n", "\n")), atob("Zm9vYg==")], ["f", "fo", "foo", "foob"]);
  assertEquals(atob(null as unknown as string), "\u009e\u00e9e"); // "null" is base64 too
  for (const bad of ["Z", "Zm9vY", "Zg=", "Zg===", "Z=g=", "Zm9v!", "Zm\u{1F600}", "====", "Zg==Zg=="]) {
    await assertThrows(() => atob(bad), DOMException, "InvalidCharacterError");
  }
  await assertThrows(() => btoa("\u0100"), DOMException, "InvalidCharacterError");
  await assertThrows(() => btoa("ok\u{1F600}"), DOMException, "InvalidCharacterError");
  await assertThrows(() => (btoa as () => string)(), TypeError);
  // A big input: 3 MB in, 4 MB out.
  const big = "\xff\x00\x7f".repeat(1 << 20);
  assertEquals(atob(btoa(big)) === big, true);
});

Deno.test("long inputs (done by base64-simd) follow the same rules as short ones", async () => {
  const byChunks = (s: string) => {
    let out = "";
    for (let i = 0; i < s.length; i += 3) out += btoa(s.slice(i, i + 3));
    return out;
  };
  let all = "";
  for (let i = 0; i < 1000; i++) all += String.fromCharCode((i * 7) & 0xff);
  const b64 = btoa(all);
  for (const len of [998, 999, 1000]) assertEquals(btoa(all.slice(0, len)), byChunks(all.slice(0, len)));
  // A string kept in two bytes per char whose chars all fit one byte.
  assertEquals(btoa(("\u0100" + all).slice(1)), b64);
  assertEquals(atob(b64), all);
  // ASCII whitespace anywhere; padding optional.
  assertEquals(atob(b64.replace(/(.{76})/g, "$1\r\n\t \f")), all);
  const padded = btoa(all.slice(0, 997));
  assertEquals([padded.endsWith("=="), atob(padded.replace(/=+$/, "")) === all.slice(0, 997)], [true, true]);
  const prefix = "QUJD".repeat(100);
  for (const bad of ["Z", "Zm9vY", "Zg=", "Zg===", "Z=g=", "Zm9v!", "Zm\u{1F600}", "====", "Zg==Zg==", "\u00e9AAA", "\vAAA"]) {
    await assertThrows(() => atob(prefix + bad), DOMException, "InvalidCharacterError");
  }
  for (const bad of ["\u0100", "\u{1F600}", "\ud800"]) {
    await assertThrows(() => btoa(all + bad), DOMException, "InvalidCharacterError");
    await assertThrows(() => btoa(bad + all), DOMException, "InvalidCharacterError");
  }
});

Deno.test("structuredClone copies deeply, transfers ArrayBuffers, and throws DataCloneError", async () => {
  const cyclic: Record<string, unknown> = { when: new Date(0), set: new Set([1]), map: new Map([["k", [1n]]]) };
  cyclic.self = cyclic;
  const copy = structuredClone(cyclic);
  assert(copy !== cyclic && copy.self === copy && copy.when instanceof Date);
  assertEquals([copy.set, copy.map], [new Set([1]), new Map([["k", [1n]]])]);
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const moved = structuredClone({ buffer }, { transfer: [buffer] });
  assertEquals([buffer.byteLength, new Uint8Array(moved.buffer)], [0, new Uint8Array([1, 2, 3])]);
  await assertThrows(() => structuredClone(buffer, { transfer: [buffer] }), DOMException, "DataCloneError");
  const twice = new ArrayBuffer(1);
  await assertThrows(() => structuredClone(0, { transfer: [twice, twice] }), DOMException, "DataCloneError");
  await assertThrows(() => structuredClone(() => 1), DOMException, "DataCloneError");
  await assertThrows(() => structuredClone({ s: Symbol() }), DOMException, "DataCloneError");
  await assertThrows(() => (structuredClone as () => unknown)(), TypeError);
});

Deno.test("queueMicrotask runs before timers, in order; a bad callback is a TypeError", async () => {
  const seen: number[] = [];
  const timer = new Promise((resolve) => setTimeout(() => resolve(seen.push(3)), 0));
  queueMicrotask(() => seen.push(1));
  queueMicrotask(() => seen.push(2));
  await timer;
  assertEquals(seen, [1, 2, 3]);
  await assertThrows(() => queueMicrotask(5 as unknown as () => void), TypeError);
});

Deno.test("navigator describes the machine", () => {
  assert(Number.isInteger(navigator.hardwareConcurrency) && navigator.hardwareConcurrency >= 1);
  assertEquals(navigator.userAgent, `minideno/${Deno.version.deno}`);
  assert(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$/.test(navigator.language), navigator.language);
  assertEquals(navigator.languages, [navigator.language]);
});

Deno.test("performance: a monotonic now from the time origin, marks and measures", async () => {
  const t0 = performance.now();
  assert(Math.abs(performance.timeOrigin + t0 - Date.now()) < 100, "timeOrigin + now() is the wall clock");
  await new Promise((r) => setTimeout(r, 5));
  assert(performance.now() >= t0 + 4, "now() moved with the timer");
  const a = performance.mark("a", { detail: { step: 1 } });
  assert(a.startTime >= t0 + 4 && a.startTime <= performance.now(), "a mark is made now");
  const b = performance.mark("b", { startTime: a.startTime + 10 });
  assertEquals([a.entryType, a.duration, a.detail, b.startTime], ["mark", 0, { step: 1 }, a.startTime + 10]);
  const m = performance.measure("a to b", "a", "b");
  assertEquals([m.entryType, m.startTime, m.duration], ["measure", a.startTime, b.startTime - a.startTime]);
  const o = performance.measure("by options", { start: 1, duration: 2, detail: "d" });
  assertEquals([o.startTime, o.duration, o.detail], [1, 2, "d"]);
  assertEquals(performance.getEntriesByName("a to b").length, 1);
  assertEquals(performance.getEntriesByType("mark").map((e) => e.name), ["a", "b"]);
  await assertThrows(() => performance.measure("x", "no such mark"), DOMException, "SyntaxError");
  await assertThrows(() => performance.mark("neg", { startTime: -1 }), TypeError);
  await assertThrows(() => performance.measure("x", { detail: 1 }), TypeError);
  await assertThrows(() => performance.measure("x", { duration: 1 }), TypeError);
  await assertThrows(() => performance.measure("x", { start: 1 }, "b"), TypeError);
  // An empty options object is no options: from the time origin to now (or the end mark).
  const empty = performance.measure("empty", {});
  assert(empty.startTime === 0 && empty.duration >= a.startTime, `from 0 to now: ${empty.duration}`);
  assertEquals(performance.measure("empty to b", {}, "b").duration, b.startTime);
  performance.clearMarks("a");
  assertEquals(performance.getEntriesByType("mark").map((e) => e.name), ["b"]);
  performance.clearMeasures();
  performance.clearMarks();
  assertEquals([performance.getEntries(), typeof performance.toJSON().timeOrigin], [[], "number"]);
  assertEquals(JSON.parse(JSON.stringify(b)).name, "b");
});

Deno.test("Deno.inspect's options: depth, compact, sorted, getters, colors", async () => {
  const nested = { a: { b: { c: { d: 1 } } } };
  assertEquals(Deno.inspect(nested, { depth: 1 }), "{ a: { b: [Object] } }");
  assertEquals(Deno.inspect(nested, { depth: 0 }), "{ a: [Object] }");
  assertEquals(Deno.inspect({ b: 1, a: 2, c: 3 }, { sorted: true }), "{ a: 2, b: 1, c: 3 }");
  assertEquals(Deno.inspect([1, 2], { compact: false }), "[\n  1,\n  2\n]");
  assertEquals(Deno.inspect({ a: [1] }, { compact: 1 }), "{\n  a: [ 1 ]\n}");
  const withGetter = { get x() { return 1; }, get boom(): number { throw new Error("no"); } };
  assertEquals(Deno.inspect(withGetter), "{ x: [Getter], boom: [Getter] }");
  assertEquals(Deno.inspect(withGetter, { getters: true }), "{ x: [Getter: 1], boom: [Getter: <Inspection threw (no)>] }");
  assertEquals(Deno.inspect({ s: "x", n: 1, u: undefined, z: null }, { colors: true }), '{ s: \x1b[32m"x"\x1b[39m, n: \x1b[33m1\x1b[39m, u: \x1b[90mundefined\x1b[39m, z: \x1b[1mnull\x1b[22m }');
  assertEquals(Deno.inspect("top-level strings as they are"), "top-level strings as they are");
  await assertThrows(() => Deno.inspect(1, 5 as unknown as Deno.InspectOptions), TypeError);
});

Deno.test("isTerminal: a pipe or a file is not a terminal", () => {
  const file = Deno.openSync(Deno.makeTempFileSync());
  assertEquals(file.isTerminal(), false);
  file.close();
  assertEquals(typeof Deno.stdout.isTerminal(), "boolean");
});

Deno.test("the file APIs take a signal: an aborted one rejects with its reason, nothing written", async () => {
  const path = Deno.makeTempFileSync();
  Deno.writeTextFileSync(path, "kept");
  const aborted = AbortSignal.abort("stop");
  for (const call of [
    () => Deno.readFile(path, { signal: aborted }),
    () => Deno.readTextFile(path, { signal: aborted }),
    () => Deno.writeTextFile(path, "lost", { signal: aborted }),
    () => Deno.writeFile(path, new Uint8Array(1), { signal: aborted }),
  ]) {
    let reason: unknown = null;
    await call().catch((e) => (reason = e));
    assertEquals(reason, "stop");
  }
  assertEquals(Deno.readTextFileSync(path), "kept");
  // Aborted while the file opens: it is opened (so truncated) but the data is not written.
  const c = new AbortController();
  const write = Deno.writeTextFile(path, "lost", { signal: c.signal });
  c.abort();
  await assertThrows(() => write, DOMException, "AbortError");
  assertEquals(Deno.readTextFileSync(path), "");
  Deno.writeTextFileSync(path, "kept");
  assertEquals(await Deno.readTextFile(path, { signal: new AbortController().signal }), "kept");
  Deno.removeSync(path);
});

Deno.test("a class prints itself through Symbol.for('Deno.customInspect')", () => {
  class Point {
    constructor(readonly x: number, readonly y: number) {}
    [Symbol.for("Deno.customInspect")](inspect: (v: unknown) => string) {
      return `Point(${this.x}, ${inspect(this.y)})`;
    }
  }
  assertEquals(Deno.inspect([new Point(1, 2)]), "[ Point(1, 2) ]");
});
