//! The web platform's globals: the global object as an EventTarget (`window`, `self`,
//! `error` and `unhandledrejection` events, `reportError`), `navigator`,
//! `queueMicrotask`, `structuredClone`, `crypto`, `performance`, and the web classes
//! (events, abort, URL, DOMException), installed on the global
//! object when the snapshot is made; `startWeb` connects them to the core at start.
import type { Core } from "../dispatch.ts";
import type { StartInfo } from "../os.ts";
import { AbortController, AbortSignal } from "./abort.ts";
import { atob, btoa } from "./base64.ts";
import { Crypto, crypto, SubtleCrypto } from "./crypto.ts";
import "./encoding.ts";
import { DOMException } from "./dom_exception.ts";
import {
  CloseEvent,
  CustomEvent,
  defineHandler,
  ErrorEvent,
  Event,
  type EventInit,
  EventTarget,
  makeEventTarget,
  MessageEvent,
  ProgressEvent,
  reportError,
  setEventClock,
  setUncaught,
  trusted,
} from "./events.ts";
import { fieldsOf } from "./inspect.ts";
import { defineLocation, Location } from "./location.ts";
import { URL, URLSearchParams } from "./url.ts";
import { Performance, performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, startPerformance } from "./performance.ts";

export interface PromiseRejectionEventInit extends EventInit {
  promise: Promise<unknown>;
  reason?: unknown;
}

/** The event of a promise rejected with no handler: canceling it keeps the program going. */
export class PromiseRejectionEvent extends Event {
  readonly #promise: Promise<unknown>;
  readonly #reason: unknown;

  constructor(type: string, init: PromiseRejectionEventInit) {
    super(type, init);
    if (typeof init !== "object" || init === null || !("promise" in init)) {
      throw new TypeError("PromiseRejectionEvent constructor: init.promise is required");
    }
    this.#promise = init.promise;
    this.#reason = init.reason;
  }

  get promise(): Promise<unknown> {
    return this.#promise;
  }

  get reason(): unknown {
    return this.#reason;
  }

  override [fieldsOf](): Record<string, unknown> {
    return { ...super[fieldsOf](), promise: this.#promise, reason: this.#reason };
  }
}

/** The global object's class: `globalThis instanceof Window` and `instanceof EventTarget`. */
class Window extends EventTarget {
  constructor() {
    throw new TypeError("Illegal constructor");
    super();
  }
}
for (const type of ["error", "load", "beforeunload", "unload", "unhandledrejection"]) defineHandler(Window.prototype, type);

class Navigator {
  readonly platform = "Linux x86_64";

  constructor(readonly hardwareConcurrency: number, readonly language: string, readonly userAgent: string) {}

  get languages(): string[] {
    return [this.language];
  }

  [fieldsOf](): Record<string, unknown> {
    const { hardwareConcurrency, userAgent, language, languages, platform } = this;
    return { hardwareConcurrency, userAgent, language, languages, platform };
  }
}

let core: Core;

/** Queues `callback` as a microtask; what it throws is reported, as for any task. */
function queueMicrotask(callback: () => void): void {
  if (typeof callback !== "function") throw new TypeError("queueMicrotask: the callback must be a function");
  Promise.resolve().then(() => {
    try {
      callback();
    } catch (e) {
      reportError(e);
    }
  });
}

/**
 * A deep copy of `value` by the structured clone algorithm; the ArrayBuffers listed in
 * `transfer` are detached after the copy (moved into it, as a transfer does).
 */
function structuredClone<T>(value: T, options?: { transfer?: ArrayBuffer[] }): T {
  if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present");
  const transfer = options?.transfer === undefined ? [] : [...options.transfer];
  const seen = new Set<ArrayBuffer>();
  for (const buffer of transfer) {
    if (!(buffer instanceof ArrayBuffer)) {
      throw new DOMException("Value not transferable", "DataCloneError");
    }
    if (seen.has(buffer)) throw new DOMException("ArrayBuffer listed twice in transfer", "DataCloneError");
    if (buffer.byteLength === 0 && isDetached(buffer)) {
      throw new DOMException("ArrayBuffer at index is already detached", "DataCloneError");
    }
    seen.add(buffer);
  }
  let clone: T;
  try {
    clone = core.deserialize(core.serialize(value)) as T;
  } catch (e) {
    if (e instanceof Error && e.name === "DataCloneError") throw new DOMException(e.message, "DataCloneError");
    throw e;
  }
  for (const buffer of transfer) core.detach(buffer);
  return clone;
}

function isDetached(buffer: ArrayBuffer): boolean {
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

const classes = {
  AbortController,
  AbortSignal,
  CloseEvent,
  Crypto,
  CustomEvent,
  DOMException,
  ErrorEvent,
  Event,
  EventTarget,
  Location,
  MessageEvent,
  ProgressEvent,
  PromiseRejectionEvent,
  SubtleCrypto,
  Performance,
  PerformanceEntry,
  PerformanceMark,
  PerformanceMeasure,
  URL,
  URLSearchParams,
  Window,
  Navigator,
};
const functions = { atob, btoa, queueMicrotask, reportError, structuredClone };

/** Installs the web globals (at snapshot time). */
export function installWeb(): void {
  const global = globalThis as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries({ ...classes, ...functions })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true });
  }
  for (const [name, value] of Object.entries({ performance, crypto })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: true });
  }
  Object.setPrototypeOf(globalThis, Window.prototype);
  makeEventTarget(globalThis);
  for (const name of ["window", "self"]) {
    Object.defineProperty(global, name, { value: globalThis, writable: true, configurable: true, enumerable: true });
  }
}

/** Connects the web globals to the core and the process (at start). */
export function startWeb(c: Core, info: StartInfo): void {
  core = c;
  startPerformance(performance, info.timeOrigin);
  setEventClock(info.timeOrigin);
  setUncaught((error) => core.reportUncaught(error));
  // load, beforeunload (cancelable: canceling it with work pending keeps the program
  // going) and unload on the global object.
  core.setLifecycle((type) => {
    const event = trusted(new Event(type, { cancelable: type === "beforeunload" }));
    return !globalThis.dispatchEvent(event);
  });
  core.setUnhandledRejection((promise, reason) => {
    const event = trusted(new PromiseRejectionEvent("unhandledrejection", { promise, reason, cancelable: true }));
    return !globalThis.dispatchEvent(event);
  });
  const navigator = new Navigator(info.cpus, info.language, `minideno/${info.version.deno}`);
  Object.defineProperty(globalThis, "navigator", { value: navigator, configurable: true, enumerable: true });
  defineLocation(info.location);
}
