//! The file system API: each call sync (`xxxSync`) and async, over the path ops (and
//! open/read/write for whole-file reads and writes). Paths are strings.
import * as op from "../gen/ops.ts";
import { type File, fileInfo, type FileInfo, open, openSync, pathString } from "./files.ts";
import { writeAll, writeAllSync } from "./io.ts";

type PathLike = string;

/**
 * Reads `file` to its end into one buffer sized from its length (one read for a regular
 * file); an abort of `signal` stops it between reads, with the signal's reason.
 */
async function readToEnd(file: File, signal?: AbortSignal): Promise<Uint8Array> {
  let buf: Uint8Array = new Uint8Array((await file.stat()).size + 1);
  for (let n = 0;;) {
    signal?.throwIfAborted();
    if (n === buf.length) buf = grown(buf);
    const got = await file.read(buf.subarray(n));
    if (got === null) return buf.subarray(0, n);
    n += got;
  }
}

function readToEndSync(file: File): Uint8Array {
  let buf: Uint8Array = new Uint8Array(file.statSync().size + 1);
  for (let n = 0;;) {
    if (n === buf.length) buf = grown(buf);
    const got = file.readSync(buf.subarray(n));
    if (got === null) return buf.subarray(0, n);
    n += got;
  }
}

function grown(buf: Uint8Array): Uint8Array {
  const next = new Uint8Array(buf.length * 2);
  next.set(buf);
  return next;
}

export async function readFile(path: PathLike, options?: Deno.ReadFileOptions): Promise<Uint8Array> {
  const signal = options?.signal;
  signal?.throwIfAborted();
  const file = await open(path);
  try {
    return await readToEnd(file, signal);
  } finally {
    file.close();
  }
}

