//! Web Workers: `new Worker(url, { type: "module" })` in a parent (an EventTarget of
//! `message` and `error` events), and a worker's own globals (`self.postMessage`,
//! `self.onmessage`, `self.close()`, `self.name`; the global object is the target of
//! its parent's messages). Values cross as structured clones (`Deno.core.serialize`),
//! through the worker ops.
import * as msg from "../gen/msg.ts";
import * as op from "../gen/ops.ts";
import { deserialize, sendWithCallbacks, serialize } from "./dispatch.ts";
import { defineHandler, ErrorEvent, EventTarget, makeEventTarget, MessageEvent, trusted } from "./web/events.ts";

/**
 * A worker's error that its parent left unhandled: it ends the parent, printed as
 * `Uncaught (in worker "name") <the worker's report>` (see formatUncaught in main.ts).
 */
export class WorkerUncaught {
  constructor(readonly text: string) {}
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
    const data = deserialize(event.messages(i, message)!.dataArray()!);
    dispatch(trusted(new MessageEvent("message", { data })));
  }
}

/** A module running on a thread of its own, with its own isolate and event loop. */
export class Worker extends EventTarget {
  declare onmessage: ((this: Worker, e: MessageEvent) => unknown) | null;
  declare onerror: ((this: Worker, e: ErrorEvent) => unknown) | null;
  readonly #rid: number;
  readonly #name: string;
  readonly #event = new msg.WorkerEventRes();
  #ended = false;

  constructor(specifier: string | { href: string }, options: WorkerOptions = {}) {
    super();
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

  #next(): void {
    nextEvent(this.#rid, this.#event, (event) => this.#handle(event), () => this.terminate());
  }

  #handle(event: msg.WorkerEventRes): void {
    switch (event.kind()) {
      case msg.WorkerEventKind.Message:
        eachMessage(event, (e) => this.dispatchEvent(e), () => this.#ended);
        break;
      case msg.WorkerEventKind.Error: {
        const error = trusted(new ErrorEvent("error", {
          message: event.message()!,
          filename: event.fileName()!,
          lineno: event.lineNumber(),
          colno: event.columnNumber(),
          cancelable: true,
        }));
        if (this.dispatchEvent(error)) {
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
defineHandler(Worker.prototype, "message");
defineHandler(Worker.prototype, "error");

/** Inside a worker: its globals, and the loop that hands it its parent's messages. */
export function becomeWorker(name: string): void {
  const global = globalThis as unknown as EventTarget;
  let closed = false;
  const scope = {
    name,
    postMessage(message: unknown): void {
      op.workerPostMessageSync(serialize(message));
    },
    close(): void {
      closed = true;
      op.workerCloseSync();
    },
  };
  for (const [key, value] of Object.entries(scope)) {
    Object.defineProperty(global, key, { value, writable: true, configurable: true, enumerable: true });
  }
  makeEventTarget(global);
  defineHandler(global, "message");
  const res = new msg.WorkerEventRes();
  const handle = (event: msg.WorkerEventRes) => {
    if (event.kind() !== msg.WorkerEventKind.Message) return;
    eachMessage(event, (e) => global.dispatchEvent(e), () => closed);
    if (!closed) nextEvent(null, res, handle, () => {});
  };
  nextEvent(null, res, handle, () => {});
}
