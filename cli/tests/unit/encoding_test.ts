// TextEncoder / TextDecoder (WHATWG Encoding): every label through encoding_rs, fatal,
// ignoreBOM, streaming split anywhere, encodeInto, odd input. `minideno test -A tests/unit`.
import { assert, assertEquals, assertThrows } from "../testdata/check.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("labels name their encodings; unknown ones and replacement are RangeErrors", async () => {
  const cases: [string, string][] = [
    ["utf8", "utf-8"], [" UTF-8\n", "utf-8"], ["latin1", "windows-1252"], ["ascii", "windows-1252"],
    ["sjis", "shift_jis"], ["utf-16", "utf-16le"], ["UTF-16BE", "utf-16be"], ["gbk", "gbk"], ["koi8", "koi8-r"],
    ["csisolatin2", "iso-8859-2"], ["x-user-defined", "x-user-defined"], ["big5-hkscs", "big5"],
  ];
  for (const [label, name] of cases) assertEquals(new TextDecoder(label).encoding, name);
  for (const bad of ["nope", "utf-7", "iso-2022-kr", "replacement", ""]) {
    const e = await assertThrows(() => new TextDecoder(bad), RangeError);
    assertEquals(e.message, `The encoding label provided ('${bad}') is invalid.`);
  }
  const d = new TextDecoder(undefined, { fatal: true, ignoreBOM: true });
  assertEquals([d.encoding, d.fatal, d.ignoreBOM], ["utf-8", true, true]);
});

Deno.test("UTF-8: BOM, replacement of every kind of malformed sequence, fatal", async () => {
  const d = new TextDecoder();
  assertEquals(d.decode(bytes(0xef, 0xbb, 0xbf, 0x61)), "a");
  assertEquals(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes(0xef, 0xbb, 0xbf, 0x61)), "\ufeffa");
  // Overlong, surrogate, past U+10FFFF, lone continuation, truncated: U+FFFD each, as the spec counts.
  assertEquals(d.decode(bytes(0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x80, 0xe2, 0x82)), "\ufffd".repeat(11));
  assertEquals(d.decode(bytes(0xf0, 0x9f, 0x98, 0x80)), "😀");
  assertEquals(d.decode(), "");
  assertEquals(d.decode(new Uint16Array([0x6968]).buffer), "hi");
  assertEquals(d.decode(new DataView(bytes(0x61, 0x62).buffer, 1)), "b");
  const e = await assertThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes(0x61, 0xff)), TypeError);
  assertEquals(e.message, "The encoded data is not valid");
  await assertThrows(() => d.decode("text" as unknown as Uint8Array), TypeError);
});

Deno.test("UTF-8 streaming: a character split at every byte comes out whole", () => {
  const text = "\ufeffaé€😀z";
  const all = new TextEncoder().encode(text);
  for (let cut = 0; cut <= all.length; cut++) {
    const d = new TextDecoder();
    const out = d.decode(all.subarray(0, cut), { stream: true }) + d.decode(all.subarray(cut));
    assertEquals(out, text.slice(1));
  }
  const d = new TextDecoder();
  let out = "";
  for (const b of all) out += d.decode(bytes(b), { stream: true });
  assertEquals(out + d.decode(), text.slice(1));
  // An incomplete character at the end of the stream is U+FFFD; then the decoder starts over.
  assertEquals(d.decode(bytes(0xe2, 0x82), { stream: true }) + d.decode(), "\ufffd");
  assertEquals(d.decode(bytes(0xef, 0xbb, 0xbf, 0x62)), "b");
});

Deno.test("single-byte encodings decode in JS from their table", async () => {
  assertEquals(new TextDecoder("windows-1252").decode(bytes(0x63, 0x61, 0x66, 0xe9, 0x80, 0x9f)), "café€Ÿ");
  assertEquals(new TextDecoder("iso-8859-5").decode(bytes(0xb0, 0xef)), "Ая");
  assertEquals(new TextDecoder("koi8-r").decode(bytes(0xc1)), "а");
  assertEquals(new TextDecoder("x-user-defined").decode(bytes(0x41, 0x80, 0xff)), "A\uf780\uf7ff");
  // windows-874 leaves 0xdb unmapped: U+FFFD, or with fatal a TypeError.
  assertEquals(new TextDecoder("windows-874").decode(bytes(0xdb)), "\ufffd");
  await assertThrows(() => new TextDecoder("windows-874", { fatal: true }).decode(bytes(0xdb)), TypeError);
  const every = new Uint8Array(256).map((_, i) => i);
  assertEquals(new TextDecoder("latin1").decode(every).length, 256);
});

