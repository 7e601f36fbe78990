// crypto.getRandomValues, randomUUID and subtle.digest: in place, the spec's errors,
// the published test vectors, big inputs off the isolate's thread. `minideno test -A tests/unit`.
import { assert, assertEquals, assertThrows } from "../testdata/check.ts";

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("getRandomValues fills integer arrays in place and returns them", () => {
  for (const type of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array]) {
    const a = new type(64);
    assert(crypto.getRandomValues(a) === a, `${type.name}: the same array`);
    assert(a.some((x) => x !== 0), `${type.name} is filled`);
  }
  const big = new BigUint64Array(4);
  crypto.getRandomValues(big);
  assert(big.some((x) => x !== 0n));
  // A view fills only its own bytes.
  const buffer = new Uint8Array(32);
  crypto.getRandomValues(new Uint8Array(buffer.buffer, 8, 8));
  assert(buffer.subarray(0, 8).every((x) => x === 0) && buffer.subarray(16).every((x) => x === 0));
  assertEquals(crypto.getRandomValues(new Uint8Array(0)).length, 0);
  assertEquals(crypto.getRandomValues(new Uint8Array(65536)).length, 65536);
});

Deno.test("getRandomValues refuses what the spec refuses", async () => {
  await assertThrows(() => crypto.getRandomValues(new Float64Array(4) as unknown as Uint8Array), DOMException, "TypeMismatchError");
  await assertThrows(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4)) as unknown as Uint8Array), DOMException, "TypeMismatchError");
  const e = await assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException, "QuotaExceededError");
  assertEquals(e.code, 22);
  await assertThrows(() => crypto.getRandomValues(new Uint32Array(16385)), DOMException, "QuotaExceededError");
  await assertThrows(() => crypto.getRandomValues([1, 2] as unknown as Uint8Array), TypeError);
  await assertThrows(() => (crypto.getRandomValues as () => void)(), TypeError);
});

Deno.test("randomUUID is a version 4 UUID, different each time", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const u = crypto.randomUUID();
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), u);
    seen.add(u);
  }
  assertEquals(seen.size, 100);
});

Deno.test("subtle.digest matches the FIPS 180 test vectors", async () => {
  const abc = new TextEncoder().encode("abc");
  assertEquals(hex(await crypto.subtle.digest("SHA-1", abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals(hex(await crypto.subtle.digest("sha-256", abc.buffer)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(
    hex(await crypto.subtle.digest({ name: "SHA-384" }, abc)),
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  );
  assertEquals(
    hex(await crypto.subtle.digest("SHA-512", new Uint8Array(0))),
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
  );
});

Deno.test("a big input is copied at the call, and hashed to the same digest", async () => {
  const data = new Uint8Array(1 << 20).map((_, i) => i % 251);
  const whole = crypto.subtle.digest("SHA-256", data);
  data.fill(0); // after the call: must not change the digest
  const expected = await crypto.subtle.digest("SHA-256", new Uint8Array(1 << 20).map((_, i) => i % 251));
  assertEquals(hex(await whole), hex(expected));
});

Deno.test("subtle.digest rejects unknown algorithms and bad data", async () => {
  await assertThrows(() => crypto.subtle.digest("MD5", new Uint8Array(1)), DOMException, "NotSupportedError");
  await assertThrows(() => crypto.subtle.digest("SHA-256", "text" as unknown as Uint8Array), TypeError);
  await assertThrows(() => crypto.subtle.digest(5 as unknown as string, new Uint8Array(1)), TypeError);
  await assertThrows(() => new (Crypto as unknown as new () => Crypto)(), TypeError);
});
