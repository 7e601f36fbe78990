//! DOM events (WHATWG DOM §2): `Event`, `EventTarget` (capture, target and bubble
//! phases along a target's parent chain, `once`, `passive`, `signal`, `handleEvent`
//! objects, listeners removed during a dispatch skipped), and the event classes the
//! runtime fires: `CustomEvent`, `ErrorEvent`, `MessageEvent`, `CloseEvent`,
//! `ProgressEvent`. A listener's exception does not stop the dispatch: it is reported
//! (`reportError`), as the spec says.
import { DOMException } from "./dom_exception.ts";
import { fieldsOf } from "./inspect.ts";

/** What a listener receives an event through: a function or an object with `handleEvent`. */
export type EventListenerOrObject = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

export interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  signal?: { aborted: boolean; addEventListener(type: "abort", fn: () => void): void };
}

// Event state the dispatch algorithm reads and writes: symbols private to this module.
const kTrusted: unique symbol = Symbol("trusted");
const kTarget: unique symbol = Symbol("target");
const kCurrent: unique symbol = Symbol("currentTarget");
const kPhase: unique symbol = Symbol("phase");
const kPath: unique symbol = Symbol("path");
const kStop: unique symbol = Symbol("stop");
const kCanceled: unique symbol = Symbol("canceled");
const kInPassive: unique symbol = Symbol("inPassive");
const kDispatching: unique symbol = Symbol("dispatching");

/** The time origin (`performance.timeOrigin`): `timeStamp` is milliseconds since it. */
let origin = 0;

/** Sets the time origin of events' `timeStamp` (at start). */
export function setEventClock(timeOrigin: number): void {
  origin = timeOrigin;
}

export class Event {
  static readonly NONE = 0;
  static readonly CAPTURING_PHASE = 1;
  static readonly AT_TARGET = 2;
  static readonly BUBBLING_PHASE = 3;
  readonly NONE = 0;
  readonly CAPTURING_PHASE = 1;
  readonly AT_TARGET = 2;
  readonly BUBBLING_PHASE = 3;

  #type: string;
  #bubbles: boolean;
  #cancelable: boolean;
  #composed: boolean;
  #timeStamp = Date.now() - origin;
  /** Set by the runtime for the events it fires itself. */
  [kTrusted] = false;
  [kTarget]: EventTarget | null = null;
  [kCurrent]: EventTarget | null = null;
  [kPhase] = 0;
  [kPath]: EventTarget[] = [];
  [kStop] = 0; // 1: stopPropagation, 2: stopImmediatePropagation
  [kCanceled] = false;
  [kInPassive] = false;
  [kDispatching] = false;

  constructor(type: string, init: EventInit = {}) {
    if (arguments.length === 0) throw new TypeError("Event constructor: 1 argument required, but only 0 present");
    this.#type = String(type);
    const opts = dictionary(init, "Event constructor");
    this.#bubbles = !!opts.bubbles;
    this.#cancelable = !!opts.cancelable;
    this.#composed = !!opts.composed;
  }

  get type(): string {
    return this.#type;
  }
  get bubbles(): boolean {
    return this.#bubbles;
  }
  get cancelable(): boolean {
    return this.#cancelable;
  }
  get composed(): boolean {
    return this.#composed;
  }
  get timeStamp(): number {
    return this.#timeStamp;
  }
  get isTrusted(): boolean {
    return this[kTrusted];
  }
  get target(): EventTarget | null {
    return this[kTarget];
  }
  get srcElement(): EventTarget | null {
    return this[kTarget];
  }
  get currentTarget(): EventTarget | null {
    return this[kCurrent];
  }
  get eventPhase(): number {
    return this[kPhase];
  }
  get defaultPrevented(): boolean {
    return this[kCanceled];
  }
  get returnValue(): boolean {
    return !this[kCanceled];
  }
  set returnValue(value: boolean) {
    if (!value) this.preventDefault();
  }
  get cancelBubble(): boolean {
    return this[kStop] !== 0;
  }
  set cancelBubble(value: boolean) {
    if (value) this.stopPropagation();
  }

  /** The targets the event goes through, while it is dispatched; empty otherwise. */
  composedPath(): EventTarget[] {
    return this[kDispatching] ? [...this[kPath]] : [];
  }

  stopPropagation(): void {
    if (this[kStop] === 0) this[kStop] = 1;
  }

