// The web platform's types in minideno (what the global object offers beside `Deno`),
// as the WHATWG and W3C specifications define them.

/** What a listener is: a function, or an object whose `handleEvent` is called. */
type EventListenerOrEventListenerObject = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

interface AddEventListenerOptions {
  capture?: boolean;
  /** Removed after its first call. */
  once?: boolean;
  /** Its `preventDefault()` is ignored. */
  passive?: boolean;
  /** Removed when the signal aborts. */
  signal?: AbortSignal;
}

/** An event (DOM §2.2). Its state during a dispatch is read through the getters. */
declare class Event {
  constructor(type: string, eventInitDict?: EventInit);
  static readonly NONE: 0;
  static readonly CAPTURING_PHASE: 1;
  static readonly AT_TARGET: 2;
  static readonly BUBBLING_PHASE: 3;
  readonly NONE: 0;
  readonly CAPTURING_PHASE: 1;
  readonly AT_TARGET: 2;
  readonly BUBBLING_PHASE: 3;
  readonly type: string;
  readonly bubbles: boolean;
  readonly cancelable: boolean;
  readonly composed: boolean;
  /** Milliseconds since `performance.timeOrigin` when it was made. */
  readonly timeStamp: number;
  /** True for the events the runtime fires itself. */
  readonly isTrusted: boolean;
  readonly target: EventTarget | null;
  readonly srcElement: EventTarget | null;
  readonly currentTarget: EventTarget | null;
  readonly eventPhase: number;
  readonly defaultPrevented: boolean;
  returnValue: boolean;
  cancelBubble: boolean;
  /** The targets the event goes through, while it is being dispatched (else empty). */
  composedPath(): EventTarget[];
  stopPropagation(): void;
  stopImmediatePropagation(): void;
  /** Cancels it, if it is cancelable and the listener is not passive. */
  preventDefault(): void;
  initEvent(type: string, bubbles?: boolean, cancelable?: boolean): void;
}

/**
 * A target of events (DOM §2.7). A listener that throws does not stop the dispatch:
 * its error is reported (`reportError`).
 */
declare class EventTarget {
  constructor();
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | { capture?: boolean }): void;
  /** Dispatches `event` (an InvalidStateError DOMException if it is being dispatched); false if a listener canceled it. */
  dispatchEvent(event: Event): boolean;
}

interface CustomEventInit<T = unknown> extends EventInit {
  detail?: T;
}

declare class CustomEvent<T = unknown> extends Event {
  constructor(type: string, eventInitDict?: CustomEventInit<T>);
  readonly detail: T;
}

interface ErrorEventInit extends EventInit {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: unknown;
}

/** An error as an event: a worker's uncaught error in its parent, a reported error on the global object. */
declare class ErrorEvent extends Event {
  constructor(type: string, eventInitDict?: ErrorEventInit);
  readonly message: string;
  /** Where it was thrown: the module's URL, line and column (0 when unknown). */
  readonly filename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly error: unknown;
}

interface MessageEventInit<T = unknown> extends EventInit {
  data?: T;
  origin?: string;
  lastEventId?: string;
  source?: unknown;
  ports?: unknown[];
}

/** A message from a worker, or inside a worker from its parent: `data` is a structured clone. */
declare class MessageEvent<T = any> extends Event {
  constructor(type: string, eventInitDict?: MessageEventInit<T>);
  readonly data: T;
  readonly origin: string;
  readonly lastEventId: string;
  readonly source: unknown;
  readonly ports: ReadonlyArray<unknown>;
}

interface CloseEventInit extends EventInit {
  wasClean?: boolean;
  code?: number;
  reason?: string;
}

declare class CloseEvent extends Event {
  constructor(type: string, eventInitDict?: CloseEventInit);
  readonly wasClean: boolean;
  readonly code: number;
  readonly reason: string;
}

interface ProgressEventInit extends EventInit {
  lengthComputable?: boolean;
  loaded?: number;
  total?: number;
}

