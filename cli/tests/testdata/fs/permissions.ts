// The permission matrix: every op that touches the outside, tried once. The test runs
// it with no flags, with grants of the wrong scope, and with the right ones (DIR/granted
// and the binary, the environment, localhost); it prints each outcome with the paths shown as
// $DIR and $ROOT. Layout made by the test: DIR/granted/{in.txt, sub/, link -> ../outside},
// DIR/outside/secret.txt, DIR/other/ (the wrong scope).
const dir = Deno.args[0];
const root = Deno.mainModule.replace("file://", "").replace("/cli/tests/testdata/fs/permissions.ts", "");
const g = `${dir}/granted`;
const enc = new TextEncoder();

const show = (text: string) => text.replaceAll(dir, "$DIR").replaceAll(root, "$ROOT");

async function attempt(name: string, fn: () => unknown) {
  let outcome = "ok";
  try {
    await fn();
  } catch (e) {
    outcome = `${(e as Error).name}: ${(e as Error).message}`;
  }
  console.log(`${name}: ${show(outcome)}`);
}

await attempt("open r", () => Deno.openSync(`${g}/in.txt`).close());
await attempt("open w (async)", async () => (await Deno.open(`${g}/new.txt`, "w")).close());
await attempt("readFile", () => Deno.readFile(`${g}/in.txt`));
await attempt("writeFile", () => Deno.writeFileSync(`${g}/written.txt`, enc.encode("x")));
await attempt("writeFile append", () => Deno.writeTextFile(`${g}/in.txt`, "more", { append: true }));
await attempt("stat", () => Deno.statSync(`${g}/in.txt`));
await attempt("lstat (async)", () => Deno.lstat(`${g}/link`));
await attempt("readDir", () => Deno.readDirSync(g));
await attempt("mkdir (async)", () => Deno.mkdir(`${g}/made`));
await attempt("copyFile", () => Deno.copyFileSync(`${g}/in.txt`, `${g}/copy.txt`));
await attempt("rename", () => Deno.renameSync(`${g}/copy.txt`, `${g}/renamed.txt`));
await attempt("chmod", () => Deno.chmodSync(`${g}/in.txt`, 0o644));
await attempt("chown (async)", () => Deno.chown(`${g}/in.txt`, null, null));
await attempt("truncate", () => Deno.truncateSync(`${g}/renamed.txt`, 1));
await attempt("utime", () => Deno.utimeSync(`${g}/in.txt`, 1, 1));
await attempt("symlink", () => Deno.symlinkSync("in.txt", `${g}/sym`));
await attempt("readLink", () => Deno.readLinkSync(`${g}/link`));
await attempt("link", () => Deno.linkSync(`${g}/in.txt`, `${g}/hard`));
await attempt("realPath", () => Deno.realPathSync(`${g}/sub`));
await attempt("makeTempDir", () => Deno.makeTempDirSync({ dir: g }));
await attempt("makeTempFile (async)", () => Deno.makeTempFile({ dir: g }));
await attempt("remove", () => Deno.removeSync(`${g}/sub`));
await attempt("chdir", () => Deno.chdir(g));
await attempt("cwd", () => Deno.cwd());
await attempt("execPath", () => Deno.execPath());
await attempt("env.get", () => Deno.env.get("MINIDENO_PERM_VAR"));
await attempt("env.set", () => Deno.env.set("MINIDENO_PERM_VAR", "2"));
await attempt("env.delete", () => Deno.env.delete("MINIDENO_PERM_VAR"));
await attempt("env.toObject", () => Deno.env.toObject());
await attempt("homeDir", () => Deno.homeDir());
await attempt("hostname", () => Deno.hostname());
await attempt("resolve (async)", () => Deno.resolve("localhost"));
let port = 9; // the listener's, if listening is allowed
await attempt("listen", () => {
  const listener = Deno.listen({ hostname: "localhost", port: 0 });
  port = listener.addr.port;
});
await attempt("connect (async)", async () => (await Deno.connect({ hostname: "localhost", port })).close());
await attempt("dial (async)", async () => (await Deno.dial("tcp", `localhost:${port}`)).close());
await attempt("run", () => Deno.run({ cmd: ["true"] }).status());
await attempt("kill", () => Deno.kill(Deno.pid, 0));
// Escapes out of DIR/granted: `..` and a symlink to DIR/outside.
await attempt("read via ..", () => Deno.readFileSync(`${g}/../outside/secret.txt`));
await attempt("read via symlink", () => Deno.readFileSync(`${g}/link/secret.txt`));
await attempt("write via symlink", () => Deno.writeTextFileSync(`${g}/link/planted.txt`, "x"));
await attempt("realPath via symlink", () => Deno.realPathSync(`${g}/link`));
console.log("permissions:", show(JSON.stringify(Deno.permissions())));
Deno.revokePermission("read");
await attempt("stat after revoking read", () => Deno.statSync(`${g}/in.txt`));
console.log("read is now:", Deno.permissions().read);
