//! Web Workers: `new Worker(url, { type: "module" })` in a parent, and a worker's own
//! globals (`self.postMessage`, `self.onmessage`, `self.close()`, `self.name`). Values
//! cross as structured clones (`Deno.core.serialize`), through the worker ops.
import * as msg from "../gen/msg.ts";
import * as op from "../gen/ops.ts";
import { deserialize, sendWithCallbacks, serialize } from "./dispatch.ts";

/** A message from a worker (or, inside one, from its parent). */
export class MessageEvent {
  readonly type = "message";
  constructor(readonly data: unknown) {}
}

/** An uncaught error of a worker, as its parent sees it. */
export class ErrorEvent {
  readonly type = "error";
  defaultPrevented = false;
  constructor(
    readonly message: string,
    readonly filename: string,
    readonly lineno: number,
    readonly colno: number,
  ) {}
  /** Handles the error: the parent goes on. */
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/**
 * A worker's error that its parent left unhandled: it ends the parent, printed as
 * `Uncaught (in worker "name") <the worker's report>` (see formatUncaught in main.ts).
 */
export class WorkerUncaught {
  constructor(readonly text: string) {}
}

type Listener<E> = (event: E) => void;

/** `on<type>` handlers and listeners, called in that order. */
class Listeners {
  #byType = new Map<string, Listener<never>[]>();

  add(type: string, listener: Listener<never>): void {
    const list = this.#byType.get(type) ?? [];
    if (!list.includes(listener)) list.push(listener);
    this.#byType.set(type, list);
  }

  remove(type: string, listener: Listener<never>): void {
    const list = this.#byType.get(type);
    const at = list?.indexOf(listener) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  }