  stopImmediatePropagation(): void {
    this[kStop] = 2;
  }

  /** Cancels the event if it is cancelable and the listener is not passive. */
  preventDefault(): void {
    if (this.#cancelable && !this[kInPassive]) this[kCanceled] = true;
  }

  /** The legacy initializer: ignored while the event is being dispatched. */
  initEvent(type: string, bubbles = false, cancelable = false): void {
    if (this[kDispatching]) return;
    this.#type = String(type);
    this.#bubbles = !!bubbles;
    this.#cancelable = !!cancelable;
    this[kStop] = 0;
    this[kCanceled] = false;
    this[kTarget] = null;
  }

  [fieldsOf](): Record<string, unknown> {
    return {
      bubbles: this.bubbles,
      cancelable: this.cancelable,
      composed: this.composed,
      currentTarget: this.currentTarget,
      defaultPrevented: this.defaultPrevented,
      eventPhase: this.eventPhase,
      srcElement: this.srcElement,
      target: this.target,
      returnValue: this.returnValue,
      timeStamp: this.timeStamp,
      type: this.type,
    };
  }
}

interface Listener {
  callback: EventListenerOrObject;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed: boolean;
}

/** Where a target keeps its listeners, by type (also on objects made EventTargets later). */
const kListeners = Symbol("listeners");
/** A target's parent, for the bubble and capture phases (none by default). */
export const kParent = Symbol("parent");
/** Called on a target that has it after a listener of `type` is added or removed. */
export const kListenersChanged = Symbol("listenersChanged");

type Targetable = {
  [kListeners]?: Map<string, Listener[]>;
  [kParent]?: () => EventTarget | null;
  [kListenersChanged]?: (type: string) => void;
};

/** How many listeners of `type` `target` has. */
export function listenerCount(target: EventTarget, type: string): number {
  return (target as Targetable)[kListeners]?.get(type)?.length ?? 0;
}

function listenersOf(target: object): Map<string, Listener[]> {
  const t = target as Targetable;
  let map = t[kListeners];
  if (map === undefined) {
    map = new Map();
    Object.defineProperty(t, kListeners, { value: map });
  }
  return map;
}

function flatten(options: boolean | { capture?: boolean } | undefined): boolean {
  return typeof options === "boolean" ? options : !!(options && options.capture);
}

function dictionary<T extends object>(value: T | null | undefined, context: string): T {
  if (value === undefined || value === null) return {} as T;
  if (typeof value !== "object" && typeof value !== "function") {
    throw new TypeError(`${context}: the options must be an object`);
  }
  return value;
}

export class EventTarget {
  constructor() {
    listenersOf(this);
  }

  addEventListener(
    type: string,
    callback: EventListenerOrObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (arguments.length < 2) throw new TypeError("addEventListener: 2 arguments required");
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && typeof callback !== "object") {
      throw new TypeError("addEventListener: the listener must be a function or an object");
    }
    type = String(type);
    const opts = typeof options === "object" && options !== null ? options : {};
    const capture = flatten(options);
    const signal = opts.signal;
    if (signal !== undefined && signal?.aborted) return;
    const map = listenersOf(this ?? globalThis);
    let list = map.get(type);
    if (list === undefined) map.set(type, (list = []));
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const listener: Listener = { callback, capture, once: !!opts.once, passive: !!opts.passive, removed: false };
    list.push(listener);
    (this as Targetable)?.[kListenersChanged]?.(type);
    if (signal !== undefined) {
      signal.addEventListener("abort", () => this.removeEventListener(type, callback, { capture }));
    }
  }

  removeEventListener(type: string, callback: EventListenerOrObject | null, options?: boolean | { capture?: boolean }): void {
    const list = listenersOf(this ?? globalThis).get(String(type));
    if (list === undefined || callback === null || callback === undefined) return;
    const capture = flatten(options);
    const at = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (at < 0) return;
    // A dispatch in progress holds its own copy of the list: it must see the removal.
    list[at].removed = true;
    list.splice(at, 1);
    (this as Targetable)?.[kListenersChanged]?.(String(type));
  }

  /** Dispatches `event` here; false if a listener canceled it. */
  dispatchEvent(event: Event): boolean {
    if (!(event instanceof Event)) throw new TypeError("dispatchEvent: the argument must be an Event");
    if (event[kDispatching]) throw new DOMException("The event is already being dispatched", "InvalidStateError");
    return dispatch(this ?? globalThis, event);
  }
}