export function readFileSync(path: PathLike): Uint8Array {
  const file = openSync(path);
  try {
    return readToEndSync(file);
  } finally {
    file.close();
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export async function readTextFile(path: PathLike, options?: Deno.ReadFileOptions): Promise<string> {
  return decoder.decode(await readFile(path, options));
}

export function readTextFileSync(path: PathLike): string {
  return decoder.decode(readFileSync(path));
}

type WriteFileOptions = Deno.WriteFileOptions;

function writeOptions(o: WriteFileOptions = {}) {
  const append = !!o.append;
  return { write: true, append, truncate: !append, create: o.create ?? true, mode: o.mode };
}

export async function writeFile(path: PathLike, data: Uint8Array, options?: WriteFileOptions): Promise<void> {
  const signal = options?.signal;
  signal?.throwIfAborted();
  const file = await open(path, writeOptions(options));
  try {
    // Aborted while it opened (created or truncated it): the data is not written.
    signal?.throwIfAborted();
    await writeAll(file, data);
  } finally {
    file.close();
  }
}

export function writeFileSync(path: PathLike, data: Uint8Array, options?: WriteFileOptions): void {
  const file = openSync(path, writeOptions(options));
  try {
    writeAllSync(file, data);
  } finally {
    file.close();
  }
}

export function writeTextFile(path: PathLike, text: string, options?: WriteFileOptions): Promise<void> {
  return writeFile(path, encoder.encode(text), options);
}

export function writeTextFileSync(path: PathLike, text: string, options?: WriteFileOptions): void {
  writeFileSync(path, encoder.encode(text), options);
}

export function statSync(path: PathLike): FileInfo {
  return fileInfo(op.statSync(pathString(path), false));
}

export async function stat(path: PathLike): Promise<FileInfo> {
  return fileInfo(await op.statAsync(pathString(path), false));
}

/** As stat, but a symlink is described itself, not followed. */
export function lstatSync(path: PathLike): FileInfo {
  return fileInfo(op.statSync(pathString(path), true));
}

export async function lstat(path: PathLike): Promise<FileInfo> {
  return fileInfo(await op.statAsync(pathString(path), true));
}

type DirEntry = Deno.DirEntry;

function dirEntries(res: ReturnType<typeof op.readDirSync>): DirEntry[] {
  const out: DirEntry[] = [];
  for (let i = 0; i < res.entriesLength(); i++) {
    const e = res.entries(i)!;
    out.push({ name: e.name()!, isFile: e.isFile(), isDirectory: e.isDirectory(), isSymlink: e.isSymlink() });
  }
  return out;
}

export function readDirSync(path: PathLike): DirEntry[] {
  return dirEntries(op.readDirSync(pathString(path)));
}

export async function* readDir(path: PathLike): AsyncIterableIterator<DirEntry> {
  yield* dirEntries(await op.readDirAsync(pathString(path)));
}

type MkdirOptions = { recursive?: boolean; mode?: number };

export function mkdirSync(path: PathLike, options: MkdirOptions = {}): void {
  op.mkdirSync(pathString(path), !!options.recursive, options.mode ?? 0o777);
}

export async function mkdir(path: PathLike, options: MkdirOptions = {}): Promise<void> {
  await op.mkdirAsync(pathString(path), !!options.recursive, options.mode ?? 0o777);
}

export function removeSync(path: PathLike, options: { recursive?: boolean } = {}): void {
  op.removeSync(pathString(path), !!options.recursive);
}

export async function remove(path: PathLike, options: { recursive?: boolean } = {}): Promise<void> {
  await op.removeAsync(pathString(path), !!options.recursive);
}

export function renameSync(oldpath: PathLike, newpath: PathLike): void {
  op.renameSync(pathString(oldpath), pathString(newpath));
}

export async function rename(oldpath: PathLike, newpath: PathLike): Promise<void> {
  await op.renameAsync(pathString(oldpath), pathString(newpath));
}

export function copyFileSync(from: PathLike, to: PathLike): void {
  op.copyFileSync(pathString(from), pathString(to));
}

export async function copyFile(from: PathLike, to: PathLike): Promise<void> {
  await op.copyFileAsync(pathString(from), pathString(to));
}

function checkMode(mode: number): number {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new TypeError(`Invalid mode ${String(mode)}`);
  return mode;
}

export function chmodSync(path: PathLike, mode: number): void {
  op.chmodSync(pathString(path), checkMode(mode));
}

export async function chmod(path: PathLike, mode: number): Promise<void> {
  await op.chmodAsync(pathString(path), checkMode(mode));
}

/** A user or group id; null (or -1) leaves it as it is. */
function id(n: number | null): bigint {
  if (n === null) return -1n;
  if (!Number.isInteger(n) || n < -1 || n > 0xffffffff) throw new TypeError(`Invalid id ${String(n)}`);
  return BigInt(n);
}

export function chownSync(path: PathLike, uid: number | null, gid: number | null): void {
  op.chownSync(pathString(path), id(uid), id(gid));
}

export async function chown(path: PathLike, uid: number | null, gid: number | null): Promise<void> {
  await op.chownAsync(pathString(path), id(uid), id(gid));
}

/** Creates `newpath` as a symbolic link to `oldpath`. */
export function symlinkSync(oldpath: PathLike, newpath: PathLike): void {
  op.symlinkSync(pathString(oldpath), pathString(newpath));
}

export async function symlink(oldpath: PathLike, newpath: PathLike): Promise<void> {
  await op.symlinkAsync(pathString(oldpath), pathString(newpath));
}

export function readLinkSync(path: PathLike): string {
  return op.readLinkSync(pathString(path)).path()!;
}

export async function readLink(path: PathLike): Promise<string> {
  return (await op.readLinkAsync(pathString(path))).path()!;
}

/** Creates `newpath` as a hard link to `oldpath`. */
export function linkSync(oldpath: PathLike, newpath: PathLike): void {
  op.linkSync(pathString(oldpath), pathString(newpath));
}

export async function link(oldpath: PathLike, newpath: PathLike): Promise<void> {
  await op.linkAsync(pathString(oldpath), pathString(newpath));
}

function length(len = 0): bigint {
  if (!Number.isSafeInteger(len) || len < 0) throw new TypeError(`Invalid length ${String(len)}`);
  return BigInt(len);
}

export function truncateSync(path: PathLike, len?: number): void {
  op.truncateSync(pathString(path), length(len));
}

export async function truncate(path: PathLike, len?: number): Promise<void> {
  await op.truncateAsync(pathString(path), length(len));
}

type MakeTempOptions = Deno.MakeTempOptions;

function tempArgs(o: MakeTempOptions, dir: boolean): [string, string, string, boolean] {
  return [o.dir ?? "", o.prefix ?? "", o.suffix ?? "", dir];
}

export function makeTempDirSync(options: MakeTempOptions = {}): string {
  return op.makeTempSync(...tempArgs(options, true)).path()!;
}

export async function makeTempDir(options: MakeTempOptions = {}): Promise<string> {
  return (await op.makeTempAsync(...tempArgs(options, true))).path()!;
}

export function makeTempFileSync(options: MakeTempOptions = {}): string {
  return op.makeTempSync(...tempArgs(options, false)).path()!;
}

export async function makeTempFile(options: MakeTempOptions = {}): Promise<string> {
  return (await op.makeTempAsync(...tempArgs(options, false))).path()!;
}

export function realPathSync(path: PathLike): string {
  return op.realPathSync(pathString(path)).path()!;
}

export async function realPath(path: PathLike): Promise<string> {
  return (await op.realPathAsync(pathString(path))).path()!;
}

/** Seconds since the epoch, from a number of seconds or a Date. */
function seconds(t: number | Date): number {
  return t instanceof Date ? t.getTime() / 1000 : t;
}

export function utimeSync(path: PathLike, atime: number | Date, mtime: number | Date): void {
  op.utimeSync(pathString(path), seconds(atime), seconds(mtime));
}

export async function utime(path: PathLike, atime: number | Date, mtime: number | Date): Promise<void> {
  await op.utimeAsync(pathString(path), seconds(atime), seconds(mtime));
}
