//! Process facts from the `Start` op: Deno.args, Deno.pid, Deno.version, ...
import * as msg from "../gen/msg.ts";
import { sendSync, startOp } from "./dispatch.ts";

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
  const b = startOp();
  msg.Start.startStart(b);
  const base = sendSync(msg.Any.Start, msg.Start.endStart(b));
  const res = base!.inner(new msg.StartRes()) as msg.StartRes;
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
