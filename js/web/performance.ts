//! `performance` (W3C High Resolution Time and User Timing): `now()` reads the Rust
//! side's monotonic clock through a sync op (2 ms steps without --allow-hrtime),
//! `timeOrigin`, and the marks and measures of the performance timeline.
import * as op from "../../gen/ops.ts";
import { DOMException } from "./dom_exception.ts";
import { EventTarget } from "./events.ts";
import { fieldsOf } from "./inspect.ts";

/** Milliseconds since this isolate started. */
export function now(): number {
  return op.nowSync().ms();
}

const illegal = Symbol("illegal constructor");

export class PerformanceEntry {
  readonly #name: string;
  readonly #entryType: string;
  readonly #startTime: number;
  readonly #duration: number;

  constructor(name: string, entryType: string, startTime: number, duration: number, key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
    this.#name = name;
    this.#entryType = entryType;
    this.#startTime = startTime;
    this.#duration = duration;
  }

  get name(): string {
    return this.#name;
  }
  get entryType(): string {
    return this.#entryType;
  }
  get startTime(): number {
    return this.#startTime;
  }
  get duration(): number {
    return this.#duration;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, entryType: this.entryType, startTime: this.startTime, duration: this.duration };
  }

  [fieldsOf](): Record<string, unknown> {
    return this.toJSON();
  }
}

export interface PerformanceMarkOptions {
  detail?: unknown;
  startTime?: number;
}

export class PerformanceMark extends PerformanceEntry {
  readonly #detail: unknown;

  constructor(name: string, options: PerformanceMarkOptions = {}) {
    if (arguments.length === 0) throw new TypeError("PerformanceMark: 1 argument required, but only 0 present");
    const startTime = options?.startTime ?? now();
    if (typeof startTime !== "number" || !(startTime >= 0)) {
      throw new TypeError(`PerformanceMark: startTime must be a number of milliseconds >= 0, got ${startTime}`);
    }
    super(String(name), "mark", startTime, 0, illegal);
    this.#detail = options?.detail === undefined ? null : structuredClone(options.detail);
  }

  get detail(): unknown {
    return this.#detail;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this.#detail };
  }
}

export class PerformanceMeasure extends PerformanceEntry {
  readonly #detail: unknown;

  constructor(name: string, startTime: number, duration: number, detail: unknown, key?: symbol) {
    super(name, "measure", startTime, duration, key);
    this.#detail = detail;
  }

  get detail(): unknown {
    return this.#detail;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this.#detail };
  }
}

export interface PerformanceMeasureOptions {
  detail?: unknown;
  start?: string | number;
  end?: string | number;
  duration?: number;
}

/** Sets the time origin of `performance` (at start; set in the class). */
export let startPerformance: (performance: Performance, timeOrigin: number) => void;

export class Performance extends EventTarget {
  #entries: PerformanceEntry[] = [];
  #timeOrigin = 0;

  constructor(key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
    super();
  }

  /** When this isolate started, in milliseconds since the epoch. */
  get timeOrigin(): number {
    return this.#timeOrigin;
  }

  /** Milliseconds since `timeOrigin`, monotonic. */
  now(): number {
    return now();
  }

  mark(name: string, options?: PerformanceMarkOptions): PerformanceMark {
    const mark = new PerformanceMark(name, options);
    this.#entries.push(mark);
    return mark;
  }

  /**
   * A measure from a start to an end, each a mark's name or a time (default: the time
   * origin and now), or from `options` (`start`, `end`, `duration`, `detail`).
   */
  measure(name: string, startOrOptions?: string | PerformanceMeasureOptions, endMark?: string): PerformanceMeasure {
    if (arguments.length === 0) throw new TypeError("measure: 1 argument required, but only 0 present");
    let start: number;
    let end: number;
    let detail: unknown = null;
    // An options object with none of its members counts as no start (User Timing §3.1.3).
    const o = typeof startOrOptions === "object" && startOrOptions !== null ? startOrOptions : null;
    if (o !== null && (o.start ?? o.end ?? o.duration ?? o.detail) !== undefined) {
      if (endMark !== undefined) throw new TypeError("measure: options and an end mark cannot both be given");
      if (o.start === undefined && o.end === undefined) {
        throw new TypeError("measure: options must name a start or an end");
      }
      if (o.start !== undefined && o.end !== undefined && o.duration !== undefined) {
        throw new TypeError("measure: options cannot have start, end and duration");
      }
      const duration = o.duration === undefined ? undefined : Number(o.duration);
      if (o.end !== undefined) end = this.#time(o.end);
      else if (o.start !== undefined && duration !== undefined) end = this.#time(o.start) + duration;
      else end = now();
      if (o.start !== undefined) start = this.#time(o.start);
      else if (duration !== undefined) start = end - duration;
      else start = 0;
      detail = o.detail === undefined ? null : structuredClone(o.detail);
    } else {
      start = startOrOptions === undefined || o !== null ? 0 : this.#time(startOrOptions as string);
      end = endMark === undefined ? now() : this.#time(endMark);
    }
    const measure = new PerformanceMeasure(String(name), start, end - start, detail, illegal);
    this.#entries.push(measure);
    return measure;
  }

  /** A mark's time (its latest of that name), or a time given as a number. */
  #time(mark: string | number): number {
    if (typeof mark === "number") {
      if (!(mark >= 0)) throw new TypeError(`measure: a time must be >= 0, got ${mark}`);
      return mark;
    }
    const name = String(mark);
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const e = this.#entries[i];
      if (e.entryType === "mark" && e.name === name) return e.startTime;
    }
    throw new DOMException(`The mark '${name}' does not exist.`, "SyntaxError");
  }

  getEntries(): PerformanceEntry[] {
    return [...this.#entries];
  }

  getEntriesByName(name: string, type?: string): PerformanceEntry[] {
    return this.#entries.filter((e) => e.name === String(name) && (type === undefined || e.entryType === type));
  }

  getEntriesByType(type: string): PerformanceEntry[] {
    return this.#entries.filter((e) => e.entryType === String(type));
  }

  clearMarks(name?: string): void {
    this.#clear("mark", name);
  }

  clearMeasures(name?: string): void {
    this.#clear("measure", name);
  }

  #clear(type: string, name?: string): void {
    this.#entries = this.#entries.filter((e) => e.entryType !== type || (name !== undefined && e.name !== String(name)));
  }

  toJSON(): Record<string, unknown> {
    return { timeOrigin: this.#timeOrigin };
  }

  [fieldsOf](): Record<string, unknown> {
    return { timeOrigin: this.#timeOrigin };
  }

  static {
    startPerformance = (performance, timeOrigin) => {
      performance.#timeOrigin = timeOrigin;
    };
  }
}

/** The `performance` global. */
export const performance = new Performance(illegal);