Deno.test("multi-byte encodings and UTF-16 through the Rust side, streamed too", async () => {
  assertEquals(new TextDecoder("shift_jis").decode(bytes(0x82, 0xa0, 0x61)), "あa");
  assertEquals(new TextDecoder("euc-kr").decode(bytes(0xb0, 0xa1)), "가");
  assertEquals(new TextDecoder("gb18030").decode(bytes(0x81, 0x30, 0x81, 0x30)), "\u0080");
  assertEquals(new TextDecoder("big5").decode(bytes(0xa4, 0x40)), "一");
  assertEquals(new TextDecoder("utf-16le").decode(bytes(0xff, 0xfe, 0x41, 0, 0x3d, 0xd8, 0, 0xde)), "A😀");
  assertEquals(new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes(0xff, 0xfe, 0x41, 0)), "\ufeffA");
  const d = new TextDecoder("utf-16be");
  assertEquals(d.decode(bytes(0, 0x41, 0xd8), { stream: true }) + d.decode(bytes(0x3d, 0xde, 0)), "A😀");
  const rids = Object.keys(Deno.resources()).length;
  const s = new TextDecoder("shift_jis");
  s.decode(bytes(0x82), { stream: true });
  assertEquals(Object.keys(Deno.resources()).length, rids + 1, "a stream keeps its state in a rid");
  assertEquals(s.decode(bytes(0xa0)), "あ");
  assertEquals(Object.keys(Deno.resources()).length, rids, "and frees it when it ends");
  const f = new TextDecoder("shift_jis", { fatal: true });
  f.decode(bytes(0x82), { stream: true });
  await assertThrows(() => f.decode(bytes(0x20)), TypeError);
  assertEquals(Object.keys(Deno.resources()).length, rids, "a failed stream frees its rid");
  assertEquals(f.decode(bytes(0x82, 0xa0)), "あ", "and the decoder starts over");
});

Deno.test("TextEncoder: lone surrogates, encodeInto that stops at a whole character", async () => {
  const e = new TextEncoder();
  assertEquals(e.encoding, "utf-8");
  assertEquals([...e.encode("\ud800a\udc00")], [0xef, 0xbf, 0xbd, 0x61, 0xef, 0xbf, 0xbd]);
  assertEquals(e.encode().length, 0);
  const dst = new Uint8Array(5);
  assertEquals(e.encodeInto("aé😀", dst), { read: 2, written: 3 });
  assertEquals(e.encodeInto("😀", new Uint8Array(4)), { read: 2, written: 4 });
  assertEquals(e.encodeInto("abc", new Uint8Array(0)), { read: 0, written: 0 });
  const view = new Uint8Array(8).subarray(2, 4);
  assertEquals(e.encodeInto("xyz", view), { read: 2, written: 2 });
  assertEquals(view.buffer.byteLength, 8);
  await assertThrows(() => e.encodeInto("a", [] as unknown as Uint8Array), TypeError);
  const huge = "é".repeat(1 << 20);
  assert(new TextDecoder().decode(e.encode(huge)) === huge, "a 2 MB round trip");
});

Deno.test("long inputs (decoded natively) follow the same rules as short ones", async () => {
  const pad = "a".repeat(40);
  const bad = [0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x80, 0xe2, 0x82];
  const long = new Uint8Array([...new TextEncoder().encode(pad), ...bad]);
  assertEquals(new TextDecoder().decode(long), pad + "\ufffd".repeat(11));
  await assertThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(long), TypeError);
  const text = "é€😀".repeat(50);
  const all = new TextEncoder().encode(text);
  assertEquals(all.length, 9 * 50);
  for (const cut of [100, 101, 102, 103, 225]) {
    const d = new TextDecoder();
    assertEquals(d.decode(all.subarray(0, cut), { stream: true }) + d.decode(all.subarray(cut)), text);
  }
  assertEquals(new TextEncoder().encode("x".repeat(40) + "\udc00").subarray(40), new Uint8Array([0xef, 0xbf, 0xbd]));
});

Deno.test("a detached buffer decodes (and hashes) as empty, as WebIDL reads it", async () => {
  const buffer = new ArrayBuffer(8);
  const view = new Uint8Array(buffer);
  structuredClone(0, { transfer: [buffer] });
  for (const label of ["utf-8", "windows-1252", "shift_jis"]) {
    assertEquals(new TextDecoder(label).decode(buffer), "");
    assertEquals(new TextDecoder(label).decode(view), "");
  }
  const empty = await crypto.subtle.digest("SHA-256", view);
  assertEquals(new Uint8Array(empty)[0], 0xe3, "the digest of nothing");
});