declare class ProgressEvent extends Event {
  constructor(type: string, eventInitDict?: ProgressEventInit);
  readonly lengthComputable: boolean;
  readonly loaded: number;
  readonly total: number;
}

interface PromiseRejectionEventInit extends EventInit {
  promise: Promise<unknown>;
  reason?: unknown;
}

/** Fired on the global object for a promise rejected with no handler: canceling it keeps the program going. */
declare class PromiseRejectionEvent extends Event {
  constructor(type: string, eventInitDict: PromiseRejectionEventInit);
  readonly promise: Promise<unknown>;
  readonly reason: unknown;
}

/** An Error named from WebIDL's table (`AbortError`, `InvalidCharacterError`, ...), with its legacy `code`. */
declare class DOMException extends Error {
  constructor(message?: string, name?: string);
  readonly name: string;
  /** The legacy code of its name (0 for names without one). */
  readonly code: number;
  static readonly INDEX_SIZE_ERR: 1;
  static readonly DOMSTRING_SIZE_ERR: 2;
  static readonly HIERARCHY_REQUEST_ERR: 3;
  static readonly WRONG_DOCUMENT_ERR: 4;
  static readonly INVALID_CHARACTER_ERR: 5;
  static readonly NO_DATA_ALLOWED_ERR: 6;
  static readonly NO_MODIFICATION_ALLOWED_ERR: 7;
  static readonly NOT_FOUND_ERR: 8;
  static readonly NOT_SUPPORTED_ERR: 9;
  static readonly INUSE_ATTRIBUTE_ERR: 10;
  static readonly INVALID_STATE_ERR: 11;
  static readonly SYNTAX_ERR: 12;
  static readonly INVALID_MODIFICATION_ERR: 13;
  static readonly NAMESPACE_ERR: 14;
  static readonly INVALID_ACCESS_ERR: 15;
  static readonly VALIDATION_ERR: 16;
  static readonly TYPE_MISMATCH_ERR: 17;
  static readonly SECURITY_ERR: 18;
  static readonly NETWORK_ERR: 19;
  static readonly ABORT_ERR: 20;
  static readonly URL_MISMATCH_ERR: 21;
  static readonly QUOTA_EXCEEDED_ERR: 22;
  static readonly TIMEOUT_ERR: 23;
  static readonly INVALID_NODE_TYPE_ERR: 24;
  static readonly DATA_CLONE_ERR: 25;
}

/** Says when something should stop (DOM §3.1): aborts once, with a reason, then fires `abort`. */
declare class AbortSignal extends EventTarget {
  /** Not constructible: get one from an AbortController or the static methods. */
  private constructor();
  readonly aborted: boolean;
  /** Why it aborted (an "AbortError" DOMException unless the aborter gave one); undefined before. */
  readonly reason: unknown;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null;
  /** Throws `reason` if it has aborted. */
  throwIfAborted(): void;
  /** A signal aborted already. */
  static abort(reason?: unknown): AbortSignal;
  /** A signal that aborts with a "TimeoutError" DOMException after `milliseconds`. */
  static timeout(milliseconds: number): AbortSignal;
  /** A signal that aborts when the first of `signals` does, with its reason. */
  static any(signals: Iterable<AbortSignal>): AbortSignal;
}

declare class AbortController {
  constructor();
  readonly signal: AbortSignal;
  /** Aborts `signal` (once; later calls do nothing). */
  abort(reason?: unknown): void;
}

/**
 * A parsed URL (WHATWG URL). The parser is the Rust `url` crate's, behind a sync op;
 * an input that is not a URL is a TypeError (`Invalid URL: '...'`). A setter whose
 * value does not apply leaves the URL as it was, as the spec says; only `href` throws.
 */
