//! The userland's side of the one door: requests are built in ONE reused Builder,
//! wrapped in a `Base` and sent through `Deno.core.dispatch`; error replies throw.
import * as flatbuffers from "flatbuffers";
import * as msg from "../gen/msg.ts";
import { DenoError } from "./errors.ts";

/** The native bindings, installed by Rust at start (they cannot live in the snapshot). */
export interface Core {
  dispatch(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
  send(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
  recv(cb: (reply: Uint8Array) => void): void;
}

let core: Core;
const builder = new flatbuffers.Builder(1024);
let nextCmdId = 1;

export function setCore(c: Core): void {
  core = c;
}

/** The shared builder, emptied: build the op's table in it, then call sendSync. */
export function startOp(): flatbuffers.Builder {
  builder.clear();
  return builder;
}

/** Sends a sync op; returns the reply's Base, or null when the op replies nothing. */
export function sendSync(
  innerType: msg.Any,
  inner: flatbuffers.Offset,
  zeroCopy?: ArrayBufferView,
): msg.Base | null {
  const cmdId = nextCmdId++;
  msg.Base.startBase(builder);
  msg.Base.addCmdId(builder, cmdId);
  msg.Base.addSync(builder, true);
  msg.Base.addInnerType(builder, innerType);
  msg.Base.addInner(builder, inner);
  builder.finish(msg.Base.endBase(builder));
  const reply = core.dispatch(builder.asUint8Array(), zeroCopy);
  if (reply == null || reply.length === 0) return null;
  const base = msg.Base.getRootAsBase(new flatbuffers.ByteBuffer(reply));
  const kind = base.errorKind();
  if (kind !== msg.ErrorKind.NoError) {
    throw new DenoError(kind, base.error() ?? "");
  }
  return base;
}
