// URL and URLSearchParams (WHATWG URL): parsing against a base, every getter and
// setter, canParse / parse, the live query both ways, the form encoding, odd input
// (surrogates, IPv6, IDNA, opaque paths). `minideno test -A tests/unit`.
import { assert, assertEquals, assertThrows } from "../testdata/check.ts";

Deno.test("a URL parses against a base and every getter slices its parts", () => {
  const u = new URL("../b?q=1#f", "https://user:pw@example.com:8080/a/c");
  assertEquals(
    [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash],
    ["https://user:pw@example.com:8080/b?q=1#f", "https://example.com:8080", "https:", "user", "pw", "example.com:8080", "example.com", "8080", "/b", "?q=1", "#f"],
  );
  assertEquals([String(u), u.toJSON(), JSON.stringify({ u })], [u.href, u.href, `{"u":"${u.href}"}`]);
  assertEquals(new URL(u).href, u.href);
  assertEquals(new URL("/x", u).href, "https://user:pw@example.com:8080/x");
});

Deno.test("the parser normalizes as the spec says", () => {
  const cases: [string, string][] = [
    ["HTTP://EXAMPLE.com/./a/../b", "http://example.com/b"],
    ["http://example.com:80/", "http://example.com/"],
    ["https://example.com:443", "https://example.com/"],
    ["http://[0:0::1]:8/", "http://[::1]:8/"],
    ["http://0x7f.1/", "http://127.0.0.1/"],
    ["http://EXAMPLE.com/a b?c d#e f", "http://example.com/a%20b?c%20d#e%20f"],
    ["http://bücher.example/", "http://xn--bcher-kva.example/"],
    ["file:///tmp/../etc/x", "file:///etc/x"],
    ["mailto:Someone@Example.com", "mailto:Someone@Example.com"],
    ["data:text/plain,hi there", "data:text/plain,hi there"],
    ["  http://example.com/\t\n ", "http://example.com/"],
  ];
  for (const [input, href] of cases) assertEquals(new URL(input).href, href);
  // Lone surrogates are USVString conversions: U+FFFD, percent-encoded.
  assertEquals(new URL("http://x/\ud800").pathname, "/%EF%BF%BD");
});

Deno.test("what is not a URL is a TypeError naming the input and the base", async () => {
  for (const bad of ["", "nope", "/relative", "http://[::1", "http://a b/", "http://x:99999/", "https://"]) {
    const e = await assertThrows(() => new URL(bad), TypeError);
    assertEquals(e.message, `Invalid URL: '${bad}'`);
  }
  const e = await assertThrows(() => new URL("/x", "nope"), TypeError);
  assertEquals(e.message, "Invalid URL: '/x' with base 'nope'");
  await assertThrows(() => new (URL as unknown as new () => URL)(), TypeError);
  assertEquals([URL.canParse("a:b"), URL.canParse("/x"), URL.canParse("/x", "file:///")], [true, false, true]);
  assertEquals([URL.parse("/x", "file:///a/b")?.href, URL.parse("x")], ["file:///x", null]);
});

Deno.test("origins: special schemes, blob URLs, and opaque ones", () => {
  assertEquals(new URL("http://a.org:81/x").origin, "http://a.org:81");
  assertEquals(new URL("wss://a.org/").origin, "wss://a.org");
  assertEquals(new URL("blob:https://a.org/uuid").origin, "https://a.org");
  assertEquals(new URL("blob:file:///x").origin, "null");
  assertEquals(new URL("file:///x").origin, "null");
  assertEquals(new URL("foo://a.org/").origin, "null");
});

Deno.test("setters apply what they can; a value that does not apply changes nothing", async () => {
  const u = new URL("http://example.com/p?q#h");
  u.port = "81";
  u.protocol = "https";
  u.username = "me";
  u.password = "s e";
  u.hostname = "example.org";
  u.pathname = "a b";
  u.hash = "top";
  assertEquals(u.href, "https://me:s%20e@example.org:81/a%20b?q#top");
  u.port = "99999"; // out of range
  u.hostname = "a b"; // not a host
  u.protocol = "1nope";
  u.host = "";
  assertEquals(u.href, "https://me:s%20e@example.org:81/a%20b?q#top");
  u.port = "";
  u.host = "h.test:8443";
  u.search = "";
  u.hash = "";
  assertEquals(u.href, "https://me:s%20e@h.test:8443/a%20b");
  u.href = "file:///etc/hosts";
  assertEquals([u.protocol, u.pathname, u.host], ["file:", "/etc/hosts", ""]);
  await assertThrows(() => (u.href = "not a url"), TypeError);
  assertEquals(u.href, "file:///etc/hosts");
});

