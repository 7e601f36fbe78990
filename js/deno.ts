//! The `Deno` namespace: every public API the userland offers, in one object.
import { DenoError, ErrorKind } from "./errors.ts";
import { denoInspect } from "./console.ts";
import { makeHost } from "./host.ts";
import { myNumber } from "./number.ts";
import { chdir, cwd, env, execPath, exit, homeDir, hostname, metrics, myPid, ppid, type StartInfo } from "./os.ts";
import * as files from "./files.ts";
import * as fs from "./fs.ts";
import * as io from "./io.ts";
import { permissions, revokePermission } from "./permissions.ts";
import { resolve } from "./resolve.ts";
import * as net from "./net.ts";
import * as process from "./process.ts";
import * as timers from "./timers.ts";
import { echo, echoAsync, encodings, noop, noopAsync } from "./bench_ops.ts";
import type { Core } from "./dispatch.ts";
import { finish } from "./request.ts";
import { runTests, test } from "./testing.ts";
import { encoders } from "../gen/ops.ts";

/** An enum's members as name -> "value". */
type EnumValues<E> = { [K in keyof E]: `${E[K] & number}` };
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Deno.ErrorKind in lib.deno.d.ts lists the schema's kinds, name for name, value for value. */
export type ErrorKindsDeclared = Assert<Equal<EnumValues<typeof ErrorKind>, EnumValues<typeof Deno.ErrorKind>>>;

/** Deno.core.encode: a request as the generated encoder writes it (cmd_id 0, async), copied out. */
function encode(request: string, ...fields: unknown[]): Uint8Array {
  const encoder = Object.hasOwn(encoders, request) ? encoders[request] : undefined;
  if (encoder === undefined) throw new TypeError(`Deno.core.encode: no request named ${String(request)}`);
  const len = encoder(...fields);
  return new Uint8Array(finish(len, 0, false).buffer, 0, len).slice();
}

/**
 * The namespace, made once at build time, into the snapshot (making its 130 properties
 * at every start took 1.6 M instructions, ~0.4 ms). `startDeno` fills in what only the
 * process knows. Typed as js/lib.deno.d.ts declares it, so `make lint` finds any drift
 * both ways.
 */
const namespace: typeof Deno = {
  core: null as unknown as typeof Deno.core,
  test,
  args: [],
  pid: 0,
  get ppid() {
    return ppid();
  },
  mainModule: "",
  version: { deno: "", v8: "", typescript: "" },
  noColor: false,
  build: { os: "", arch: "", target: "" },
  execPath,
  cwd,
  chdir,
  env,
  homeDir,
  hostname,
  permissions,
  revokePermission,
  resources: files.resources,
  close: files.close,
  open: files.open,
  openSync: files.openSync,
  create: files.create,
  createSync: files.createSync,
  read: files.read,
  readSync: files.readSync,
  write: files.write,
  writeSync: files.writeSync,
  seek: files.seek,
  seekSync: files.seekSync,
  fstat: files.fstat,
  fstatSync: files.fstatSync,
  SeekMode: files.SeekMode as unknown as typeof Deno.SeekMode,
  File: files.File,
  FsFile: files.File,
  stdin: files.stdin,
  stdout: files.stdout,
  stderr: files.stderr,
  copy: io.copy,
  readAll: io.readAll,
  readAllSync: io.readAllSync,
  writeAll: io.writeAll,
  writeAllSync: io.writeAllSync,
  iter: io.iter,
  iterSync: io.iterSync,
  Buffer: io.Buffer,
  readFile: fs.readFile,
  readFileSync: fs.readFileSync,
  readTextFile: fs.readTextFile,
  readTextFileSync: fs.readTextFileSync,
  writeFile: fs.writeFile,
  writeFileSync: fs.writeFileSync,
  writeTextFile: fs.writeTextFile,
  writeTextFileSync: fs.writeTextFileSync,
  stat: fs.stat,
  statSync: fs.statSync,
  lstat: fs.lstat,
  lstatSync: fs.lstatSync,
  readDir: fs.readDir,
  readDirSync: fs.readDirSync,
  mkdir: fs.mkdir,
  mkdirSync: fs.mkdirSync,
  remove: fs.remove,
  removeSync: fs.removeSync,
  rename: fs.rename,
  renameSync: fs.renameSync,
  copyFile: fs.copyFile,
  copyFileSync: fs.copyFileSync,
  chmod: fs.chmod,
  chmodSync: fs.chmodSync,
  chown: fs.chown,
  chownSync: fs.chownSync,
  symlink: fs.symlink,
  symlinkSync: fs.symlinkSync,
  readLink: fs.readLink,
  readLinkSync: fs.readLinkSync,
  link: fs.link,
  linkSync: fs.linkSync,
  truncate: fs.truncate,
  truncateSync: fs.truncateSync,
  makeTempDir: fs.makeTempDir,
  makeTempDirSync: fs.makeTempDirSync,
  makeTempFile: fs.makeTempFile,
  makeTempFileSync: fs.makeTempFileSync,
  realPath: fs.realPath,
  realPathSync: fs.realPathSync,
  utime: fs.utime,
  utimeSync: fs.utimeSync,
  listen: net.listen,
  connect: net.connect,
  dial: net.dial,
  shutdown: net.shutdown,
  ShutdownMode: net.ShutdownMode as unknown as typeof Deno.ShutdownMode,
  run: process.run,
  kill: process.kill,
  Signal: process.Signal,
  Process: process.Process as unknown as typeof Deno.Process,
  myNumber,
  myPid,
  resolve,
  exit,
  metrics,
  noop,
  noopAsync,
  echo,
  echoAsync,
  inspect: denoInspect,
  host: {},
  refTimer: timers.refTimer,
  unrefTimer: timers.unrefTimer,
  DenoError,
  // The same enum as declared (checked above); TypeScript sees two distinct enums.
  ErrorKind: ErrorKind as unknown as typeof Deno.ErrorKind,
};

/** The namespace with this process's `core` bindings and `Start` facts, frozen. */
export function startDeno(core: Core, info: StartInfo): typeof Deno {
  const deno = namespace as { -readonly [K in keyof typeof Deno]: (typeof Deno)[K] };
  deno.core = Object.assign(core, { encode, encodings, runTests });
  deno.args = info.args;
  deno.pid = info.pid;
  deno.mainModule = info.mainModule;
  deno.version = info.version;
  deno.noColor = info.noColor;
  deno.build = info.build;
  deno.host = makeHost(info.hostFunctions);
  return Object.freeze(deno);
}