  dispatch<E extends { type: string }>(target: object, handler: Listener<E> | null, event: E): void {
    if (typeof handler === "function") handler.call(target, event);
    for (const listener of [...(this.#byType.get(event.type) ?? [])]) (listener as Listener<E>).call(target, event);
  }
}

export type PermissionValue = "inherit" | boolean | string[];
export type WorkerPermissions = "inherit" | "none" | Partial<Record<"read" | "write" | "net" | "env" | "run" | "hrtime", PermissionValue>>;

export interface WorkerOptions {
  type?: "classic" | "module";
  name?: string;
  deno?: { permissions?: WorkerPermissions };
}

/** The worker's permissions as CreateWorker takes them: [narrow, --allow-* flags]. */
function permissionFlags(permissions: WorkerPermissions | undefined): [boolean, string[]] {
  if (permissions === undefined || permissions === "inherit") return [false, []];
  if (permissions === "none") return [true, []];
  if (typeof permissions !== "object" || permissions === null) {
    throw new TypeError(`Worker: permissions must be "inherit", "none" or an object, got ${String(permissions)}`);
  }
  const flags: string[] = [];
  for (const [name, value] of Object.entries(permissions)) {
    if (value === "inherit") flags.push(`${name}=inherit`);
    else if (value === true) flags.push(name);
    else if (Array.isArray(value)) {
      if (value.length > 0) flags.push(`${name}=${value.map(String).join(",")}`);
    } else if (value !== false && value !== undefined) {
      throw new TypeError(`Worker: permission ${name} must be "inherit", a boolean or a list, got ${String(value)}`);
    }
  }
  return [true, flags];
}

/**
 * The next event of a worker (`rid`), or inside a worker (`rid` null) the next
 * messages from its parent, handed to `handle` as the event loop delivers it (read in
 * place: valid during the call).
 */
function nextEvent(rid: number | null, res: msg.WorkerEventRes, handle: (event: msg.WorkerEventRes) => void, gone: () => void): void {
  const request = rid === null ? op.encodeWorkerGetMessage() : op.encodeHostGetMessage(rid);
  sendWithCallbacks(request, { res, inPlace: true, resolve: handle, reject: gone });
}

/**
 * Dispatches each message of `event` (a batch) with `dispatch`, in order, while
 * `stop()` is false.
 */
function eachMessage(event: msg.WorkerEventRes, dispatch: (e: MessageEvent) => void, stop: () => boolean): void {
  const message = new msg.WorkerMessage();
  for (let i = 0, n = event.messagesLength(); i < n && !stop(); i++) {
    dispatch(new MessageEvent(deserialize(event.messages(i, message)!.dataArray()!)));
  }
}

/** A module running on a thread of its own, with its own isolate and event loop. */
export class Worker {
  onmessage: Listener<MessageEvent> | null = null;
  onerror: Listener<ErrorEvent> | null = null;
  readonly #rid: number;
  readonly #name: string;
  readonly #event = new msg.WorkerEventRes();
  readonly #listeners = new Listeners();
  #ended = false;

  constructor(specifier: string | { href: string }, options: WorkerOptions = {}) {
    if (options?.type !== "module") {
      throw new TypeError('Classic workers are not supported: use new Worker(specifier, { type: "module" })');
    }
    const href = typeof specifier === "string" ? specifier : String(specifier?.href);
    const [narrow, flags] = permissionFlags(options.deno?.permissions);
    this.#name = String(options.name ?? "");
    this.#rid = op.createWorkerSync(href, this.#name, narrow, flags).rid();
    this.#next();
  }

  /** Sends the worker a structured clone of `message` (ignored once it has ended). */
  postMessage(message: unknown): void {
    const bytes = serialize(message);
    if (!this.#ended) op.hostPostMessageSync(this.#rid, bytes);
  }

  /** Stops the worker now, even inside `while (true) {}`. No event follows. */
  terminate(): void {
    if (this.#ended) return;
    this.#ended = true;
    op.terminateWorkerSync(this.#rid);
  }

  addEventListener(type: "message", listener: Listener<MessageEvent>): void;
  addEventListener(type: "error", listener: Listener<ErrorEvent>): void;
  addEventListener(type: string, listener: Listener<never>): void {
    this.#listeners.add(type, listener);
  }

  removeEventListener(type: "message" | "error", listener: Listener<never>): void {
    this.#listeners.remove(type, listener);
  }

  #next(): void {
    nextEvent(this.#rid, this.#event, (event) => this.#handle(event), () => this.terminate());
  }

  #handle(event: msg.WorkerEventRes): void {
    switch (event.kind()) {
      case msg.WorkerEventKind.Message:
        eachMessage(event, (e) => this.#listeners.dispatch(this, this.onmessage, e), () => this.#ended);
        break;
      case msg.WorkerEventKind.Error: {
        const error = new ErrorEvent(event.message()!, event.fileName()!, event.lineNumber(), event.columnNumber());
        this.#listeners.dispatch(this, this.onerror, error);
        if (!error.defaultPrevented) {
          this.terminate();
          const report = event.report()!.replace(/^Uncaught /, "");
          throw new WorkerUncaught(`(in worker "${this.#name}") ${report}`);
        }
        break;
      }
      default: // Closed: free its rid.
        this.terminate();
    }
    if (!this.#ended) this.#next();
  }
}

/** Inside a worker: its globals, and the loop that hands it its parent's messages. */
export function becomeWorker(name: string): void {
  const global = globalThis as Record<string, unknown>;
  const listeners = new Listeners();
  let closed = false;
  const scope = {
    name,
    onmessage: null,
    postMessage(message: unknown): void {
      op.workerPostMessageSync(serialize(message));
    },
    close(): void {
      closed = true;
      op.workerCloseSync();
    },
    addEventListener(type: "message", listener: Listener<MessageEvent>): void {
      listeners.add(type, listener);
    },
    removeEventListener(type: "message", listener: Listener<MessageEvent>): void {
      listeners.remove(type, listener);
    },
  };
  for (const [key, value] of Object.entries(scope)) {
    Object.defineProperty(global, key, { value, writable: true, configurable: true, enumerable: true });
  }
  const res = new msg.WorkerEventRes();
  const handle = (event: msg.WorkerEventRes) => {
    if (event.kind() !== msg.WorkerEventKind.Message) return;
    const dispatch = (e: MessageEvent) => listeners.dispatch(globalThis, global.onmessage as Listener<MessageEvent> | null, e);
    eachMessage(event, dispatch, () => closed);
    if (!closed) nextEvent(null, res, handle, () => {});
  };
  nextEvent(null, res, handle, () => {});
}
