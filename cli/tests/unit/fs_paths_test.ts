// The file system ops on paths, each sync and async: the success path and the error
// kinds, with messages naming the op and the path. `minideno test -A tests/unit`.
import { assert, assertEquals, assertFails } from "../testdata/check.ts";

const { ErrorKind: K } = Deno;
const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "minideno-paths-" }));
const path = (name: string) => `${dir}/${name}`;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const sync of [true, false]) {
  const m = sync ? "sync" : "async";
  const p = (name: string) => path(`${m}-${name}`);

  Deno.test(`stat and lstat (${m})`, async () => {
    Deno.writeTextFileSync(p("f"), "12345");
    Deno.symlinkSync(p("f"), p("l"));
    const stat = sync ? Deno.statSync : Deno.stat;
    const lstat = sync ? Deno.lstatSync : Deno.lstat;
    const f = await stat(p("f"));
    assert(f.isFile && !f.isDirectory && !f.isSymlink, "a file");
    assertEquals(f.size, 5);
    assert(f.mtime instanceof Date && Math.abs(f.mtime.getTime() - Date.now()) < 60_000, "mtime is now");
    assert(f.nlink === 1 && f.ino > 0 && f.blocks >= 0, "unix fields");
    assert((await stat(p("l"))).isFile, "stat follows the link");
    assert((await lstat(p("l"))).isSymlink, "lstat does not");
    assert((await stat(dir)).isDirectory, "a directory");
    const msg = await assertFails(() => stat(p("nope")), K.NotFound);
    assertEquals(msg, `No such file or directory (os error 2), stat '${p("nope")}'`);
    assert((await assertFails(() => lstat(p("nope")), K.NotFound)).endsWith(`lstat '${p("nope")}'`), "lstat");
  });

  Deno.test(`readDir (${m})`, async () => {
    Deno.mkdirSync(p("d"));
    Deno.writeTextFileSync(p("d/b.txt"), "");
    Deno.mkdirSync(p("d/a"));
    Deno.symlinkSync("b.txt", p("d/c"));
    const entries = sync ? Deno.readDirSync(p("d")) : await collect(Deno.readDir(p("d")));
    entries.sort((x, y) => x.name.localeCompare(y.name));
    assertEquals(entries, [
      { name: "a", isFile: false, isDirectory: true, isSymlink: false },
      { name: "b.txt", isFile: true, isDirectory: false, isSymlink: false },
      { name: "c", isFile: false, isDirectory: false, isSymlink: true },
    ]);
    const readDir = sync ? Deno.readDirSync : (d: string) => collect(Deno.readDir(d));
    await assertFails(() => readDir(p("nope")), K.NotFound);
    await assertFails(() => readDir(p("d/b.txt")), K.NotADirectory);
  });

  Deno.test(`mkdir and remove (${m})`, async () => {
    const mkdir = sync ? Deno.mkdirSync : Deno.mkdir;
    const remove = sync ? Deno.removeSync : Deno.remove;
    await mkdir(p("m"), { mode: 0o750 });
    assertEquals(Deno.statSync(p("m")).mode & 0o777, 0o750 & 0o777);
    await assertFails(() => mkdir(p("m")), K.AlreadyExists);
    await assertFails(() => mkdir(p("x/y/z")), K.NotFound);
    await mkdir(p("x/y/z"), { recursive: true });
    await mkdir(p("x/y/z"), { recursive: true });
    await assertFails(() => remove(p("x")), K.DirectoryNotEmpty);
    await remove(p("x"), { recursive: true });
    await remove(p("m"));
    await assertFails(() => remove(p("m")), K.NotFound);
    Deno.writeTextFileSync(p("file"), "");
    await assertFails(() => mkdir(p("file/sub")), K.NotADirectory);
    await remove(p("file"));
    // Removing a symlink removes the link, not its target.
    Deno.writeTextFileSync(p("target"), "t");
    Deno.symlinkSync(p("target"), p("link"));
    await remove(p("link"));
    assertEquals(Deno.readTextFileSync(p("target")), "t");
  });

  Deno.test(`rename and copyFile (${m})`, async () => {
    const rename = sync ? Deno.renameSync : Deno.rename;
    const copyFile = sync ? Deno.copyFileSync : Deno.copyFile;
    Deno.writeTextFileSync(p("r1"), "content");
    await rename(p("r1"), p("r2"));
    assertEquals(Deno.readTextFileSync(p("r2")), "content");
    const msg = await assertFails(() => rename(p("r1"), p("r3")), K.NotFound);
    assert(msg.endsWith(`rename '${p("r1")}' -> '${p("r3")}'`), msg);
    await copyFile(p("r2"), p("r4"));
    assertEquals(Deno.readTextFileSync(p("r4")), "content");
    await assertFails(() => copyFile(p("nope"), p("r5")), K.NotFound);
    Deno.mkdirSync(p("rd"));
    await assertFails(() => copyFile(p("rd"), p("r6")), K.InvalidInput);
  });

  Deno.test(`chmod, chown, truncate, utime (${m})`, async () => {
    Deno.writeTextFileSync(p("c"), "0123456789");
    await (sync ? Deno.chmodSync : Deno.chmod)(p("c"), 0o604);
    assertEquals(Deno.statSync(p("c")).mode & 0o777, 0o604);
    const { uid, gid } = Deno.statSync(p("c"));
    await (sync ? Deno.chownSync : Deno.chown)(p("c"), uid, null);
    await (sync ? Deno.chownSync : Deno.chown)(p("c"), null, gid);
    await assertFails(() => (sync ? Deno.chownSync : Deno.chown)(p("nope"), uid, gid), K.NotFound);
    await (sync ? Deno.truncateSync : Deno.truncate)(p("c"), 4);
    assertEquals(Deno.readTextFileSync(p("c")), "0123");
    await (sync ? Deno.truncateSync : Deno.truncate)(p("c"));
    assertEquals(Deno.statSync(p("c")).size, 0);
    await assertFails(() => (sync ? Deno.truncateSync : Deno.truncate)(p("nope")), K.NotFound);
    await (sync ? Deno.utimeSync : Deno.utime)(p("c"), 1_000_000_000, new Date(2_000_000_000_500));
    const s = Deno.statSync(p("c"));
    assertEquals([s.atime!.getTime(), s.mtime!.getTime()], [1_000_000_000_000, 2_000_000_000_500]);
    await assertFails(() => (sync ? Deno.utimeSync : Deno.utime)(p("nope"), 1, 1), K.NotFound);
    await assertFails(() => (sync ? Deno.chmodSync : Deno.chmod)(p("nope"), 0o600), K.NotFound);
  });

  Deno.test(`symlink, readLink, link, realPath (${m})`, async () => {
    Deno.writeTextFileSync(p("t"), "data");
    await (sync ? Deno.symlinkSync : Deno.symlink)(p("t"), p("s"));
    assertEquals(await (sync ? Deno.readLinkSync : Deno.readLink)(p("s")), p("t"));
    await assertFails(() => (sync ? Deno.symlinkSync : Deno.symlink)(p("t"), p("s")), K.AlreadyExists);
    await assertFails(() => (sync ? Deno.readLinkSync : Deno.readLink)(p("t")), K.InvalidInput);
    await (sync ? Deno.linkSync : Deno.link)(p("t"), p("h"));
    assertEquals(Deno.statSync(p("t")).nlink, 2);
    assertEquals(Deno.readTextFileSync(p("h")), "data");
    await assertFails(() => (sync ? Deno.linkSync : Deno.link)(p("nope"), p("h2")), K.NotFound);
    assertEquals(await (sync ? Deno.realPathSync : Deno.realPath)(p("s")), p("t"));
    await assertFails(() => (sync ? Deno.realPathSync : Deno.realPath)(p("nope")), K.NotFound);
  });

  Deno.test(`makeTempDir and makeTempFile (${m})`, async () => {
    const made = await (sync ? Deno.makeTempDirSync : Deno.makeTempDir)({ dir, prefix: "pre-", suffix: "-suf" });
    const name = made.slice(dir.length + 1);
    assert(made.startsWith(dir + "/") && name.startsWith("pre-") && name.endsWith("-suf"), made);
    assert(Deno.statSync(made).isDirectory && (Deno.statSync(made).mode & 0o777) === 0o700, "a private dir");
    const file = await (sync ? Deno.makeTempFileSync : Deno.makeTempFile)({ dir: made });
    assert(Deno.statSync(file).isFile && Deno.statSync(file).size === 0, "an empty file");
    const names = new Set(Array.from({ length: 50 }, () => Deno.makeTempFileSync({ dir: made })));
    assertEquals(names.size, 50);
    const tmp = await (sync ? Deno.makeTempFileSync : Deno.makeTempFile)();
    assert(tmp.startsWith("/tmp/"), tmp);
    Deno.removeSync(tmp);
    await assertFails(() => (sync ? Deno.makeTempDirSync : Deno.makeTempDir)({ dir: p("nope") }), K.NotFound);
    await assertFails(() => (sync ? Deno.makeTempDirSync : Deno.makeTempDir)({ prefix: "a/b" }), K.InvalidInput);
  });

  Deno.test(`readFile, writeFile and their text forms (${m})`, async () => {
    const f = p("w.txt");
    const write = sync ? Deno.writeTextFileSync : Deno.writeTextFile;
    const read = sync ? Deno.readTextFileSync : Deno.readTextFile;
    await write(f, "héllo ");
    await write(f, "wörld", { append: true });
    assertEquals(await read(f), "héllo wörld");
    await write(f, "new");
    assertEquals(await read(f), "new");
    await assertFails(() => write(p("missing"), "x", { create: false }), K.NotFound);
    await write(p("private"), "x", { mode: 0o600 });
    assertEquals(Deno.statSync(p("private")).mode & 0o777, 0o600);
    const msg = await assertFails(() => read(p("nope")), K.NotFound);
    assert(msg.endsWith(`open '${p("nope")}'`), msg);
    await assertFails(() => read(dir), K.IsADirectory);
  });
}

