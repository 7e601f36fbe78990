//! setTimeout / setInterval and their clear* functions. Every timer lives here, in a
//! binary heap keyed by deadline (O(log n) to add and to take the earliest; a cleared
//! timer is only marked, and skipped when it reaches the top). The Rust side holds one
//! `GlobalTimer` at the earliest deadline and replies when it is due, so the event
//! loop stays alive exactly as long as a timer is pending (but an unref'd one: when
//! only those are left, the GlobalTimer is sent unref'd).
import { encodeGlobalTimer, globalTimerStopSync } from "../gen/ops.ts";
import { sendWithCallbacks } from "./dispatch.ts";

interface Timer {
  id: number;
  due: number;
  /** Order among timers due at the same time: the order they were (re)scheduled in. */
  seq: number;
  callback: (...args: unknown[]) => void;
  args: unknown[];
  /** Period for setInterval, null for setTimeout. */
  repeat: number | null;
  cancelled: boolean;
  /** Whether it keeps the event loop alive (Deno.refTimer / Deno.unrefTimer). */
  ref: boolean;
}

/**
 * Live timers by id (for clear*). A plain object, not a Map: a Map made in the snapshot
 * lives in V8's old space, where each table it rehashes into is kept alive by the one
 * before it until a full GC, and with it every timer (see the promise table in
 * dispatch.ts).
 */
const timers: Record<number, Timer | undefined> = {};
/** Every scheduled timer, cleared ones too until they surface; heap[0] is due first. */
const heap: Timer[] = [];
let cancelledInHeap = 0;
let nextId = 1;
let nextSeq = 0;
/** Live timers that keep the event loop alive. */
let refed = 0;
/** The deadline the Rust timer is set for, or null when none is set. */
let armedFor: number | null = null;
/** Whether the Rust timer is set unref'd. */
let armedUnref = false;
/** Bumped on every re-arm: replies of replaced GlobalTimers are ignored. */
let generation = 0;

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function push(t: Timer): void {
  t.seq = nextSeq++;
  let i = heap.push(t) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i], heap[parent])) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function siftDown(i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l], heap[m])) m = l;
    if (r < heap.length && before(heap[r], heap[m])) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m], heap[i]];
    i = m;
  }
}

function pop(): Timer {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(0);
  }
  return top;
}

/** The earliest live timer, dropping cleared ones from the top. */
function peek(): Timer | undefined {
  while (heap.length > 0 && heap[0].cancelled) {
    pop();
    cancelledInHeap--;
  }
  return heap[0];
}

function delayOf(delay: unknown): number {
  const n = Number(delay);
  return n > 0 ? Math.min(n, 2147483647) : 0;
}

function add(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== "function") {
    throw new TypeError(`${repeat ? "setInterval" : "setTimeout"}: callback must be a function`);
  }
  const ms = delayOf(delay);
  const t: Timer = {
    id: nextId++,
    due: Date.now() + ms,
    seq: 0,
    callback: callback as (...args: unknown[]) => void,
    args,
    repeat: repeat ? Math.max(ms, 1) : null,
    cancelled: false,
    ref: true,
  };
  timers[t.id] = t;
  refed++;
  push(t);
  arm();
  return t.id;
}

/** Points the Rust timer at the earliest deadline (or stops it when none is left). */
function arm(): void {
  const earliest = peek()?.due ?? null;
  const unref = refed === 0;
  if (earliest === armedFor && unref === armedUnref) return;
  const mine = ++generation;
  armedFor = earliest;
  armedUnref = unref;
  if (earliest === null) {
    globalTimerStopSync();
    return;
  }
  // Not through the generated stub: callbacks run as the reply is delivered, not in a
  // promise reaction, so that a callback's exception is an uncaught error.
  sendWithCallbacks(encodeGlobalTimer(Math.max(0, earliest - Date.now()), unref), {
    res: null,
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

/** Runs every timer due now, earliest first, then re-arms. Timers scheduled by these
 * callbacks wait for the next turn, even when already due. */
function fire(): void {
  const now = Date.now();
  const limit = nextSeq;
  for (let t = peek(); t !== undefined && t.due <= now && t.seq < limit; t = peek()) {
    pop();
    if (t.repeat === null) {
      forget(t);
    } else {
      t.due = now + t.repeat;
      push(t);
    }
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

/** Takes `t` out of the live timers (it stays in the heap until it surfaces). */
function forget(t: Timer): void {
  delete timers[t.id];
  if (t.ref) refed--;
}

export function clearTimeout(id?: unknown): void {
  const t = timers[Number(id)];
  if (t === undefined) return;
  forget(t);
  t.cancelled = true;
  // Keep the heap from filling with cleared timers: rebuild it when they are half.
  if (++cancelledInHeap > 64 && cancelledInHeap * 2 > heap.length) {
    const live = heap.filter((x) => !x.cancelled);
    heap.length = 0;
    cancelledInHeap = 0;
    for (const x of live) heap.push(x);
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  }
  arm();
}

export const clearInterval = clearTimeout;

/** Whether the timer `id` keeps the event loop alive (Deno.refTimer / unrefTimer);
 * an unknown id is ignored. */
function setRef(id: unknown, ref: boolean): void {
  const t = timers[Number(id)];
  if (t === undefined || t.ref === ref) return;
  t.ref = ref;
  refed += ref ? 1 : -1;
  arm();
}

export function refTimer(id: number): void {
  setRef(id, true);
}

export function unrefTimer(id: number): void {
  setRef(id, false);
}
