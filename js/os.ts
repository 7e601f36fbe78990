//! Process APIs: the `Start` facts (Deno.args, Deno.pid, Deno.build, ...),
//! Deno.myPid(), Deno.ppid, Deno.exit(), Deno.metrics(), the working directory, the
//! environment (Deno.env) and host facts.
import * as op from "../gen/ops.ts";
import { useMinimalIo } from "./files.ts";
import type { HostFunctionInfo } from "./host.ts";

export interface StartInfo {
  args: string[];
  pid: number;
  mainModule: string;
  noColor: boolean;
  version: { deno: string; v8: string; typescript: string };
  build: { os: string; arch: string; target: string };
  /** In a worker: its name; null in the main isolate. */
  workerName: string | null;
  /** navigator.hardwareConcurrency. */
  cpus: number;
  /** navigator.language. */
  language: string;
  /** performance.timeOrigin. */
  timeOrigin: number;
  /** --location, or null. */
  location: string | null;
  /** Deno.host: the embedder's host functions. */
  hostFunctions: HostFunctionInfo[];
}

export function start(): StartInfo {
  const res = op.startSync();
  useMinimalIo(res.minimalIo());
  const args: string[] = [];
  for (let i = 0; i < res.argvLength(); i++) args.push(res.argv(i));
  return {
    args,
    pid: res.pid(),
    mainModule: res.mainModule() ?? "",
    noColor: res.noColor(),
    version: {
      deno: res.denoVersion()!,
      v8: res.v8Version()!,
      typescript: res.typescriptVersion()!,
    },
    build: { os: res.os()!, arch: res.arch()!, target: res.target()! },
    workerName: res.workerName(),
    cpus: res.cpus(),
    language: res.language()!,
    timeOrigin: res.timeOrigin(),
    location: res.location(),
    hostFunctions: Array.from({ length: res.hostFunctionsLength() }, (_, i) => {
      const f = res.hostFunctions(i)!;
      return { name: f.name()!, isAsync: f.isAsync() };
    }),
  };
}

/** The process id, asked of the Rust side every time (a sync op). */
export function myPid(): number {
  return op.myPidSync().pid();
}

/** The parent's process id, asked of the Rust side every time (a sync op). */
export function ppid(): number {
  return op.ppidSync().ppid();
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

/** The current working directory (needs read access to it). */
export function cwd(): string {
  return op.cwdSync().path()!;
}

export function chdir(directory: string): void {
  op.chdirSync(String(directory));
}

/** The path of the minideno binary (needs read access to it). */
export function execPath(): string {
  return op.execPathSync().path()!;
}

/** $HOME (needs env access to HOME). */
export function homeDir(): string | null {
  return op.homeDirSync().path() || null;
}

/** The host's name (needs env access to the whole environment). */
export function hostname(): string {
  return op.hostnameSync().hostname()!;
}

function envGet(key: string): string | undefined {
  return op.envGetSync(String(key)).value() ?? undefined;
}

function envSet(key: string, value: string): void {
  op.envSetSync(String(key), String(value));
}

function envToObject(): Record<string, string> {
  const res = op.envToObjectSync();
  const out: Record<string, string> = {};
  for (let i = 0; i < res.keysLength(); i++) out[res.keys(i)] = res.values(i);
  return out;
}

/** Early Deno's `Deno.env()`: the environment as an object; assigning a key sets it. */
function envObject(): Record<string, string> {
  return new Proxy(envToObject(), {
    set(target, key, value) {
      envSet(String(key), String(value));
      target[String(key)] = String(value);
      return true;
    },
  });
}

/** The process environment; each call checks env access in Rust. */
export const env = Object.assign(envObject, {
  get: envGet,
  set: envSet,
  has: (key: string) => envGet(key) !== undefined,
  delete: (key: string) => op.envDeleteSync(String(key)),
  toObject: envToObject,
});
