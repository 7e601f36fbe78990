//! The userland's side of the one door: requests are written into ONE reused buffer by
//! the generated encoders (gen/ops.ts, js/request.ts) and sent through
//! `Deno.core.dispatch`. Sync replies come back at once; async ones arrive in batches
//! through `Deno.core.recv` and settle the promise parked under their cmd_id. Error
//! replies throw / reject a DenoError.
//! The per-op stubs that call sendSync / sendAsync are generated (gen/ops.ts). Read and
//! write may instead travel as minimal records (src/ops/minimal.rs): sendMinimal*.
import * as flatbuffers from "flatbuffers";
import * as msg from "../gen/msg.ts";
import { DenoError } from "./errors.ts";
import { BASE_ERROR_KIND_VT, BASE_RES_VT } from "../gen/layout.ts";
import { finish, putText } from "./request.ts";
import { type Codecs, TextDecoder, useCodecs } from "./text_encoding.ts";

/**
 * The native door (src/isolate.rs): a sync reply's length in `shared` (0: none), or a
 * reply of its own; a refusal comes back as the TypeError that `dispatch` throws.
 */
type Door = (control: ArrayBufferView, zeroCopy?: ArrayBufferView | null) => number | Uint8Array | TypeError;

/** The native bindings, installed by Rust at start (they cannot live in the snapshot); the string codecs among them are declared with their user. */
export interface Core extends Codecs {
  dispatch(control: ArrayBufferView, zeroCopy?: ArrayBufferView): number | Uint8Array;
  send(control: ArrayBufferView, zeroCopy?: ArrayBufferView): number | Uint8Array;
  recv(cb: (replies: Uint8Array) => void): void;
  /** Where sync replies are written; dispatch returns their length (0: no sync reply). */
  shared: ArrayBuffer;
  /** Where most batches of async replies are written: valid during the recv callback only. */
  sharedAsync: ArrayBuffer;
  /** V8's structured clone of a value, as bytes. */
  serialize(value: unknown): Uint8Array;
  /** The value `serialize` made `bytes` of (a new copy). */
  deserialize(bytes: ArrayBufferView): unknown;
  /** Detaches an ArrayBuffer (the sender's side of a transfer). */
  detach(buffer: ArrayBuffer): void;
  /** `fn(promise, reason)` is offered each unhandled rejection: true handles it. */
  setUnhandledRejection(fn: (promise: Promise<unknown>, reason: unknown) => boolean): void;
  /** `fn("load")` once the main module has run, `fn("beforeunload")` (true: canceled) and `fn("unload")` at the end. */
  setLifecycle(fn: (event: "load" | "beforeunload" | "unload") => boolean): void;
  /** Ends the run with `error` as an uncaught one, after the current turn. */
  reportUncaught(error: unknown): void;
}

/** A generated reply table (`msg.XRes`): what a reply's result is read into. */
export interface ResTable {
  bb: flatbuffers.ByteBuffer | null;
  bb_pos: number;
}

/**
 * Where an async reply goes: `res` is the table its result is read into (null: none).
 * `inPlace`: `resolve` reads it at once, so it needs no copy of the reply's bytes.
 */
export interface Resolvers<T> {
  res: T | null;
  inPlace?: boolean;
  resolve(res: T): void;
  reject(e: Error): void;
  /** A promise's own: it takes a failure as a `Failure`, thrown by `unwrap`. */
  promise?: boolean;
}

let core: Core;
/** Until the isolate starts there is no door (a snapshot being made runs no op). */
let door: Door = () => {
  throw new Error("no op can run here: the runtime has not started (an embedder's snapshot setup runs plain JavaScript only)");
};
/** Reads sync replies in place, in core.shared. */
let sharedBB: flatbuffers.ByteBuffer;
let sharedBytes: Uint8Array;
let nextCmdId = 1;

/*
 * The promise table: resolvers parked under their cmd_id until the reply comes. It is
 * a ring of slots, not a Map: a Map made in the snapshot lives in V8's old space, where
 * each table it rehashes into is kept alive by the one before it until a full GC, and
 * with it every op's resolvers (all of an op's garbage got promoted, and a server spent
 * its time in mark-sweeps). Slot = cmd_id % RING; an op that outlives a lap of the ring
 * parks in `overflow`.
 */
const RING = 4096;
const ringIds = new Uint32Array(RING);
// deno-lint-ignore no-explicit-any
const ring: (Resolvers<any> | undefined)[] = new Array(RING).fill(undefined);
// deno-lint-ignore no-explicit-any
const overflow = new Map<number, Resolvers<any>>();

function isParked(cmdId: number): boolean {
  const slot = cmdId % RING;
  return (ringIds[slot] === cmdId && ring[slot] !== undefined) || overflow.has(cmdId);
}

