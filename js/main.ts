//! Userland entry, run once at build time into the startup snapshot. It leaves one
//! function, `__bootstrap`, which Rust calls at start with the native `core` bindings.
import "./text_encoding.ts"; // first: the FlatBuffers runtime needs it as it loads
import { console, inspect } from "./console.ts";
import { type Core, setCore } from "./dispatch.ts";
import { startDeno } from "./deno.ts";
import { start } from "./os.ts";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "./timers.ts";
import { installWeb, startWeb } from "./web/globals.ts";
import { becomeWorker, Worker, WorkerUncaught } from "./workers.ts";

/**
 * Formats an uncaught exception for `error: Uncaught ...`. A value that cannot even be
 * looked at (a revoked Proxy) prints as `null`, as Deno 2 prints it.
 */
function formatUncaught(e: unknown): string {
  try {
    if (e instanceof WorkerUncaught) return e.text;
    return e instanceof Error ? inspect(e) : inspect(typeof e !== "string" ? e : JSON.stringify(e));
  } catch {
    return "null";
  }
}

function bootstrap(core: Core) {
  delete (globalThis as any).__bootstrap;
  setCore(core);
  const info = start();
  startWeb(core, info);
  Object.defineProperty(globalThis, "Deno", { value: startDeno(core, info), enumerable: false });
  if (info.workerName !== null) becomeWorker(info.workerName);
  return formatUncaught;
}

installWeb();
const globals = { console, setTimeout, setInterval, clearTimeout, clearInterval, Worker };
for (const [name, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}
Object.defineProperty(globalThis, "__bootstrap", { value: bootstrap, configurable: true });
