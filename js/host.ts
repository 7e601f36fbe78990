//! `Deno.host`: the embedder's host functions (src/host.rs), one per name the Start
//! reply lists, frozen. A call crosses the door as one HostCall with the arguments as
//! JSON; an async function's call is a promise.
import * as op from "../gen/ops.ts";

/** A host function as the Start reply describes it. */
export interface HostFunctionInfo {
  name: string;
  isAsync: boolean;
}

type HostFunction = (...args: unknown[]) => unknown;

/** `Deno.host` for these functions. */
export function makeHost(functions: HostFunctionInfo[]): Readonly<Record<string, HostFunction>> {
  const host: Record<string, HostFunction> = Object.create(null);
  for (const { name, isAsync } of functions) {
    host[name] = isAsync
      ? async (...args: unknown[]) => JSON.parse((await op.hostCallAsync(name, JSON.stringify(args))).result()!)
      : (...args: unknown[]) => JSON.parse(op.hostCallSync(name, JSON.stringify(args)).result()!);
  }
  return Object.freeze(host);
}