// deno-lint-ignore no-explicit-any
function park(cmdId: number, resolvers: Resolvers<any>): void {
  const slot = cmdId % RING;
  if (ring[slot] !== undefined) {
    overflow.set(cmdId, resolvers);
    return;
  }
  ringIds[slot] = cmdId;
  ring[slot] = resolvers;
}

/** The resolvers parked under `cmdId`, removed from the table; undefined if none. */
// deno-lint-ignore no-explicit-any
function unpark(cmdId: number): Resolvers<any> | undefined {
  const slot = cmdId % RING;
  const resolvers = ring[slot];
  if (resolvers !== undefined && ringIds[slot] === cmdId) {
    ring[slot] = undefined;
    return resolvers;
  }
  const other = overflow.get(cmdId);
  if (other !== undefined) overflow.delete(cmdId);
  return other;
}
// Reused for every sync reply: its fields are read before the next op is sent.
const syncBase = new msg.Base();
/**
 * Where the last sync reply's result table lies (valid until the next op): always this
 * one object, so that finding it stays monomorphic; the generated stub then reads it
 * with its own table class.
 */
export const syncRes: ResTable = { bb: null, bb_pos: 0 };
const asyncBase = new msg.Base();

/** A minimal record: [MINIMAL_TOKEN, promise id (0: sync), op, rid]. */
const MINIMAL_TOKEN = 0xcafe;
const record = new Uint32Array([MINIMAL_TOKEN, 0, 0, 0]);
/** A minimal reply, size prefix included: [16, MINIMAL_TOKEN, promise id, op, result]. */
const MINIMAL_REPLY_BYTES = 20;
/** The `res` of a minimal request whose count of 0 resolves to null. */
const ZERO_IS_NULL = {};
/** core.shared as int32s, to read a sync minimal reply in place. */
let shared32: Int32Array;

export function setCore(c: Core): void {
  core = c;
  door = c.dispatch as unknown as Door;
  c.dispatch = c.send = dispatch;
  sharedBB = new flatbuffers.ByteBuffer(new Uint8Array(core.shared));
  shared32 = new Int32Array(core.shared);
  sharedBytes = new Uint8Array(core.shared);
  core.recv(handleAsyncReplies);
  useCodecs(c);
}

/** A structured clone of `value` (Deno.core.serialize). */
export function serialize(value: unknown): Uint8Array {
  return core.serialize(value);
}

/** The value `bytes` hold (Deno.core.deserialize). */
export function deserialize(bytes: ArrayBufferView): unknown {
  return core.deserialize(bytes);
}

/**
 * `Deno.core.dispatch` (and `send`): the native door, with its refusal thrown here, in
 * JS: V8 10.2 loses an exception thrown by a native function's slow path after a fast
 * API call (no handler in the same optimized code sees it), so the door never throws.
 * One argument where one serves: the door's fast path for it checks nothing more.
 */
function dispatch(control: ArrayBufferView, zeroCopy?: ArrayBufferView): number | Uint8Array {
  const reply = zeroCopy === undefined ? door(control) : door(control, zeroCopy);
  if (typeof reply === "number" || reply instanceof Uint8Array) return reply;
  throw reply;
}

/**
 * Whether the door refused a request because its cmd_id is in flight: held by a raw
 * `Deno.core.dispatch`, which no promise here waits on. The sender takes the next id.
 */
function heldAtDoor(e: unknown): boolean {
  return e instanceof TypeError && e.message.endsWith("is already in flight");
}

/** A cmd_id no reply is awaited under. */
function takeCmdId(): number {
  let id = nextCmdId;
  while (isParked(id)) id = id === 0xffffffff ? 1 : id + 1;
  nextCmdId = id === 0xffffffff ? 1 : id + 1;
  return id;
}

function errorOf(base: msg.Base): DenoError<msg.ErrorKind> | null {
  const kind = base.errorKind();
  return kind === msg.ErrorKind.NoError ? null : new DenoError(kind, base.error() ?? "");
}

/**
 * Sends a sync request, for an op without a result: the `len` bytes in the request
 * buffer, or a message of its own.
 */
export function sendSync(request: number | Uint32Array, zeroCopy?: ArrayBufferView): void {
  dispatchSync(syncMessage(request), zeroCopy);
}

/** Sends a sync request, as sendSync does; its result is then in `syncRes`. */
export function sendSyncRes(request: number | Uint32Array, zeroCopy?: ArrayBufferView): void {
  if (!dispatchSync(syncMessage(request), zeroCopy)) {
    throw new TypeError("Deno.core.dispatch: a sync op replied without its result");
  }
}

/** A sync request: the `len` bytes in the request buffer, or a message of its own. */
function syncMessage(request: number | Uint32Array): Uint32Array {
  return typeof request === "number" ? finish(request, 0, true) : request;
}

