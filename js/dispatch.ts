//! The userland's side of the one door: requests are built in ONE reused Builder,
//! wrapped in a `Base` and sent through `Deno.core.dispatch`. Sync replies come back
//! at once; async ones arrive in batches through `Deno.core.recv` and settle the
//! promise parked under their cmd_id. Error replies throw / reject a DenoError.
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

export interface Resolvers {
  resolve(base: msg.Base): void;
  reject(e: Error): void;
}

let core: Core;
/** Reads sync replies in place, in core.shared. */
let sharedBB: flatbuffers.ByteBuffer;
const builder = new flatbuffers.Builder(1024);
const promiseTable = new Map<number, Resolvers>();
let nextCmdId = 1;
// Reused for every sync reply: its fields are read before the next op is sent.
const syncBase = new msg.Base();

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

function send(
  sync: boolean,
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  zeroCopy?: ArrayBufferView,
): [number, Uint8Array | null] {
  const cmdId = nextCmdId;
  nextCmdId = nextCmdId === 0xffffffff ? 1 : nextCmdId + 1;
  msg.Base.startBase(builder);
  msg.Base.addCmdId(builder, cmdId);
  msg.Base.addSync(builder, sync);
  msg.Base.addInnerType(builder, innerType);
  msg.Base.addInner(builder, inner);
  builder.finish(msg.Base.endBase(builder));
  return [cmdId, core.dispatch(builder.asUint8Array(), zeroCopy)];
}

function errorOf(base: msg.Base): DenoError<msg.ErrorKind> | null {
  const kind = base.errorKind();
  return kind === msg.ErrorKind.NoError ? null : new DenoError(kind, base.error() ?? "");
}

/**
 * Sends a sync op; returns the reply's Base, or null when the op replies nothing.
 * The Base reads the shared reply buffer: use it before sending another op.
 */
export function sendSync(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  zeroCopy?: ArrayBufferView,
): msg.Base | null {
  const [, reply] = send(true, innerType, inner, zeroCopy);
  if (reply == null) return null;
  let bb = sharedBB;
  if (reply.buffer === core.shared) bb.setPosition(0);
  else bb = new flatbuffers.ByteBuffer(reply); // too big for the shared buffer
  const base = msg.Base.getSizePrefixedRootAsBase(bb, syncBase);
  const err = errorOf(base);
  if (err) throw err;
  return base;
}

/** Sends an async op; the promise settles when the event loop delivers its reply. */
export function sendAsync(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  zeroCopy?: ArrayBufferView,
): Promise<msg.Base> {
  return new Promise((resolve, reject) => sendWithCallbacks(innerType, inner, { resolve, reject }, zeroCopy));
}

/**
 * Sends an async op whose reply is handed to `resolvers` synchronously, as it is
 * delivered (timers use this, so that a callback's exception is an uncaught error).
 */
export function sendWithCallbacks(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  resolvers: Resolvers,
  zeroCopy?: ArrayBufferView,
): void {
  const [cmdId, reply] = send(false, innerType, inner, zeroCopy);
  if (reply == null) {
    promiseTable.set(cmdId, resolvers);
    return;
  }
  // Refused before it started (bad message, unknown op): the reply is an error.
  const base = msg.Base.getSizePrefixedRootAsBase(new flatbuffers.ByteBuffer(reply));
  resolvers.reject(errorOf(base) ?? new Error("async op replied synchronously"));
}

/** One event-loop turn's replies: size-prefixed `Base` messages, back to back. */
function handleAsyncReplies(replies: Uint8Array): void {
  const bb = new flatbuffers.ByteBuffer(replies);
  for (let pos = 0; pos < replies.length; pos += 4 + bb.readUint32(pos)) {
    bb.setPosition(pos);
    const base = msg.Base.getSizePrefixedRootAsBase(bb);
    const cmdId = base.cmdId();
    const resolvers = promiseTable.get(cmdId);
    if (resolvers === undefined) throw new Error(`reply for unknown cmd_id ${cmdId}`);
    promiseTable.delete(cmdId);
    const err = errorOf(base);
    if (err) resolvers.reject(err);
    else resolvers.resolve(base);
  }
}
