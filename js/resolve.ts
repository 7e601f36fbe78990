//! Deno.resolve(hostname): the tutorial's async op, run on Rust's blocking pool.
import { resolveAsync } from "../gen/ops.ts";

/** The first IPv4 address of `hostname`, without a port. */
export async function resolve(hostname: string): Promise<string> {
  if (typeof hostname !== "string") {
    throw new TypeError(`Deno.resolve: hostname must be a string, got ${typeof hostname}`);
  }
  return (await resolveAsync(hostname)).address()!;
}