/** Whether the last sync reply lies in the shared buffer (else it came in one of its own). */
export function replyInShared(): boolean {
  return syncRes.bb === sharedBB;
}

/** Sends a sync request made (by any encoder) in `control`; whether a result came, into `syncRes`. */
export function dispatchSync(control: ArrayBufferView, zeroCopy?: ArrayBufferView): boolean {
  const reply = dispatch(control, zeroCopy);
  if (reply === 0) return false;
  if (typeof reply === "number" && reply <= sharedBytes.length) return sharedResult(reply);
  return syncReply(reply).res(syncRes) !== null;
}

/**
 * Finds the result table of the sync reply of `len` bytes in core.shared into syncRes
 * (false: none), reading the Base through its vtable with the few lines below: the
 * generic readers (ByteBuffer, msg.Base) cost ~300 instructions more per op. An error
 * reply goes to syncReply, which throws it.
 */
function sharedResult(len: number): boolean {
  const b = sharedBytes;
  const base = 4 + read32(b, 4);
  const kind = fieldAt(b, base, BASE_ERROR_KIND_VT);
  if (kind !== 0 && b[base + kind] !== msg.ErrorKind.NoError) syncReply(len);
  const res = fieldAt(b, base, BASE_RES_VT);
  if (res === 0) return false;
  syncRes.bb = sharedBB;
  syncRes.bb_pos = base + res + read32(b, base + res);
  return true;
}

function read32(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
}

/** Where the field at vtable offset `vt` of the table at `table` lies in it; 0: absent. */
function fieldAt(b: Uint8Array, table: number, vt: number): number {
  const vtable = table - read32(b, table);
  return vt < (b[vtable] | (b[vtable + 1] << 8)) ? b[vtable + vt] | (b[vtable + vt + 1] << 8) : 0;
}

/**
 * A sync reply `Base` (its length in core.shared, or a buffer of its own if too big for
 * it), read in place; throws the DenoError of an error reply.
 */
function syncReply(reply: number | Uint8Array): msg.Base {
  let bb = sharedBB;
  if (typeof reply !== "number") bb = new flatbuffers.ByteBuffer(reply);
  else if (reply <= bb.capacity()) bb.setPosition(0);
  else throw new TypeError("Deno.core.dispatch: the reply buffer Deno.core.shared was detached");
  const base = msg.Base.getSizePrefixedRootAsBase(bb, syncBase);
  const err = errorOf(base);
  if (err) throw err;
  return base;
}

/** Sends `op` (Read or Write; Noop or MyPid) on `rid` as a sync minimal record; its count. */
export function sendMinimalSync(op: msg.Any, rid: number, data?: ArrayBufferView): number {
  return minimalResult(sendRecord(0, op, rid, data));
}

/** Sends the minimal record [MINIMAL_TOKEN, promiseId, op, rid]; the reply given at dispatch, if any. */
function sendRecord(promiseId: number, op: msg.Any, rid: number, data?: ArrayBufferView): number | Uint8Array {
  record[1] = promiseId;
  record[2] = op;
  record[3] = rid;
  return dispatch(record, data);
}

/** The count of a minimal reply given at dispatch; throws the error of a failure. */
function minimalResult(reply: number | Uint8Array): number {
  if (reply === MINIMAL_REPLY_BYTES && shared32[1] === MINIMAL_TOKEN) {
    return shared32[4];
  }
  syncReply(reply); // a failure comes back as a FlatBuffers error Base
  throw new TypeError("a minimal request got a reply that is neither a count nor an error");
}

const decoder = new TextDecoder();

/** Sends a sync JSON request (ops/json.rs, the bench ops only); its `ok` result, or throws its `err`. */
export function sendJsonSync(request: string): unknown {
  const reply = dispatch(putText(request));
  if (typeof reply !== "number" || reply > sharedBytes.length) {
    throw new TypeError("Deno.core.dispatch: a JSON request got no reply in Deno.core.shared");
  }
  const parsed = JSON.parse(decoder.decode(sharedBytes.subarray(0, reply)));
  if (parsed.err) throw new DenoError(msg.ErrorKind[parsed.err.kind as keyof typeof msg.ErrorKind], parsed.err.message);
  return parsed.ok;
}

/**
 * Sends `op` (Read or Write) on `rid` as an async minimal record; a promise of its byte
 * count, or of null for a count of 0 if `zeroIsNull` (a read's end of file). An op done
 * at dispatch is answered then: its promise settles without a turn of the event loop.
 */