/** The dispatch algorithm (DOM §2.9, without shadow trees): capture, target, bubble. */
export function dispatch(target: EventTarget, event: Event): boolean {
  event[kDispatching] = true;
  event[kTarget] = target;
  const path: EventTarget[] = [target];
  for (let t = (target as Targetable)[kParent]?.() ?? null; t !== null; t = (t as Targetable)[kParent]?.() ?? null) {
    path.push(t);
  }
  event[kPath] = path;
  try {
    for (let i = path.length - 1; i > 0 && event[kStop] === 0; i--) {
      invoke(path[i], event, Event.CAPTURING_PHASE, true);
    }
    if (event[kStop] === 0) {
      invoke(target, event, Event.AT_TARGET, true);
      if (event[kStop] === 0) invoke(target, event, Event.AT_TARGET, false);
    }
    for (let i = 1; i < path.length && event.bubbles && event[kStop] === 0; i++) {
      invoke(path[i], event, Event.BUBBLING_PHASE, false);
    }
  } finally {
    event[kDispatching] = false;
    event[kPhase] = Event.NONE;
    event[kCurrent] = null;
    event[kPath] = [];
    event[kStop] = 0;
  }
  return !event[kCanceled];
}

/** Calls `target`'s listeners of `event` for one phase (capture ones or the others). */
function invoke(target: EventTarget, event: Event, phase: number, capture: boolean): void {
  const list = (target as Targetable)[kListeners]?.get(event.type);
  if (list === undefined || list.length === 0) return;
  event[kPhase] = phase;
  event[kCurrent] = target;
  // Listeners added during the dispatch are not called by it; removed ones are skipped.
  for (const listener of list.length === 1 ? [list[0]] : list.slice()) {
    if (listener.removed || listener.capture !== capture) continue;
    if (listener.once) target.removeEventListener(event.type, listener.callback, { capture });
    event[kInPassive] = listener.passive;
    try {
      const cb = listener.callback;
      if (typeof cb === "function") cb.call(target, event);
      else if (typeof cb.handleEvent === "function") cb.handleEvent(event);
      else throw new TypeError("the listener object has no handleEvent method");
    } catch (e) {
      reportError(e);
    } finally {
      event[kInPassive] = false;
    }
    if (event[kStop] === 2) break;
  }
}

/** Marks an event as fired by the runtime itself (`isTrusted`). */
export function trusted<E extends Event>(event: E): E {
  event[kTrusted] = true;
  return event;
}

/** Makes an existing object (the global object) an EventTarget without a constructor call. */
export function makeEventTarget(target: object): void {
  listenersOf(target);
}

/**
 * Reports an exception as the HTML spec's "report an exception": an `error` event on
 * the global object; if no listener cancels it, it is an uncaught error that ends
 * the program once the current task is done.
 */
export function reportError(error: unknown): void {
  const event = trusted(new ErrorEvent("error", {
    message: error instanceof Error ? `Uncaught ${error.name}: ${error.message}` : `Uncaught ${String(error)}`,
    error,
    cancelable: true,
  }));
  const global = globalThis as unknown as EventTarget;
  if (!(kListeners in global) || dispatch(global, event)) uncaught(error);
}

let uncaught: (error: unknown) => void = (error) => {
  throw error;
};

/** How a reported exception ends the program (the core's `reportUncaught`). */
export function setUncaught(fn: (error: unknown) => void): void {
  uncaught = fn;
}

export interface CustomEventInit<T = unknown> extends EventInit {
  detail?: T;
}

export class CustomEvent<T = unknown> extends Event {
  #detail: T | null;

  constructor(type: string, init: CustomEventInit<T> = {}) {
    super(type, init);
    this.#detail = dictionary(init, "CustomEvent constructor").detail ?? null;
  }

  get detail(): T | null {
    return this.#detail;
  }

  override [fieldsOf](): Record<string, unknown> {
    return { ...super[fieldsOf](), detail: this.detail };
  }
}

export interface ErrorEventInit extends EventInit {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: unknown;
}

export class ErrorEvent extends Event {
  readonly #init: ErrorEventInit;

  constructor(type: string, init: ErrorEventInit = {}) {
    super(type, init);
    this.#init = { ...dictionary(init, "ErrorEvent constructor") };
  }

