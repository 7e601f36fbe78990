//! The benchmark ops: Noop (sync or async) and Echo, for measuring the door itself; and
//! the bench ops in each request encoding the door takes (Deno.core.encodings), to
//! compare what each costs (benches/dispatch.rs).
import * as flatbuffers from "flatbuffers";
import * as msg from "../gen/msg.ts";
import * as op from "../gen/ops.ts";
import { dispatchSync, replyInShared, sendJsonSync, sendMinimalSync, syncRes } from "./dispatch.ts";

export function noop(): void {
  op.noopSync();
}

export function noopAsync(): Promise<void> {
  return op.noopAsync();
}

/**
 * Sends `data` through the zero-copy buffer; returns the copy the reply carries: one
 * copy each way at most (none in, Rust's into the reply out). A small reply lives in
 * the shared buffer, reused by the next op, and is copied out of it; a big one comes in
 * a buffer of its own.
 */
export function echo(data: ArrayBufferView): Uint8Array {
  const echoed = op.echoSync(data).dataArray()!;
  return replyInShared() ? echoed.slice() : echoed;
}

/** As echo, with the reply delivered by the event loop. */
export async function echoAsync(data: ArrayBufferView): Promise<Uint8Array> {
  return (await op.echoAsync(data)).dataArray()!;
}

/** The bench ops in one encoding; `echo` is null where the encoding cannot carry bytes back. */
export interface BenchOps {
  noop(): void;
  myPid(): number;
  echo: ((data: ArrayBufferView) => Uint8Array) | null;
}

const builder = new flatbuffers.Builder(256);

/**
 * A sync request for an op whose table has no fields, made the generic way: with
 * flatbuffers.Builder, as flatc's `createX` methods do (the Base's slots: cmd_id 0,
 * sync 1, inner type 4, inner 5, of 8).
 */
function built(tag: msg.Any): Uint32Array {
  const b = builder;
  b.clear();
  b.startObject(0);
  const inner = b.endObject();
  b.startObject(8);
  b.addFieldInt32(0, 0, 0);
  b.addFieldInt8(1, 1, 0);
  b.addFieldInt8(4, tag, 0);
  b.addFieldOffset(5, inner, 0);
  b.finish(b.endObject());
  // As words, as the generated encoders hand theirs over (the door's fast path).
  const bytes = b.asUint8Array();
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

const myPidRes = new msg.MyPidRes();
const echoRes = new msg.EchoRes();

export const encodings: Record<"flatbuffers" | "builder" | "minimal" | "json", BenchOps> = {
  flatbuffers: { noop, myPid: () => op.myPidSync().pid(), echo },
  builder: {
    noop: () => void dispatchSync(built(msg.Any.Noop)),
    myPid: () => {
      dispatchSync(built(msg.Any.MyPid));
      return myPidRes.__init(syncRes.bb_pos, syncRes.bb!).pid();
    },
    echo: (data) => {
      dispatchSync(built(msg.Any.Echo), data);
      const echoed = echoRes.__init(syncRes.bb_pos, syncRes.bb!).dataArray()!;
      return replyInShared() ? echoed.slice() : echoed;
    },
  },
  minimal: {
    noop: () => void sendMinimalSync(msg.Any.Noop, 0),
    myPid: () => sendMinimalSync(msg.Any.MyPid, 0),
    echo: null,
  },
  json: {
    noop: () => void sendJsonSync(JSON.stringify({ op: "Noop" })),
    myPid: () => sendJsonSync(JSON.stringify({ op: "MyPid" })) as number,
    echo: null,
  },
};