Deno.test("searchParams is live both ways", () => {
  const u = new URL("https://x.org/?a=1&b=2#frag");
  const p = u.searchParams;
  assert(p === u.searchParams, "the same object every time");
  p.append("c", "x y!");
  assertEquals(u.href, "https://x.org/?a=1&b=2&c=x+y%21#frag");
  p.delete("a");
  p.set("b", "3");
  assertEquals(u.search, "?b=3&c=x+y%21");
  u.search = "?z=9";
  assertEquals([...p], [["z", "9"]]);
  u.href = "https://y.org/?k=v";
  assertEquals(p.get("k"), "v");
  p.delete("k");
  assertEquals(u.href, "https://y.org/", "an empty list removes the query");
});

Deno.test("URLSearchParams from a string, a record, pairs or another; bad pairs are TypeErrors", async () => {
  assertEquals([...new URLSearchParams("?a=1&&b=&c&=d&a=2")], [["a", "1"], ["b", ""], ["c", ""], ["", "d"], ["a", "2"]]);
  assertEquals([...new URLSearchParams({ a: "1", b: "é" })], [["a", "1"], ["b", "é"]]);
  assertEquals([...new URLSearchParams([["a", "1"], new Set(["b", "2"])])], [["a", "1"], ["b", "2"]]);
  const copy = new URLSearchParams(new URLSearchParams("x=1"));
  assertEquals(copy.toString(), "x=1");
  assertEquals(new URLSearchParams(undefined).size, 0);
  assertEquals(new URLSearchParams(12 as unknown as string).toString(), "12=");
  await assertThrows(() => new URLSearchParams([["a"]]), TypeError);
  await assertThrows(() => new URLSearchParams([["a", "b", "c"]]), TypeError);
  await assertThrows(() => new URLSearchParams([5] as unknown as string[][]), TypeError);
});

Deno.test("the form encoding: + and %XX in, only unreserved bytes out", () => {
  const p = new URLSearchParams("a=%zz&b=%C3%A9&c=1+2&d=%2B&e=%E2%82");
  assertEquals([p.get("a"), p.get("b"), p.get("c"), p.get("d"), p.get("e")], ["%zz", "é", "1 2", "+", "\ufffd"]);
  const q = new URLSearchParams();
  q.append("k y", "*-._~!'() &=+/é\ud800");
  assertEquals(q.toString(), "k+y=*-._%7E%21%27%28%29+%26%3D%2B%2F%C3%A9%EF%BF%BD");
  assertEquals(new URLSearchParams(q.toString()).get("k y"), "*-._~!'() &=+/é\ufffd");
});

Deno.test("get, getAll, has with a value, set, delete with a value, sort, size, iteration", async () => {
  const p = new URLSearchParams("b=2&a=1&b=3&c=4&a=0");
  assertEquals([p.get("b"), p.get("nope"), p.getAll("b"), p.size], ["2", null, ["2", "3"], 5]);
  assertEquals([p.has("a"), p.has("a", "0"), p.has("a", "9")], [true, true, false]);
  p.delete("b", "3");
  assertEquals(p.getAll("b"), ["2"]);
  p.sort();
  assertEquals(p.toString(), "a=1&a=0&b=2&c=4");
  p.set("a", "x");
  assertEquals(p.toString(), "a=x&b=2&c=4");
  assertEquals([[...p.keys()], [...p.values()]], [["a", "b", "c"], ["x", "2", "4"]]);
  const seen: string[] = [];
  p.forEach((v, k, self) => seen.push(`${k}=${v}:${self === p}`));
  assertEquals(seen, ["a=x:true", "b=2:true", "c=4:true"]);
  // Sorting is by UTF-16 code units, stable.
  const s = new URLSearchParams([["\ufffd", "1"], ["\u{1F600}", "2"], ["z", "3"], ["z", "4"]]);
  s.sort();
  assertEquals([...s.keys()], ["z", "z", "\u{1F600}", "\ufffd"]);
  await assertThrows(() => (p.append as (n: string) => void)("a"), TypeError);
  await assertThrows(() => p.forEach(5 as unknown as () => void), TypeError);
});

Deno.test("URLs and params print as Deno prints them", () => {
  assert(Deno.inspect(new URL("https://a.org/")).startsWith('URL {\n  href: "https://a.org/",\n  origin: "https://a.org",'));
  assertEquals(Deno.inspect(new URLSearchParams("a=1&b=2")), 'URLSearchParams { "a" => "1", "b" => "2" }');
});

Deno.test("a worker can be named by a URL, as Deno's documentation names it", async () => {
  const url = new URL("../testdata/workers/ready.ts", import.meta.url);
  for (const name of [url.href, url]) {
    const w = new Worker(name, { type: "module" });
    const data = await new Promise((resolve) => (w.onmessage = (e) => resolve(e.data)));
    w.terminate();
    assertEquals(data, "ready");
  }
});