  get message(): string {
    return String(this.#init.message ?? "");
  }
  get filename(): string {
    return String(this.#init.filename ?? "");
  }
  get lineno(): number {
    return Number(this.#init.lineno ?? 0) >>> 0;
  }
  get colno(): number {
    return Number(this.#init.colno ?? 0) >>> 0;
  }
  get error(): unknown {
    return this.#init.error;
  }

  override [fieldsOf](): Record<string, unknown> {
    const { message, filename, lineno, colno, error } = this;
    return { ...super[fieldsOf](), message, filename, lineno, colno, error };
  }
}

export interface MessageEventInit<T = unknown> extends EventInit {
  data?: T;
  origin?: string;
  lastEventId?: string;
  source?: unknown;
  ports?: unknown[];
}

export class MessageEvent<T = unknown> extends Event {
  readonly #init: MessageEventInit<T>;

  constructor(type: string, init: MessageEventInit<T> = {}) {
    super(type, init);
    this.#init = { ...dictionary(init, "MessageEvent constructor") };
    if (this.#init.ports !== undefined && !Array.isArray(this.#init.ports)) {
      throw new TypeError("MessageEvent constructor: ports must be a sequence");
    }
  }

  get data(): T {
    return this.#init.data as T;
  }
  get origin(): string {
    return String(this.#init.origin ?? "");
  }
  get lastEventId(): string {
    return String(this.#init.lastEventId ?? "");
  }
  get source(): unknown {
    return this.#init.source ?? null;
  }
  get ports(): unknown[] {
    return Object.freeze([...(this.#init.ports ?? [])]) as unknown[];
  }

  override [fieldsOf](): Record<string, unknown> {
    const { data, origin, lastEventId } = this;
    return { ...super[fieldsOf](), data, origin, lastEventId };
  }
}

export interface CloseEventInit extends EventInit {
  wasClean?: boolean;
  code?: number;
  reason?: string;
}

export class CloseEvent extends Event {
  readonly #init: CloseEventInit;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.#init = { ...dictionary(init, "CloseEvent constructor") };
  }

  get wasClean(): boolean {
    return !!this.#init.wasClean;
  }
  get code(): number {
    return Number(this.#init.code ?? 0) & 0xffff;
  }
  get reason(): string {
    return String(this.#init.reason ?? "");
  }

  override [fieldsOf](): Record<string, unknown> {
    const { wasClean, code, reason } = this;
    return { ...super[fieldsOf](), wasClean, code, reason };
  }
}

export interface ProgressEventInit extends EventInit {
  lengthComputable?: boolean;
  loaded?: number;
  total?: number;
}

export class ProgressEvent extends Event {
  readonly #init: ProgressEventInit;

  constructor(type: string, init: ProgressEventInit = {}) {
    super(type, init);
    this.#init = { ...dictionary(init, "ProgressEvent constructor") };
  }

  get lengthComputable(): boolean {
    return !!this.#init.lengthComputable;
  }
  get loaded(): number {
    return Number(this.#init.loaded ?? 0);
  }
  get total(): number {
    return Number(this.#init.total ?? 0);
  }
}

/** The `on<type>` attribute of a target: a listener slot that `dispatch` calls in order. */
export function defineHandler(proto: object, type: string): void {
  const handlers = new WeakMap<object, { fn: unknown; wrapper: (e: Event) => unknown }>();
  Object.defineProperty(proto, `on${type}`, {
    get(this: object) {
      return handlers.get(this)?.fn ?? null;
    },
    set(this: EventTarget, fn: unknown) {
      const target = this ?? globalThis;
      let slot = handlers.get(target);
      if (slot === undefined) {
        if (typeof fn !== "function") return;
        // Registered once, where the first handler is set; later ones take its place.
        const wrapper = function (this: unknown, e: Event) {
          const current = handlers.get(target)?.fn;
          if (typeof current !== "function") return;
          const result = current.call(this, e);
          // `onerror` returning true cancels (HTML's special case), others returning false.
          if (type === "error" ? result === true : result === false) e.preventDefault();
        };
        slot = { fn, wrapper };
        handlers.set(target, slot);
        EventTarget.prototype.addEventListener.call(target, type, wrapper);
        return;
      }
      slot.fn = typeof fn === "function" ? fn : null;
    },
    configurable: true,
    enumerable: true,
  });
}
