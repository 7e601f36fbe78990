// Resources and files: open modes, read/write/seek on rids (sync and async), stdio,
// bad/closed/wrong-kind rids, and the io helpers. Run with -A.
import { assert, assertEquals, assertFails, pattern, sameBytes, test } from "../check.ts";

const { ErrorKind: K } = Deno;
const dir = Deno.makeTempDirSync({ prefix: "minideno-files-" });
const enc = new TextEncoder();
const dec = new TextDecoder();
const path = (name: string) => `${dir}/${name}`;

await test("open modes: r, r+, w, w+, a, a+, x, x+", async () => {
  const f = path("modes.txt");
  await assertFails(() => Deno.open(f, "r"), K.NotFound);
  Deno.writeTextFileSync(f, "hello");
  let file = Deno.openSync(f, "r");
  await assertFails(() => file.write(enc.encode("x")), K.Other); // EBADF: not open for writing
  file.close();
  file = await Deno.open(f, "r+");
  await file.write(enc.encode("J"));
  file.close();
  assertEquals(Deno.readTextFileSync(f), "Jello");
  file = await Deno.open(f, "a");
  await file.write(enc.encode("!"));
  file.close();
  assertEquals(Deno.readTextFileSync(f), "Jello!");
  file = Deno.openSync(f, "a+");
  const buf = new Uint8Array(16);
  assertEquals(file.readSync(buf), 6);
  file.close();
  file = await Deno.open(f, "w");
  file.close();
  assertEquals(Deno.readTextFileSync(f), "");
  file = Deno.openSync(f, "w+");
  file.writeSync(enc.encode("abc"));
  file.seekSync(0, Deno.SeekMode.Start);
  assertEquals(file.readSync(buf), 3);
  file.close();
  await assertFails(() => Deno.open(f, "x"), K.AlreadyExists);
  await assertFails(() => Deno.openSync(f, "x+"), K.AlreadyExists);
  file = Deno.openSync(path("new.txt"), "x+");
  file.close();
  let err = "";
  try {
    // deno-lint-ignore no-explicit-any
    Deno.openSync(f, "rw" as any);
  } catch (e) {
    err = (e as Error).message;
  }
  assertEquals(err, 'Unknown open mode "rw"');
});

await test("open options and Deno.create", async () => {
  const f = path("options.txt");
  await assertFails(() => Deno.open(f, { write: true }), K.NotFound);
  const file = await Deno.open(f, { write: true, createNew: true, mode: 0o600 });
  file.close();
  assertEquals(Deno.statSync(f).mode & 0o777, 0o600);
  const c = await Deno.create(f);
  assertEquals(await c.write(enc.encode("created")), 7);
  c.close();
  const s = Deno.createSync(f);
  assertEquals(s.statSync().size, 0);
  s.close();
});

for (const mode of ["sync", "async"]) {
  await test(`read, write and seek through rids (${mode})`, async () => {
    const file = Deno.openSync(path(`rw-${mode}`), "w+");
    const io = mode === "sync"
      ? {
        read: (p: Uint8Array) => Deno.readSync(file.rid, p),
        write: (p: Uint8Array) => Deno.writeSync(file.rid, p),
        seek: (o: number, w: Deno.SeekMode) => Deno.seekSync(file.rid, o, w),
      }
      : {
        read: (p: Uint8Array) => Deno.read(file.rid, p),
        write: (p: Uint8Array) => Deno.write(file.rid, p),
        seek: (o: number, w: Deno.SeekMode) => Deno.seek(file.rid, o, w),
      };
    assertEquals(await io.write(enc.encode("0123456789")), 10);
    assertEquals(await io.seek(2, Deno.SeekMode.Start), 2);
    const buf = new Uint8Array(3);
    assertEquals(await io.read(buf), 3);
    assertEquals(dec.decode(buf), "234");
    assertEquals(await io.seek(1, Deno.SeekMode.Current), 6);
    assertEquals(await io.seek(-2, Deno.SeekMode.End), 8);
    assertEquals(await io.read(buf), 2);
    assertEquals(dec.decode(buf.subarray(0, 2)), "89");
    assertEquals(await io.read(buf), null);
    assertEquals(await io.read(new Uint8Array(0)), 0);
    // Into the middle of a bigger buffer: the view's offset is respected.
    await io.seek(0, Deno.SeekMode.Start);
    const big = new Uint8Array(8).fill(120);
    assertEquals(await io.read(big.subarray(2, 5)), 3);
    assertEquals(dec.decode(big), "xx012xxx");
    await assertFails(() => io.seek(-1, Deno.SeekMode.Start), K.InvalidInput);
    await assertFails(() => io.seek(0, 7 as Deno.SeekMode), K.InvalidInput);
    file.close();
  });
}