declare class URL {
  constructor(url: string | URL, base?: string | URL);
  /** Whether `new URL(url, base)` would succeed. */
  static canParse(url: string | URL, base?: string | URL): boolean;
  /** `new URL(url, base)`, or null where that would throw. */
  static parse(url: string | URL, base?: string | URL): URL | null;
  href: string;
  readonly origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  /** The query as a live list: changing one changes the other. */
  readonly searchParams: URLSearchParams;
  toString(): string;
  toJSON(): string;
}

/**
 * The pairs of an application/x-www-form-urlencoded query, from a query string (a
 * leading "?" is skipped), a record, pairs, or another URLSearchParams.
 */
declare class URLSearchParams implements Iterable<[string, string]> {
  constructor(init?: string | Record<string, string> | Iterable<Iterable<string>> | URLSearchParams);
  readonly size: number;
  append(name: string, value: string): void;
  /** Removes every pair named `name` (given `value`, only those with it). */
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  /** The first pair named `name` gets `value`; the others of that name are removed. */
  set(name: string, value: string): void;
  /** Sorts by name (UTF-16 code units), equal names keeping their order. */
  sort(): void;
  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  toString(): string;
}

/** The global object's class: it is an EventTarget (`error`, `unhandledrejection`). */
declare class Window extends EventTarget {
  private constructor();
}

/** The global object (`globalThis`), as in Deno and browsers. */
declare var self: typeof globalThis;
/** The global object, early Deno's and browsers' name for it. */
declare var window: typeof globalThis;

declare function addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
declare function removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | { capture?: boolean }): void;
declare function dispatchEvent(event: Event): boolean;
/** An error reported (a listener's, `reportError`'s): cancel it to keep the program going. */
declare var onerror: ((this: Window, event: ErrorEvent) => unknown) | null;
/** The main module has run (its top-level await included). */
declare var onload: ((this: Window, event: Event) => unknown) | null;
/** The event loop has nothing left: canceling the event after scheduling work keeps the program going. */
declare var onbeforeunload: ((this: Window, event: Event) => unknown) | null;
/** The program ends (after beforeunload). */
declare var onunload: ((this: Window, event: Event) => unknown) | null;
/** A promise rejected with no handler: cancel the event to keep the program going. */
declare var onunhandledrejection: ((this: Window, event: PromiseRejectionEvent) => unknown) | null;

/**
 * Reports `error` as an uncaught exception: an `error` event on the global object; if
 * no listener cancels it, it ends the program after the current task.
 */
declare function reportError(error: unknown): void;
/** Runs `callback` as a microtask (after the current task, before any timer or I/O). */
declare function queueMicrotask(callback: () => void): void;
/**
 * A deep copy by the structured clone algorithm; the ArrayBuffers in `transfer` are
 * detached. What cannot be cloned (functions, symbols) is a "DataCloneError" DOMException.
 */
declare function structuredClone<T = any>(value: T, options?: { transfer?: ArrayBuffer[] }): T;
/** The binary string (one char per byte) that base64 `data` encodes; "InvalidCharacterError" if it is not base64. */
declare function atob(data: string): string;
/** Base64 of a binary string; a char above U+00FF is an "InvalidCharacterError" DOMException. */
declare function btoa(data: string): string;

/** The document location given with `--location` (read-only: there is no document to navigate). */
declare class Location {
  private constructor();
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly ancestorOrigins: string[];
  /** A "NotSupportedError" DOMException, as `replace` and `reload`. */
  assign(url: string): void;
  replace(url: string): void;
  reload(): void;
}
/** `--location URL`; without it, reading `location` is a ReferenceError. */
declare var location: Location;

declare class Navigator {
  private constructor();
  /** The CPUs this process may run on. */
  readonly hardwareConcurrency: number;
  /** `minideno/<version>`. */
  readonly userAgent: string;
  /** The locale's language tag (from LC_ALL, LC_MESSAGES or LANG; "en-US" without one). */
  readonly language: string;
  readonly languages: string[];
  readonly platform: string;
}
declare var navigator: Navigator;

