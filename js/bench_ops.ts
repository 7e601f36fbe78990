//! The benchmark ops: Noop (sync or async) and Echo, for measuring the door itself.
import * as op from "../gen/ops.ts";

export function noop(): void {
  op.noopSync();
}

export function noopAsync(): Promise<void> {
  return op.noopAsync();
}

/** Sends `data` through the zero-copy buffer; returns the copy the reply carries. */
export function echo(data: ArrayBufferView): Uint8Array {
  // A copy: the reply's bytes live in the shared buffer, reused by the next op.
  return op.echoSync(data).dataArray()!.slice();
}

/** As echo, with the reply delivered by the event loop. */
export async function echoAsync(data: ArrayBufferView): Promise<Uint8Array> {
  return (await op.echoAsync(data)).dataArray()!;
}