export function sendMinimalAsync(op: msg.Any, rid: number, data: ArrayBufferView, zeroIsNull: boolean): Promise<number | null> {
  let cmdId = 0;
  try {
    let reply;
    for (;;) {
      cmdId = takeCmdId();
      try {
        reply = sendRecord(cmdId, op, rid, data);
        break;
      } catch (e) {
        if (!heldAtDoor(e)) throw e;
      }
    }
    if (reply !== 0) {
      const n = minimalResult(reply);
      return Promise.resolve(n === 0 && zeroIsNull ? null : n);
    }
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<number | null | Failure>((resolve, reject) =>
    park(cmdId, { res: zeroIsNull ? ZERO_IS_NULL : null, resolve, reject, promise: true })
  ).then(unwrap<number | null>);
}

/** Sends the async request of `len` bytes in the request buffer; the promise settles with its result read into `res` when the event loop delivers its reply. */
export function sendAsync<T extends ResTable>(len: number, res: T, zeroCopy?: ArrayBufferView): Promise<T>;
export function sendAsync(len: number, res: null, zeroCopy?: ArrayBufferView): Promise<void>;
export function sendAsync<T extends ResTable>(len: number, res: T | null, zeroCopy?: ArrayBufferView): Promise<T | void> {
  return new Promise<T | void | Failure>((resolve, reject) =>
    sendWithCallbacks(len, { res, resolve, reject, promise: true }, zeroCopy)
  ).then(unwrap<T | void>);
}

/**
 * Sends the async request of `len` bytes in the request buffer; its reply is handed to
 * `resolvers` synchronously, as it is delivered (timers use this, so that a callback's
 * exception is an uncaught error).
 */
export function sendWithCallbacks<T>(len: number, resolvers: Resolvers<T>, zeroCopy?: ArrayBufferView): void {
  for (;;) {
    const cmdId = takeCmdId();
    try {
      dispatch(finish(len, cmdId, false), zeroCopy);
    } catch (e) {
      if (heldAtDoor(e)) continue;
      throw e;
    }
    return park(cmdId, resolvers);
  }
}

/** An async op's failure, as its promise first resolves to (see `unwrap`). */
class Failure {
  constructor(readonly kind: msg.ErrorKind, readonly text: string) {}
}

/**
 * The result of an async op, or its error thrown: run as a reaction of the op's own
 * promise, which the caller awaits, so that V8 gives the error's stack the async frames
 * of the caller (`at async main (file:///x.ts:2:3)`) and an uncaught one shows the
 * user's line. (V8 10.2 finds those frames only through `then` and `await`.)
 */
function unwrap<T>(result: T | Failure): T {
  if (result instanceof Failure) throw new DenoError(result.kind, result.text);
  return result;
}

/** Fails an async request: a promise's through `unwrap`; callbacks get their error at once. */
// deno-lint-ignore no-explicit-any
function fail(resolvers: Resolvers<any>, kind: msg.ErrorKind, text: string): void {
  if (resolvers.promise) resolvers.resolve(new Failure(kind, text));
  else resolvers.reject(new DenoError(kind, text));
}

/**
 * A batch of replies: size-prefixed `Base` messages and minimal replies, back to back.
 * A batch in `core.sharedAsync` is overwritten by the next one, so a reply table handed
 * to a promise (read when its continuation runs) gets a copy of its bytes.
 */
function handleAsyncReplies(replies: Uint8Array): void {
  const reused = replies.buffer === core.sharedAsync;
  const bb = new flatbuffers.ByteBuffer(replies);
  for (let pos = 0; pos < replies.length; pos += 4 + bb.readUint32(pos)) {
    if (bb.readUint32(pos) === MINIMAL_REPLY_BYTES - 4 && bb.readInt32(pos + 4) === MINIMAL_TOKEN) {
      const cmdId = bb.readUint32(pos + 8);
      const resolvers = unpark(cmdId);
      if (resolvers === undefined) continue;
      const n = bb.readInt32(pos + 16);
      resolvers.resolve(n === 0 && resolvers.res === ZERO_IS_NULL ? null : n);
      continue;
    }
    bb.setPosition(pos);
    const base = msg.Base.getSizePrefixedRootAsBase(bb, asyncBase);
    const cmdId = base.cmdId();
    const resolvers = unpark(cmdId);
    // A request sent straight through Deno.core.dispatch: its sender has no promise here.
    if (resolvers === undefined) continue;
    const kind = base.errorKind();
    if (kind !== msg.ErrorKind.NoError) fail(resolvers, kind, base.error() ?? "");
    else if (resolvers.res === null) resolvers.resolve(undefined);
    else if (!reused || resolvers.inPlace) resolvers.resolve(base.res(resolvers.res));
    else {
      const own = new flatbuffers.ByteBuffer(replies.slice(pos, pos + 4 + bb.readUint32(pos)));
      resolvers.resolve(msg.Base.getSizePrefixedRootAsBase(own).res(resolvers.res));
    }
  }
}
