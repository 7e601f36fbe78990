//! Files and the resource table: Deno.open/create, read/write/seek on rids, Deno.File,
//! Deno.stdin/stdout/stderr, Deno.resources/close. Data travels in the zero-copy
//! buffer; the reply carries only counts.
import * as op from "../gen/ops.ts";
import { Any, type StatRes } from "../gen/msg.ts";
import { sendMinimalAsync, sendMinimalSync } from "./dispatch.ts";

export enum SeekMode {
  Start = 0,
  Current = 1,
  End = 2,
}

// The shapes are declared (and documented) once, in lib.deno.d.ts.
type OpenOptions = Deno.OpenOptions;
type OpenMode = Deno.OpenMode;
export type FileInfo = Deno.FileInfo;

/** What early Deno's mode strings mean, as fopen(3) has them ("x": create, fail if it exists). */
const MODES: Record<OpenMode, OpenOptions> = {
  "r": { read: true },
  "r+": { read: true, write: true },
  "w": { write: true, create: true, truncate: true },
  "w+": { read: true, write: true, create: true, truncate: true },
  "a": { append: true, create: true },
  "a+": { read: true, append: true, create: true },
  "x": { write: true, createNew: true },
  "x+": { read: true, write: true, createNew: true },
};

function openArgs(path: string, how: OpenOptions | OpenMode = { read: true }): Parameters<typeof op.openSync> {
  const o = typeof how === "string" ? MODES[how] : how;
  if (o === undefined) throw new TypeError(`Unknown open mode "${String(how)}"`);
  return [
    pathString(path),
    !!o.read,
    !!o.write,
    !!o.append,
    !!o.truncate,
    !!o.create,
    !!o.createNew,
    o.mode ?? 0o666,
  ];
}

/** A path argument, checked: the stubs would turn anything else into text. */
export function pathString(path: string): string {
  if (typeof path !== "string") throw new TypeError(`Path must be a string, got ${typeof path}`);
  return path;
}

export function checkRid(rid: number): number {
  if (!Number.isInteger(rid) || rid < 0 || rid > 0xffffffff) throw new TypeError(`Invalid rid ${String(rid)}`);
  return rid;
}

function checkBuffer(p: Uint8Array): Uint8Array {
  if (!(p instanceof Uint8Array)) throw new TypeError("Buffer must be a Uint8Array");
  return p;
}

/** Whether read and write travel as minimal records (else as FlatBuffers), from Start. */
let minimal = true;

export function useMinimalIo(on: boolean): void {
  minimal = on;
}

/** Reads into `p`; the number of bytes read, or null at end of file. */
export function readSync(rid: number, p: Uint8Array): number | null {
  if (checkBuffer(p).length === 0) return 0;
  checkRid(rid);
  const n = minimal ? sendMinimalSync(Any.Read, rid, p) : op.readSync(rid, p).nread();
  return n === 0 ? null : n;
}

// read and write are the hottest calls of a server: plain functions that return the
// op's own promise, with no async wrapper (each would cost a promise and a microtask).
export function read(rid: number, p: Uint8Array): Promise<number | null> {
  try {
    if (checkBuffer(p).length === 0) return Promise.resolve(0);
    checkRid(rid);
  } catch (e) {
    return Promise.reject(e);
  }
  if (minimal) return sendMinimalAsync(Any.Read, rid, p, true);
  return op.readAsync(rid, p).then((res) => res.nread() || null);
}

/** Writes (some of) `p`; the number of bytes written. */
export function writeSync(rid: number, p: Uint8Array): number {
  checkRid(rid);
  checkBuffer(p);
  return minimal ? sendMinimalSync(Any.Write, rid, p) : op.writeSync(rid, p).nwritten();
}

