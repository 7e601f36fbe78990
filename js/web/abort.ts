//! AbortController and AbortSignal (WHATWG DOM §3.1): a signal aborts once, with a
//! reason (an "AbortError" DOMException unless given), runs what depends on it, then
//! fires `abort`. `AbortSignal.timeout` aborts with a "TimeoutError" on the timer
//! machinery; `AbortSignal.any` follows several signals.
import { refTimer, setTimeout, unrefTimer } from "../timers.ts";
import { DOMException } from "./dom_exception.ts";
import { defineHandler, Event, EventTarget, kListenersChanged, listenerCount, trusted } from "./events.ts";
import { fieldsOf } from "./inspect.ts";

const illegal = Symbol("illegal constructor");
/** Run when a signal aborts, before its `abort` event: the followers of `any`, and the runtime's own. */
const kAlgorithms = Symbol("algorithms");

/** Aborts `signal` with `reason`, unless it has aborted already (set in the class). */
export let abortSignal: (signal: AbortSignal, reason?: unknown) => void;

export class AbortSignal extends EventTarget {
  declare onabort: ((this: AbortSignal, event: Event) => unknown) | null;
  #aborted = false;
  #reason: unknown = undefined;
  [kAlgorithms] = new Set<() => void>();
  /** A timeout signal's timer (null once it fired). */
  #timer: number | null = null;
  /** The timeout signals this one aborts with (itself, or an `any` signal's sources'). */
  #timeouts: AbortSignal[] = [];
  /** Listened-for signals that wait for this timeout signal's timer. */
  #waiting = 0;
  #listened = false;

  constructor(key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
    super();
  }

  /** A signal already aborted, with `reason` (default: an "AbortError" DOMException). */
  static abort(reason?: unknown): AbortSignal {
    const signal = new AbortSignal(illegal);
    signal.#aborted = true;
    signal.#reason = reason ?? new DOMException("The signal has been aborted", "AbortError");
    return signal;
  }

  /** A signal that aborts with a "TimeoutError" DOMException after `ms` milliseconds. */
  static timeout(ms: number): AbortSignal {
    const n = Number(ms);
    if (!Number.isFinite(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`AbortSignal.timeout: ${ms} is not a valid number of milliseconds`);
    }
    const signal = new AbortSignal(illegal);
    signal.#timer = setTimeout(() => {
      signal.#timer = null;
      abortSignal(signal, new DOMException("Signal timed out.", "TimeoutError"));
    }, n);
    signal.#timeouts = [signal];
    // As in Deno, the timer keeps the program alive only while the abort is listened
    // for (here or on an `any` signal that follows this one).
    unrefTimer(signal.#timer);
    return signal;
  }

  /** A signal that aborts as soon as any of `signals` does, with its reason. */
  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const list = [...signals];
    for (const s of list) {
      if (!(s instanceof AbortSignal)) throw new TypeError("AbortSignal.any: every item must be an AbortSignal");
    }
    const signal = new AbortSignal(illegal);
    const already = list.find((s) => s.aborted);
    if (already !== undefined) {
      signal.#aborted = true;
      signal.#reason = already.reason;
      return signal;
    }
    for (const s of list) {
      s[kAlgorithms].add(() => abortSignal(signal, s.reason));
      signal.#timeouts.push(...s.#timeouts);
    }
    return signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Refs the timers this signal waits for while it has `abort` listeners, and only then. */
  [kListenersChanged](type: string): void {
    if (type !== "abort") return;
    const listened = listenerCount(this, "abort") > 0;
    if (listened === this.#listened) return;
    this.#listened = listened;
    for (const t of this.#timeouts) {
      t.#waiting += listened ? 1 : -1;
      if (t.#timer !== null) (t.#waiting > 0 ? refTimer : unrefTimer)(t.#timer);
    }
  }

  /** Throws the reason if the signal has aborted. */
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  static {
    abortSignal = (signal, reason) => {
      if (signal.#aborted) return;
      signal.#aborted = true;
      signal.#reason = reason === undefined ? new DOMException("The signal has been aborted", "AbortError") : reason;
      const algorithms = [...signal[kAlgorithms]];
      signal[kAlgorithms].clear();
      for (const run of algorithms) run();
      signal.dispatchEvent(trusted(new Event("abort")));
    };
  }

  [fieldsOf](): Record<string, unknown> {
    return { aborted: this.#aborted, reason: this.#reason, onabort: this.onabort };
  }
}
defineHandler(AbortSignal.prototype, "abort");

/**
 * Runs `fn` when `signal` aborts (before its `abort` event); the returned function
 * stops that. For the runtime's cancellable operations.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  signal[kAlgorithms].add(fn);
  return () => signal[kAlgorithms].delete(fn);
}

export class AbortController {
  readonly #signal = new AbortSignal(illegal);

  get signal(): AbortSignal {
    return this.#signal;
  }

  /** Aborts the signal with `reason` (default: an "AbortError" DOMException). */
  abort(reason?: unknown): void {
    abortSignal(this.#signal, reason);
  }

  [fieldsOf](): Record<string, unknown> {
    return { signal: this.#signal };
  }
}