type BufferSource = ArrayBuffer | ArrayBufferView;

/** Web Crypto's digests (more of SubtleCrypto comes later). */
declare class SubtleCrypto {
  private constructor();
  /**
   * The digest of `data` by "SHA-1", "SHA-256", "SHA-384" or "SHA-512" (any case, or
   * `{ name }`); another name rejects with a "NotSupportedError" DOMException. Inputs
   * over 64 KiB are copied and hashed off the isolate's thread.
   */
  digest(algorithm: string | { name: string }, data: BufferSource): Promise<ArrayBuffer>;
}

declare class Crypto {
  private constructor();
  readonly subtle: SubtleCrypto;
  /**
   * Fills an integer typed array with random values in place, and returns it: a
   * "TypeMismatchError" DOMException for a float array or a DataView, a
   * "QuotaExceededError" over 65,536 bytes. With `--seed N`, the values repeat from run
   * to run (early Deno's generator: HC-128 seeded from N), as does Math.random.
   */
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
  /** A random version 4 UUID, like "36b8f84d-df4e-4d49-b662-bcde71a8764f". */
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}
declare var crypto: Crypto;

declare class PerformanceEntry {
  protected constructor();
  readonly name: string;
  readonly entryType: string;
  readonly startTime: number;
  readonly duration: number;
  toJSON(): Record<string, unknown>;
}

interface PerformanceMarkOptions {
  detail?: unknown;
  startTime?: number;
}

declare class PerformanceMark extends PerformanceEntry {
  constructor(name: string, options?: PerformanceMarkOptions);
  readonly entryType: "mark";
  readonly detail: unknown;
}

declare class PerformanceMeasure extends PerformanceEntry {
  private constructor();
  readonly entryType: "measure";
  readonly detail: unknown;
}

interface PerformanceMeasureOptions {
  detail?: unknown;
  start?: string | number;
  end?: string | number;
  duration?: number;
}

/**
 * The clock and timeline of this isolate. `now()` is monotonic, in milliseconds since
 * `timeOrigin`; without `--allow-hrtime` it moves in steps of 2 ms (early Deno's
 * precision, which keeps timing side channels coarse).
 */
declare class Performance extends EventTarget {
  private constructor();
  readonly timeOrigin: number;
  now(): number;
  mark(name: string, options?: PerformanceMarkOptions): PerformanceMark;
  /** From a start to an end, each a mark's name or a time (default: the origin and now). A mark not made is a "SyntaxError" DOMException. */
  measure(name: string, startOrOptions?: string | PerformanceMeasureOptions, endMark?: string): PerformanceMeasure;
  getEntries(): PerformanceEntry[];
  getEntriesByName(name: string, type?: string): PerformanceEntry[];
  getEntriesByType(type: string): PerformanceEntry[];
  clearMarks(name?: string): void;
  clearMeasures(name?: string): void;
  toJSON(): Record<string, unknown>;
}
declare var performance: Performance;

/** A worker's permissions: each `"inherit"`, `true` (all of it), a list of paths, hosts or names, or `false` (the default: denied). None may exceed the parent's. */
type WorkerPermissionValue = "inherit" | boolean | string[];

interface WorkerOptions {
  /** Must be "module" (classic workers are not supported). */
  type?: "classic" | "module";
  /** `self.name` inside the worker. */
  name?: string;
  /** "inherit" (the default): the parent's permissions; "none"; or one by one. */
  deno?: {
    permissions?: "inherit" | "none" | Partial<Record<"read" | "write" | "net" | "env" | "run" | "hrtime", WorkerPermissionValue>>;
  };
}

/**
 * A module run by an isolate of its own, on an OS thread of its own, with its own event
 * loop, rids and `Deno.metrics()` (to see a worker's, have it post its own). It talks to
 * its parent only through messages, in order both ways. It runs until it calls
 * `self.close()`, the parent calls `terminate()`, or an uncaught error ends it; while
 * it runs, the parent's event loop stays alive. A relative specifier is resolved
 * against `Deno.mainModule`; `import.meta.resolve("./w.ts")` names one next to the
 * calling module.
 */
