//! Deno.resolve(hostname): the tutorial's async op, run on Rust's blocking pool.
import * as msg from "../gen/msg.ts";
import { sendAsync, startOp } from "./dispatch.ts";

/** The first IPv4 address of `hostname`, without a port. */
export async function resolve(hostname: string): Promise<string> {
  if (typeof hostname !== "string") {
    throw new TypeError(`Deno.resolve: hostname must be a string, got ${typeof hostname}`);
  }
  const b = startOp();
  const name = b.createString(hostname);
  const base = await sendAsync(msg.Any.Resolve, msg.Resolve.createResolve(b, name));
  return (base.inner(new msg.ResolveRes()) as msg.ResolveRes).address()!;
}