export function write(rid: number, p: Uint8Array): Promise<number> {
  try {
    checkRid(rid);
    checkBuffer(p);
  } catch (e) {
    return Promise.reject(e);
  }
  if (minimal) return sendMinimalAsync(Any.Write, rid, p, false) as Promise<number>;
  return op.writeAsync(rid, p).then((res) => res.nwritten());
}

function seekArgs(rid: number, offset: number | bigint, whence: SeekMode): [number, bigint, number] {
  if (typeof offset === "number" && !Number.isSafeInteger(offset)) {
    throw new TypeError(`Invalid seek offset ${offset}`);
  }
  return [checkRid(rid), BigInt(offset), whence];
}

/** Moves the file position; resolves to the new position from the start. */
export function seekSync(rid: number, offset: number | bigint, whence: SeekMode): number {
  return Number(op.seekSync(...seekArgs(rid, offset, whence)).position());
}

export async function seek(rid: number, offset: number | bigint, whence: SeekMode): Promise<number> {
  return Number((await op.seekAsync(...seekArgs(rid, offset, whence))).position());
}

export function close(rid: number): void {
  op.closeSync(checkRid(rid));
}

/** Every open rid and its kind. */
export function resources(): Record<number, string> {
  const res = op.resourcesSync();
  const out: Record<number, string> = {};
  for (let i = 0; i < res.ridsLength(); i++) out[res.rids(i)!] = res.kinds(i);
  return out;
}

function date(ms: number): Date | null {
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A FileInfo from a StatRes (read at once: a sync reply lives until the next op). */
export function fileInfo(res: StatRes): FileInfo {
  return {
    isFile: res.isFile(),
    isDirectory: res.isDirectory(),
    isSymlink: res.isSymlink(),
    size: Number(res.len()),
    mtime: date(res.mtime()),
    atime: date(res.atime()),
    birthtime: date(res.birthtime()),
    mode: res.mode(),
    dev: Number(res.dev()),
    ino: Number(res.ino()),
    nlink: Number(res.nlink()),
    uid: res.uid(),
    gid: res.gid(),
    blocks: Number(res.blocks()),
  };
}

export function fstatSync(rid: number): FileInfo {
  return fileInfo(op.fstatSync(checkRid(rid)));
}

export async function fstat(rid: number): Promise<FileInfo> {
  return fileInfo(await op.fstatAsync(checkRid(rid)));
}

/** An open resource: a file, or one of the standard streams. */
export class File {
  constructor(readonly rid: number) {}

  read(p: Uint8Array): Promise<number | null> {
    return read(this.rid, p);
  }
  readSync(p: Uint8Array): number | null {
    return readSync(this.rid, p);
  }
  write(p: Uint8Array): Promise<number> {
    return write(this.rid, p);
  }
  writeSync(p: Uint8Array): number {
    return writeSync(this.rid, p);
  }
  seek(offset: number | bigint, whence: SeekMode): Promise<number> {
    return seek(this.rid, offset, whence);
  }
  seekSync(offset: number | bigint, whence: SeekMode): number {
    return seekSync(this.rid, offset, whence);
  }
  stat(): Promise<FileInfo> {
    return fstat(this.rid);
  }
  statSync(): FileInfo {
    return fstatSync(this.rid);
  }
  /** Whether it is a terminal (isatty). */
  isTerminal(): boolean {
    return op.isTerminalSync(this.rid).terminal();
  }
  close(): void {
    close(this.rid);
  }
}

export function openSync(path: string, how?: OpenOptions | OpenMode): File {
  return new File(op.openSync(...openArgs(path, how)).rid());
}

export async function open(path: string, how?: OpenOptions | OpenMode): Promise<File> {
  return new File((await op.openAsync(...openArgs(path, how))).rid());
}

/** Opens `path` for reading and writing, created if missing, truncated if not. */
export function createSync(path: string): File {
  return openSync(path, "w+");
}

export function create(path: string): Promise<File> {
  return open(path, "w+");
}

export const stdin = new File(0);
export const stdout = new File(1);
export const stderr = new File(2);