await test("bad, closed and wrong-kind rids are BadResource", async () => {
  const p = new Uint8Array(4);
  assert((await assertFails(() => Deno.read(999, p), K.BadResource)).includes("999"));
  await assertFails(() => Deno.readSync(999, p), K.BadResource);
  const file = await Deno.open(path("rw-sync"));
  const rid = file.rid;
  assertEquals(Deno.resources()[rid], "fsFile");
  file.close();
  assertEquals(Deno.resources()[rid], undefined);
  await assertFails(() => Deno.read(rid, p), K.BadResource);
  await assertFails(() => Deno.write(rid, p), K.BadResource);
  await assertFails(() => Deno.seek(rid, 0, Deno.SeekMode.Start), K.BadResource);
  await assertFails(() => Deno.fstat(rid), K.BadResource);
  await assertFails(() => Deno.close(rid), K.BadResource);
  // The right rid of the wrong kind.
  await assertFails(() => Deno.write(0, p), K.BadResource);
  await assertFails(() => Deno.read(1, p), K.BadResource);
  await assertFails(() => Deno.seek(1, 0, Deno.SeekMode.Start), K.BadResource);
  let err = "";
  try {
    Deno.readSync(-1, p);
  } catch (e) {
    err = (e as Error).name;
  }
  assertEquals(err, "TypeError");
});

await test("stdio: rids 0-2, console and Deno.stdout share one order", async () => {
  assertEquals([Deno.stdin.rid, Deno.stdout.rid, Deno.stderr.rid], [0, 1, 2]);
  const r = Deno.resources();
  assertEquals([r[0], r[1], r[2]], ["stdin", "stdout", "stderr"]);
  console.log("line 1 (console)");
  await Deno.stdout.write(enc.encode("line 2 (Deno.stdout.write)\n"));
  Deno.stdout.writeSync(enc.encode("line 3 (writeSync)\n"));
  console.log("line 4 (console)");
  // stdin is /dev/null in the test: end of file at once.
  assertEquals(await Deno.stdin.read(new Uint8Array(8)), null);
});

await test("writeAll, readAll, copy, iter and Deno.Buffer", async () => {
  const data = pattern(300_000);
  const src = path("helpers-src");
  const file = await Deno.create(src);
  await Deno.writeAll(file, data);
  file.close();
  const r = await Deno.open(src);
  assert(sameBytes(await Deno.readAll(r), data), "readAll");
  await r.seek(0, Deno.SeekMode.Start);
  const buf = new Deno.Buffer();
  assertEquals(await Deno.copy(buf, r, { bufSize: 7000 }), data.length);
  assertEquals(buf.length, data.length);
  await r.seek(0, Deno.SeekMode.Start);
  let total = 0;
  for await (const chunk of Deno.iter(r, { bufSize: 100_000 })) total += chunk.length;
  assertEquals(total, data.length);
  r.close();
  const out = new Uint8Array(10);
  assertEquals(buf.readSync(out), 10);
  assert(sameBytes(out, data.subarray(0, 10)), "Buffer reads from the front");
  buf.writeSync(enc.encode("tail"));
  assertEquals(buf.length, data.length - 10 + 4);
  buf.truncate(5);
  assert(sameBytes(buf.bytes(), data.subarray(10, 15)), "truncate keeps the first unread bytes");
  assertEquals(Deno.readAllSync(new Deno.Buffer(enc.encode("xyz"))).length, 3);
  const sink = new Deno.Buffer();
  Deno.writeAllSync(sink, data);
  assertEquals(sink.length, data.length);
  assertEquals([...Deno.iterSync(new Deno.Buffer(data), { bufSize: 1 << 16 })].length, 5);
});

await test("sizes 0, 1, 4095, 4096, 4097 and 10 MiB survive a round trip", async () => {
  for (const n of [0, 1, 4095, 4096, 4097, 10 << 20]) {
    const data = pattern(n);
    const f = path(`size-${n}`);
    await Deno.writeFile(f, data);
    assert(sameBytes(await Deno.readFile(f), data), `async ${n}`);
    Deno.writeFileSync(f, data);
    assert(sameBytes(Deno.readFileSync(f), data), `sync ${n}`);
    assertEquals(Deno.statSync(f).size, n);
  }
});

await test("100 concurrent writes to distinct files lose nothing", async () => {
  await Deno.mkdir(path("many"));
  const name = (i: number) => path(`many/${i}`);
  await Promise.all(Array.from({ length: 100 }, (_, i) => Deno.writeFile(name(i), pattern(1000 + i * 37))));
  const back = await Promise.all(Array.from({ length: 100 }, (_, i) => Deno.readFile(name(i))));
  back.forEach((b, i) => assert(sameBytes(b, pattern(1000 + i * 37)), `file ${i}`));
});

await test("a file grows while read: readFile reads to the end, not to the stat size", async () => {
  // /proc files report size 0 and still have content.
  const text = await Deno.readTextFile("/proc/self/stat");
  assert(text.length > 10, "read past the reported size");
});

Deno.removeSync(dir, { recursive: true });
