//! The `Deno` namespace: every public API the userland offers, in one object.
import { DenoError, ErrorKind } from "./errors.ts";
import { inspect } from "./console.ts";
import { myNumber } from "./number.ts";
import { exit, metrics, myPid, type StartInfo } from "./os.ts";
import { resolve } from "./resolve.ts";
import { echo, echoAsync, noop, noopAsync } from "./bench_ops.ts";
import type { Core } from "./dispatch.ts";

export function createDeno(core: Core, info: StartInfo) {
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
    ErrorKind,
  };
}
