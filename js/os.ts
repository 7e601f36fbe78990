//! Process APIs: the `Start` facts (Deno.args, Deno.pid, ...), Deno.myPid(),
//! Deno.exit(), Deno.metrics().
import * as op from "../gen/ops.ts";

export interface StartInfo {
  args: string[];
  cwd: string;
  pid: number;
  execPath: string;
  mainModule: string;
  noColor: boolean;
  version: { deno: string; v8: string; typescript: string };
}

export function start(): StartInfo {
  const res = op.startSync();
  const args: string[] = [];
  for (let i = 0; i < res.argvLength(); i++) args.push(res.argv(i));
  return {
    args,
    cwd: res.cwd()!,
    pid: res.pid(),
    execPath: res.execPath()!,
    mainModule: res.mainModule() ?? "",
    noColor: res.noColor(),
    version: {
      deno: res.denoVersion()!,
      v8: res.v8Version()!,
      typescript: res.typescriptVersion()!,
    },
  };
}

/** The process id, asked of the Rust side every time (a sync op). */
export function myPid(): number {
  return op.myPidSync().pid();
}

/** Ends the process now with `code` (default 0). */
export function exit(code = 0): never {
  if (!Number.isInteger(code) || code < -2147483648 || code > 2147483647) {
    throw new TypeError(`Deno.exit: code must be a 32-bit integer, got ${String(code)}`);
  }
  op.exitSync(code);
  throw new Error("unreachable: the process should have exited");
}

export interface OpMetrics {
  count: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
}

export interface Metrics {
  opsDispatched: number;
  opsCompleted: number;
  bytesSentControl: number;
  bytesSentData: number;
  bytesReceived: number;
  ops: Record<string, OpMetrics>;
}

/** Traffic through the one door since start (this call included). */
export function metrics(): Metrics {
  const res = op.metricsSync();
  const ops: Record<string, OpMetrics> = {};
  for (let i = 0; i < res.opsLength(); i++) {
    const m = res.ops(i)!;
    ops[m.name()!] = {
      count: Number(m.count()),
      errors: Number(m.errors()),
      bytesIn: Number(m.bytesIn()),
      bytesOut: Number(m.bytesOut()),
    };
  }
  return {
    opsDispatched: Number(res.opsDispatched()),
    opsCompleted: Number(res.opsCompleted()),
    bytesSentControl: Number(res.bytesSentControl()),
    bytesSentData: Number(res.bytesSentData()),
    bytesReceived: Number(res.bytesReceived()),
    ops,
  };
}