declare class Worker extends EventTarget {
  constructor(specifier: string | { href: string }, options?: WorkerOptions);
  onmessage: ((this: Worker, event: MessageEvent) => unknown) | null;
  /** Unless a handler cancels it (`preventDefault()`), the worker's error ends the parent too. */
  onerror: ((this: Worker, event: ErrorEvent) => unknown) | null;
  /** Sends the worker a structured clone of `message` (ignored once it has ended). */
  postMessage(message: unknown): void;
  /** Stops the worker at once, even inside `while (true) {}`, and frees its thread and isolate. */
  terminate(): void;
}

interface ImportMeta {
  /** The module's URL. */
  url: string;
  /** Whether it is the main module. */
  main: boolean;
  /** The URL an import of `specifier` from this module would load. */
  resolve(specifier: string): string;
}

// Inside a worker only:
/** Inside a worker: its name (`WorkerOptions.name`). */
declare var name: string;
/** Inside a worker: receives its parent's messages. */
declare var onmessage: ((event: MessageEvent) => unknown) | null;
/** Inside a worker: sends its parent a structured clone of `message`. */
declare function postMessage(message: unknown): void;
/** Inside a worker: ends it once the current task is done. */
declare function close(): void;

declare function setTimeout(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): number;
declare function setInterval(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;

/**
 * Prints to stdout (log, info, debug, dirxml, count, group labels, time*, table, dir) or
 * stderr (warn, error, assert, trace), formatted as Deno does: a first string argument
 * may hold `%s %d %i %f %o %O %c %%`.
 */
declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  dirxml(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  /** Prints "Assertion failed" (with `data`) to stderr unless `condition` holds. */
  assert(condition?: unknown, ...data: unknown[]): void;
  /** Prints `label: n`, n counting the calls with that label (default "default"). */
  count(label?: string): void;
  countReset(label?: string): void;
  /** Prints `label`, then indents what follows by two spaces until `groupEnd`. */
  group(...label: unknown[]): void;
  groupCollapsed(...label: unknown[]): void;
  groupEnd(): void;
  time(label?: string): void;
  /** Prints `label: <ms since time(label)>ms` and `data`. */
  timeLog(label?: string, ...data: unknown[]): void;
  timeEnd(label?: string): void;
  /** Prints `value` as `Deno.inspect(value, options)` shows it. */
  dir(value?: unknown, options?: Deno.InspectOptions): void;
  /** Prints an object's or array's entries as a table (only the `properties` columns, if given). */
  table(data?: unknown, properties?: string[]): void;
  /** Prints "Trace: ", `data` and the caller's stack to stderr. */
  trace(...data: unknown[]): void;
  /** Clears the screen (only when stdout is a terminal). */
  clear(): void;
};

/** Encodes strings as UTF-8 (lone surrogates as U+FFFD). */
declare class TextEncoder {
  readonly encoding: "utf-8";
  encode(input?: string): Uint8Array;
  /** Writes as much of `source` as fits whole into `destination`: UTF-16 units read, bytes written. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

interface TextDecoderOptions {
  /** Malformed input is a TypeError instead of U+FFFD. */
  fatal?: boolean;
  /** Keep a leading byte order mark instead of skipping it. */
  ignoreBOM?: boolean;
}

/**
 * Decodes bytes in any encoding of the WHATWG Encoding standard, named by any of its
 * labels ("utf-8", "latin1", "sjis", "utf-16be", ...; an unknown one is a RangeError).
 * UTF-8 is decoded in JS; the others by encoding_rs on the Rust side.
 */
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  /** The encoding's name, lowercase ("windows-1252" for "latin1"). */
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  /** The text of `input`; with `{ stream: true }`, an incomplete character waits for the next call. */
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}
