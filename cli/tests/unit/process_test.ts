// Child processes: output, exit codes, signals, pipes both ways, env and cwd, rids as
// streams, a missing program, and no zombies. `minideno test -A tests/unit`.
import { assert, assertEquals, assertFails, pattern, sameBytes } from "../testdata/check.ts";

const decode = (p: Uint8Array) => new TextDecoder().decode(p);

Deno.test("echo: piped stdout and a successful status", async () => {
  const p = Deno.run({ cmd: ["echo", "hello", "world"], stdout: "piped" });
  assert(p.pid > 0 && p.stdin === null && p.stderr === null, "only stdout is piped");
  assertEquals(decode(await p.output()), "hello world\n");
  assertEquals(await p.status(), { success: true, code: 0, signal: null });
  assertEquals(Deno.resources()[p.rid], "child");
  p.close();
});

Deno.test("early Deno's args, and exit codes", async () => {
  const p = Deno.run({ args: ["sh", "-c", "echo out; echo err >&2; exit 7"], stdout: "piped", stderr: "piped" });
  assertEquals(decode(await p.output()), "out\n");
  assertEquals(decode(await p.stderrOutput()), "err\n");
  assertEquals(await p.status(), { success: false, code: 7, signal: null });
  p.close();
});

Deno.test("a sleeping child killed with SIGTERM reports the signal", async () => {
  const p = Deno.run({ cmd: ["sleep", "100"] });
  p.kill(Deno.Signal.SIGTERM);
  assertEquals(await p.status(), { success: false, code: 143, signal: 15 });
  const q = Deno.run({ cmd: ["sleep", "100"] });
  Deno.kill(q.pid, "SIGKILL");
  assertEquals((await q.status()).signal, 9);
  for (const c of [p, q]) c.close();
});

Deno.test("10 MiB piped through cat comes back intact", async () => {
  const p = Deno.run({ cmd: ["cat"], stdin: "piped", stdout: "piped" });
  const data = pattern(10 * 1024 * 1024);
  const writing = Deno.writeAll(p.stdin!, data).then(() => p.stdin!.close());
  const out = await p.output();
  await writing;
  assertEquals(out.length, data.length);
  assert(sameBytes(out, data), "the bytes differ");
  assert((await p.status()).success, "cat failed");
  p.close();
});

Deno.test("env and cwd reach the child", async () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  const p = Deno.run({ cmd: ["sh", "-c", 'echo "$GREETING"; pwd'], env: { GREETING: "hi there" }, cwd: dir, stdout: "piped" });
  assertEquals(decode(await p.output()), `hi there\n${dir}\n`);
  p.close();
  Deno.removeSync(dir);
});

Deno.test("a file's rid as the child's stdout; inherited streams", async () => {
  const path = Deno.makeTempFileSync();
  const file = Deno.openSync(path, "w");
  const p = Deno.run({ cmd: ["echo", "into the file"], stdout: file.rid });
  await p.status();
  file.close();
  assertEquals(Deno.readTextFileSync(path), "into the file\n");
  Deno.removeSync(path);
  const q = Deno.run({ cmd: ["echo", "inherited"], stdin: "null" });
  await q.status();
  p.close();
  q.close();
});

Deno.test("a missing program is NotFound, naming it", async () => {
  const msg = await assertFails(() => Deno.run({ cmd: ["no-such-program-here"] }), Deno.ErrorKind.NotFound);
  assert(msg.includes("no-such-program-here"), msg);
});

Deno.test("bad options are TypeErrors; bad rids and pids fail cleanly", async () => {
  for (const options of [{ cmd: [] }, {}, { cmd: ["true"], stdout: "pipe" }, { cmd: ["true"], stdin: -1 }]) {
    try {
      Deno.run(options as Deno.RunOptions);
      throw new Error(`accepted ${JSON.stringify(options)}`);
    } catch (e) {
      assert(e instanceof TypeError, String(e));
    }
  }
  await assertFails(() => Deno.run({ cmd: ["true"], stdout: 99 }), Deno.ErrorKind.BadResource);
  await assertFails(() => Deno.kill(2 ** 22 + 12345, "SIGTERM"), Deno.ErrorKind.NotFound);
  await assertFails(() => Deno.kill(Deno.pid, 1000), Deno.ErrorKind.InvalidInput);
  try {
    Deno.kill(Deno.pid, "SIGNOPE" as "SIGTERM");
    throw new Error("accepted");
  } catch (e) {
    assert(e instanceof TypeError, String(e));
  }
});

Deno.test("a child whose rid is closed unwaited is reaped: no zombie", async () => {
  const p = Deno.run({ cmd: ["true"] });
  const pid = p.pid;
  p.close();
  let state = "";
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 10));
    try {
      state = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1][0];
    } catch {
      state = "gone";
      break;
    }
  }
  assertEquals(state, "gone");
});