Deno.test("cwd and chdir", () => {
  const before = Deno.cwd();
  Deno.chdir(dir);
  assertEquals(Deno.cwd(), dir);
  // Relative paths now start here, for the ops and for the permission checks alike.
  Deno.writeTextFileSync("relative.txt", "r");
  assertEquals(Deno.readTextFileSync(`${dir}/relative.txt`), "r");
  Deno.chdir(before);
  assertEquals(Deno.cwd(), before);
  let kind = "";
  try {
    Deno.chdir(`${dir}/nope`);
  } catch (e) {
    kind = (e as Error).name;
  }
  assertEquals(kind, "NotFound");
});

Deno.test("env: get, set, has, delete, toObject and the early Deno.env() form", async () => {
  assertEquals(Deno.env.get("MINIDENO_TEST_VAR"), undefined);
  Deno.env.set("MINIDENO_TEST_VAR", "one");
  assertEquals(Deno.env.get("MINIDENO_TEST_VAR"), "one");
  assert(Deno.env.has("MINIDENO_TEST_VAR"), "has");
  assertEquals(Deno.env.toObject().MINIDENO_TEST_VAR, "one");
  const env = Deno.env();
  assertEquals(env.MINIDENO_TEST_VAR, "one");
  env.MINIDENO_TEST_VAR = "two";
  assertEquals(Deno.env.get("MINIDENO_TEST_VAR"), "two");
  Deno.env.delete("MINIDENO_TEST_VAR");
  assert(!Deno.env.has("MINIDENO_TEST_VAR"), "deleted");
  await assertFails(() => Deno.env.set("A=B", "x"), K.InvalidInput);
  await assertFails(() => Deno.env.set("", "x"), K.InvalidInput);
  await assertFails(() => Deno.env.set("A", "x\0y"), K.InvalidInput);
});

Deno.test("host facts: homeDir, execPath, hostname, build", () => {
  assertEquals(Deno.homeDir(), Deno.env.get("HOME") ?? null);
  assert(Deno.execPath().endsWith("/minideno"), Deno.execPath());
  assertEquals(Deno.hostname(), Deno.readTextFileSync("/proc/sys/kernel/hostname").trim());
  assertEquals([Deno.build.os, Deno.build.arch], ["linux", "x86_64"]);
  assert(Deno.build.target.startsWith("x86_64-"), Deno.build.target);
});

Deno.test("the temporary directory is removed", () => Deno.removeSync(dir, { recursive: true }));
