//! The userland's side of the one door: requests are built in ONE reused Builder,
//! wrapped in a `Base` and sent through `Deno.core.dispatch`. Sync replies come back
//! at once; async ones arrive in batches through `Deno.core.recv` and settle the
//! promise parked under their cmd_id. Error replies throw / reject a DenoError.
//! The per-op stubs that call sendSync / sendAsync are generated (gen/ops.ts).
import * as flatbuffers from "flatbuffers";
import * as msg from "../gen/msg.ts";
import { DenoError } from "./errors.ts";

/** The native bindings, installed by Rust at start (they cannot live in the snapshot). */
export interface Core {
  dispatch(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
  send(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
  recv(cb: (replies: Uint8Array) => void): void;
  /** Where sync replies are written; dispatch returns views of it. */
  shared: ArrayBuffer;
}

/** A generated reply table (`msg.XRes`): what a reply's result is read into. */
export interface ResTable {
  bb: flatbuffers.ByteBuffer | null;
  bb_pos: number;
}

/** Where an async reply goes: `res` is the table its result is read into (null: none). */
export interface Resolvers<T> {
  res: T | null;
  resolve(res: T): void;
  reject(e: Error): void;
}

let core: Core;
/** Reads sync replies in place, in core.shared. */
let sharedBB: flatbuffers.ByteBuffer;
const builder = new flatbuffers.Builder(1024);
// deno-lint-ignore no-explicit-any
const promiseTable = new Map<number, Resolvers<any>>();
let nextCmdId = 1;
// Reused for every sync reply: its fields are read before the next op is sent.
const syncBase = new msg.Base();
const asyncBase = new msg.Base();

export function setCore(c: Core): void {
  core = c;
  sharedBB = new flatbuffers.ByteBuffer(new Uint8Array(core.shared));
  core.recv(handleAsyncReplies);
}

/** The shared builder, emptied: build the op's table in it, then send. */
export function startOp(): flatbuffers.Builder {
  builder.clear();
  return builder;
}

/** A cmd_id no reply is awaited under. */
function takeCmdId(): number {
  let id = nextCmdId;
  while (promiseTable.has(id)) id = id === 0xffffffff ? 1 : id + 1;
  nextCmdId = id === 0xffffffff ? 1 : id + 1;
  return id;
}

function send(
  cmdId: number,
  sync: boolean,
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  zeroCopy?: ArrayBufferView,
): Uint8Array | null {
  msg.Base.startBase(builder);
  msg.Base.addCmdId(builder, cmdId);
  msg.Base.addSync(builder, sync);
  msg.Base.addInnerType(builder, innerType);
  msg.Base.addInner(builder, inner);
  builder.finish(msg.Base.endBase(builder));
  return core.dispatch(builder.asUint8Array(), zeroCopy);
}

function errorOf(base: msg.Base): DenoError<msg.ErrorKind> | null {
  const kind = base.errorKind();
  return kind === msg.ErrorKind.NoError ? null : new DenoError(kind, base.error() ?? "");
}

/**
 * Sends a sync op; returns its result read into `res` (the shared reply buffer: use it
 * before sending another op), or nothing for an op without a result.
 */
export function sendSync<T extends ResTable>(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  res: T,
  zeroCopy?: ArrayBufferView,
): T;
export function sendSync(innerType: msg.Any, inner: flatbuffers.Offset, res: null, zeroCopy?: ArrayBufferView): void;
export function sendSync<T extends ResTable>(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  res: T | null,
  zeroCopy?: ArrayBufferView,
): T | void {
  const reply = send(0, true, innerType, inner, zeroCopy);
  if (reply == null) return;
  let bb = sharedBB;
  if (reply.buffer === core.shared) bb.setPosition(0);
  else bb = new flatbuffers.ByteBuffer(reply); // too big for the shared buffer
  const base = msg.Base.getSizePrefixedRootAsBase(bb, syncBase);
  const err = errorOf(base);
  if (err) throw err;
  if (res !== null) return base.res(res) as T;
}

/** Sends an async op; the promise settles with its result read into `res` when the event loop delivers its reply. */
export function sendAsync<T extends ResTable>(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  res: T,
  zeroCopy?: ArrayBufferView,
): Promise<T>;
export function sendAsync(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  res: null,
  zeroCopy?: ArrayBufferView,
): Promise<void>;
export function sendAsync<T extends ResTable>(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  res: T | null,
  zeroCopy?: ArrayBufferView,
): Promise<T | void> {
  return new Promise((resolve, reject) => sendWithCallbacks(innerType, inner, { res, resolve, reject }, zeroCopy));
}

/**
 * Sends an async op whose reply is handed to `resolvers` synchronously, as it is
 * delivered (timers use this, so that a callback's exception is an uncaught error).
 */
export function sendWithCallbacks<T>(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  resolvers: Resolvers<T>,
  zeroCopy?: ArrayBufferView,
): void {
  const cmdId = takeCmdId();
  send(cmdId, false, innerType, inner, zeroCopy);
  promiseTable.set(cmdId, resolvers);
}

/** A batch of replies: size-prefixed `Base` messages, back to back. */
function handleAsyncReplies(replies: Uint8Array): void {
  const bb = new flatbuffers.ByteBuffer(replies);
  for (let pos = 0; pos < replies.length; pos += 4 + bb.readUint32(pos)) {
    bb.setPosition(pos);
    const base = msg.Base.getSizePrefixedRootAsBase(bb, asyncBase);
    const cmdId = base.cmdId();
    const resolvers = promiseTable.get(cmdId);
    // A request sent straight through Deno.core.dispatch: its sender has no promise here.
    if (resolvers === undefined) continue;
    promiseTable.delete(cmdId);
    const err = errorOf(base);
    if (err) resolvers.reject(err);
    else resolvers.resolve(resolvers.res === null ? undefined : base.res(resolvers.res));
  }
}
