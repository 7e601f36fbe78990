//! The benchmark ops: Noop (sync or async) and Echo, for measuring the door itself.
import * as msg from "../gen/msg.ts";
import { sendAsync, sendSync, startOp } from "./dispatch.ts";

export function noop(): void {
  const b = startOp();
  msg.Noop.startNoop(b);
  sendSync(msg.Any.Noop, msg.Noop.endNoop(b));
}

export async function noopAsync(): Promise<void> {
  const b = startOp();
  msg.Noop.startNoop(b);
  await sendAsync(msg.Any.Noop, msg.Noop.endNoop(b));
}

const echoRes = new msg.EchoRes();

/** Sends `data` through the zero-copy buffer; returns the copy the reply carries. */
export function echo(data: ArrayBufferView): Uint8Array {
  const b = startOp();
  msg.Echo.startEcho(b);
  const base = sendSync(msg.Any.Echo, msg.Echo.endEcho(b), data)!;
  // A copy: the reply's bytes live in the shared buffer, reused by the next op.
  return (base.inner(echoRes) as msg.EchoRes).dataArray()!.slice();
}

/** As echo, with the reply delivered by the event loop. */
export async function echoAsync(data: ArrayBufferView): Promise<Uint8Array> {
  const b = startOp();
  msg.Echo.startEcho(b);
  const base = await sendAsync(msg.Any.Echo, msg.Echo.endEcho(b), data);
  return (base.inner(new msg.EchoRes()) as msg.EchoRes).dataArray()!;
}
