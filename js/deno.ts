//! The `Deno` namespace: every public API the userland offers, in one object.
import { DenoError, ErrorKind } from "./errors.ts";
import { inspect } from "./console.ts";
import { myNumber } from "./number.ts";
import { exit, metrics, myPid, type StartInfo } from "./os.ts";
import { resolve } from "./resolve.ts";
import { echo, echoAsync, noop, noopAsync } from "./bench_ops.ts";
import type { Core } from "./dispatch.ts";

/** An enum's members as name -> "value". */
type EnumValues<E> = { [K in keyof E]: `${E[K] & number}` };
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Deno.ErrorKind in lib.deno.d.ts lists the schema's kinds, name for name, value for value. */
export type ErrorKindsDeclared = Assert<Equal<EnumValues<typeof ErrorKind>, EnumValues<typeof Deno.ErrorKind>>>;

/** Typed as js/lib.deno.d.ts declares it, so `make lint` finds any drift both ways. */
export function createDeno(core: Core, info: StartInfo): typeof Deno {
  return {
    core,
    args: info.args,
    pid: info.pid,
    mainModule: info.mainModule,
    version: info.version,
    noColor: info.noColor,
    execPath: () => info.execPath,
    cwd: () => info.cwd,
    myNumber,
    myPid,
    resolve,
    exit,
    metrics,
    noop,
    noopAsync,
    echo,
    echoAsync,
    inspect,
    DenoError,
    // The same enum as declared (checked above); TypeScript sees two distinct enums.
    ErrorKind: ErrorKind as unknown as typeof Deno.ErrorKind,
  };
}
