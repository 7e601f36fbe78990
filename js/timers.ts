//! setTimeout / setInterval and their clear* functions. Every timer lives here; the
//! Rust side holds one `GlobalTimer` at the earliest deadline and replies when it is
//! due, so the event loop stays alive exactly as long as a timer is pending.
import * as msg from "../gen/msg.ts";
import { sendSync, sendWithCallbacks, startOp } from "./dispatch.ts";

interface Timer {
  id: number;
  due: number;
  callback: (...args: unknown[]) => void;
  args: unknown[];
  /** Period for setInterval, null for setTimeout. */
  repeat: number | null;
}

const timers = new Map<number, Timer>();
let nextId = 1;
/** The deadline the Rust timer is set for, or null when none is set. */
let armedFor: number | null = null;
/** Bumped on every re-arm: replies of replaced GlobalTimers are ignored. */
let generation = 0;

function delayOf(delay: unknown): number {
  const n = Number(delay);
  return n > 0 ? Math.min(n, 2147483647) : 0;
}

function add(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== "function") {
    throw new TypeError(`${repeat ? "setInterval" : "setTimeout"}: callback must be a function`);
  }
  const ms = delayOf(delay);
  const id = nextId++;
  timers.set(id, {
    id,
    due: Date.now() + ms,
    callback: callback as (...args: unknown[]) => void,
    args,
    repeat: repeat ? Math.max(ms, 1) : null,
  });
  arm();
  return id;
}

/** Points the Rust timer at the earliest deadline (or stops it when none is left). */
function arm(): void {
  let earliest = Infinity;
  for (const t of timers.values()) earliest = Math.min(earliest, t.due);
  if (earliest === armedFor) return;
  const mine = ++generation;
  if (earliest === Infinity) {
    armedFor = null;
    const b = startOp();
    msg.GlobalTimerStop.startGlobalTimerStop(b);
    sendSync(msg.Any.GlobalTimerStop, msg.GlobalTimerStop.endGlobalTimerStop(b));
    return;
  }
  armedFor = earliest;
  const b = startOp();
  const timer = msg.GlobalTimer.createGlobalTimer(b, Math.max(0, earliest - Date.now()));
  sendWithCallbacks(msg.Any.GlobalTimer, timer, {
    resolve: () => {
      if (mine !== generation) return;
      armedFor = null;
      fire();
    },
    reject: (e) => {
      throw e;
    },
  });
}

/** Runs every due timer, earliest first, then re-arms. */
function fire(): void {
  const now = Date.now();
  const due = [...timers.values()]
    .filter((t) => t.due <= now)
    .sort((a, b) => a.due - b.due || a.id - b.id);
  for (const t of due) {
    if (!timers.has(t.id)) continue; // cleared by an earlier callback
    if (t.repeat === null) timers.delete(t.id);
    else t.due = now + t.repeat;
    t.callback(...t.args);
  }
  arm();
}

export function setTimeout(callback: unknown, delay?: unknown, ...args: unknown[]): number {
  return add(callback, delay, args, false);
}

export function setInterval(callback: unknown, delay?: unknown, ...args: unknown[]): number {
  return add(callback, delay, args, true);
}

export function clearTimeout(id?: unknown): void {
  if (timers.delete(Number(id))) arm();
}

export const clearInterval = clearTimeout;
