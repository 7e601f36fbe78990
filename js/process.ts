//! Child processes: Deno.run -> a Process (a child rid, and a File for each piped
//! stream), Deno.kill, Deno.Signal. Everything here needs --allow-run.
import * as op from "../gen/ops.ts";
import { type RunRes, StdioMode } from "../gen/msg.ts";
import { close, File } from "./files.ts";
import { readAll } from "./io.ts";

/** Linux's signal numbers, by name. */
export const Signal = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

type SignalName = keyof typeof Signal;

function signalNumber(signo: number | SignalName): number {
  if (typeof signo === "number" && Number.isInteger(signo)) return signo;
  const n = Signal[signo as SignalName];
  if (n === undefined) throw new TypeError(`Unknown signal ${String(signo)}`);
  return n;
}

/** Sends `signo` (a number or a name such as "SIGTERM") to process `pid`. */
export function kill(pid: number, signo: number | SignalName = "SIGTERM"): void {
  if (!Number.isInteger(pid)) throw new TypeError(`Invalid pid ${String(pid)}`);
  op.killSync(pid, signalNumber(signo));
}

const MODES: Record<Deno.ProcessStdio, StdioMode> = {
  inherit: StdioMode.Inherit,
  piped: StdioMode.Piped,
  null: StdioMode.Null,
};

/** A stream option: its mode, and the rid it names (a number means that rid). */
function stdio(option: Deno.ProcessStdio | number | undefined, name: string): [StdioMode, number] {
  if (option === undefined) return [StdioMode.Inherit, 0];
  if (typeof option === "number") {
    if (!Number.isInteger(option) || option < 0) throw new TypeError(`Invalid ${name} rid ${option}`);
    return [StdioMode.Rid, option];
  }
  const mode = MODES[option];
  if (mode === undefined) throw new TypeError(`Invalid ${name} "${String(option)}": expected "inherit", "piped", "null" or a rid`);
  return [mode, 0];
}

export class Process {
  readonly rid: number;
  readonly pid: number;
  readonly stdin: File | null;
  readonly stdout: File | null;
  readonly stderr: File | null;

  constructor(res: RunRes) {
    this.rid = res.rid();
    this.pid = res.pid();
    // Rid 0 means "not piped": a piped stream never gets one of the standard rids.
    this.stdin = res.stdinRid() ? new File(res.stdinRid()) : null;
    this.stdout = res.stdoutRid() ? new File(res.stdoutRid()) : null;
    this.stderr = res.stderrRid() ? new File(res.stderrRid()) : null;
  }

  /** Waits for the child to end. Killed by a signal: code is 128 + the signal. */
  async status(): Promise<Deno.ProcessStatus> {
    const res = await op.runStatusAsync(this.rid);
    const signal = res.gotSignal() ? res.exitSignal() : null;
    const code = signal === null ? res.exitCode() : 128 + signal;
    return { success: code === 0, code, signal };
  }

  /** All of the piped stdout, then closes it. */
  output(): Promise<Uint8Array> {
    return drain(this.stdout, "stdout");
  }

  /** All of the piped stderr, then closes it. */
  stderrOutput(): Promise<Uint8Array> {
    return drain(this.stderr, "stderr");
  }

  kill(signo: number | SignalName = "SIGTERM"): void {
    kill(this.pid, signo);
  }

  /** Drops the child's rid (not its streams'); an unwaited child is reaped later. */
  close(): void {
    close(this.rid);
  }
}

async function drain(stream: File | null, name: string): Promise<Uint8Array> {
  if (stream === null) throw new TypeError(`Process.${name === "stdout" ? "output" : "stderrOutput"}: ${name} was not "piped"`);
  try {
    return await readAll(stream);
  } finally {
    stream.close();
  }
}

export function run(options: Deno.RunOptions): Process {
  const args = options.cmd ?? options.args;
  if (!Array.isArray(args) || args.length === 0) throw new TypeError("Deno.run: cmd (or args) must be a non-empty array");
  const env = Object.entries(options.env ?? {});
  const [stdinMode, stdinRid] = stdio(options.stdin, "stdin");
  const [stdoutMode, stdoutRid] = stdio(options.stdout, "stdout");
  const [stderrMode, stderrRid] = stdio(options.stderr, "stderr");
  const res = op.runSync(
    args.map(String),
    options.cwd ?? "",
    env.map(([k]) => k),
    env.map(([, v]) => String(v)),
    stdinMode,
    stdoutMode,
    stderrMode,
    stdinRid,
    stdoutRid,
    stderrRid,
  );
  return new Process(res);
}
