//! The console (log, info, debug, warn, error, assert, count, group, table, time, dir,
//! trace, clear) and `inspect`, the value formatter behind it. The layout follows
//! Deno's (itself Node's util.inspect with Deno's defaults): depth 4, 80 columns, up to
//! 3 inner levels on one line, double-quoted strings; `Deno.inspect`'s options change
//! the depth, the levels on one line (`compact`), key order, getters and colors.
import { stderr, stdout } from "./files.ts";
import { writeAllSync } from "./io.ts";
import { fieldsOf } from "./web/inspect.ts";
import { now } from "./web/performance.ts";

const LINE_WIDTH = 80;
const MAX_ITEMS = 100;

/** `Deno.inspect`'s options, as lib.deno.d.ts declares and documents them. */
type InspectOptions = Deno.InspectOptions;

interface Ctx {
  depth: number;
  inlineLevels: number;
  sorted: boolean;
  getters: boolean;
  /** Paints a piece of output of a kind (identity without colors). */
  paint: (kind: Style, text: string) => string;
  /** Objects on the path from the root to the value being formatted. */
  path: object[];
  /** Objects found to be referenced from inside themselves, numbered in order. */
  refs: Map<object, number>;
  indent: number;
  /** Level of the object formatted last; decides whether a parent fits one line. */
  lastLevel: number;
}

type Style = "string" | "number" | "null" | "undefined" | "special" | "date" | "regexp";

/** Deno's colors for each kind of value. */
const STYLES: Record<Style, [number, number]> = {
  string: [32, 39],
  number: [33, 39],
  null: [1, 22],
  undefined: [90, 39],
  special: [36, 39],
  date: [35, 39],
  regexp: [31, 39],
};

function ctxOf(options: InspectOptions = {}): Ctx {
  const compact = options.compact ?? 3;
  return {
    depth: typeof options.depth === "number" ? options.depth : 4,
    inlineLevels: compact === true ? 3 : compact === false ? 0 : Number(compact),
    sorted: !!options.sorted,
    getters: !!options.getters,
    paint: options.colors ? (kind, text) => `\x1b[${STYLES[kind][0]}m${text}\x1b[${STYLES[kind][1]}m` : (_, text) => text,
    path: [],
    refs: new Map(),
    indent: 0,
    lastLevel: 0,
  };
}

/** Formats any value as console.log shows it (strings at the top level unquoted). */
export function inspect(value: unknown, options?: InspectOptions): string {
  if (typeof value === "string") return value;
  return formatValue(ctxOf(options), value, 0);
}

/** `Deno.inspect`: as `inspect`, options checked. */
export function denoInspect(value: unknown, options: InspectOptions = {}): string {
  if (typeof options !== "object" || options === null) throw new TypeError("Deno.inspect: options must be an object");
  return typeof value === "string" ? value : formatValue(ctxOf(options), value, 0);
}

function formatValue(ctx: Ctx, value: unknown, level: number): string {
  if (value === null) return ctx.paint("null", "null");
  switch (typeof value) {
    case "string":
      return ctx.paint("string", quote(value));
    case "number":
      return ctx.paint("number", Object.is(value, -0) ? "-0" : String(value));
    case "bigint":
      return ctx.paint("number", `${value}n`);
    case "boolean":
      return ctx.paint("number", String(value));
    case "undefined":
      return ctx.paint("undefined", "undefined");
    case "symbol":
      return ctx.paint("string", value.toString());
    case "function":
      return ctx.paint("special", formatFunction(value as Function));
  }
  const obj = value as object;
  if (ctx.path.includes(obj)) {
    if (!ctx.refs.has(obj)) ctx.refs.set(obj, ctx.refs.size + 1);
    return ctx.paint("special", `[Circular *${ctx.refs.get(obj)}]`);
  }
  const out = formatObject(ctx, obj, level);
  const ref = ctx.refs.get(obj);
  return ref === undefined ? out : `<ref *${ref}> ${out}`;
}

function formatFunction(f: Function): string {
  const src = Function.prototype.toString.call(f);
  if (src.startsWith("class")) {
    const parent = Object.getPrototypeOf(f);
    const ext = parent && parent.name ? ` extends ${parent.name}` : "";
    return `[class ${f.name || "(anonymous)"}${ext}]`;
  }
  const kind = Object.prototype.toString.call(f).slice(8, -1); // Function, AsyncFunction, ...
  return f.name ? `[${kind}: ${f.name}]` : `[${kind} (anonymous)]`;
}

function constructorName(obj: object): string | null {
  const proto = Object.getPrototypeOf(obj);
  if (proto === null) return null;
  const ctor = proto.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}

/** What a class of the user's may define to print itself (Deno's). */
const customInspect = Symbol.for("Deno.customInspect");

function formatObject(ctx: Ctx, obj: object, level: number): string {
  const custom = (obj as { [customInspect]?: unknown })[customInspect];
  if (typeof custom === "function") {
    return String(custom.call(obj, (v: unknown, o?: InspectOptions) => inspect(v, o), { depth: ctx.depth - level }));
  }
  if (obj instanceof Error) return formatError(ctx, obj, level);
  const name = constructorName(obj);
  if (level > ctx.depth) {
    return ctx.paint("special", `[${Array.isArray(obj) ? "Array" : name ?? "Object: null prototype"}]`);
  }
  // A value with a fixed text form and no own keys is just that text.
  const keys = ownKeys(obj);
  if (ctx.sorted) keys.sort((a, b) => String(a).localeCompare(String(b)));
  if (keys.length === 0) {
    if (obj instanceof Date) return ctx.paint("date", isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString());
    if (obj instanceof RegExp) return ctx.paint("regexp", obj.toString());
  }

  let prefix = name === "Object" ? "" : name === null ? "[Object: null prototype] " : `${name} `;
  let open = "{";
  let close = "}";
  let entries: string[] = [];
  let isList = false;
  const lastLevel = ctx.lastLevel;
  ctx.lastLevel = level;
  ctx.path.push(obj);
  const shown = (obj as { [fieldsOf]?: () => Record<string, unknown> | [unknown, unknown][] })[fieldsOf];
  if (typeof shown === "function") {
    // Named fields, or pairs (printed as a Map's entries).
    const fields: Record<string, unknown> | [unknown, unknown][] = shown.call(obj);
    ctx.indent += 2;
    if (Array.isArray(fields)) {
      for (const [k, v] of fields) entries.push(`${formatValue(ctx, k, level + 1)} => ${formatValue(ctx, v, level + 1)}`);
    } else {
      for (const key of Object.keys(fields)) entries.push(`${formatKey(key)}: ${formatValue(ctx, fields[key], level + 1)}`);
    }
    ctx.indent -= 2;
    keys.length = 0;
  } else if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
    const list = obj as unknown as ArrayLike<unknown>;
    isList = true;
    open = "[";
    close = "]";
    prefix = name === "Array" ? "" : `${name}(${list.length}) `;
    entries = formatListItems(ctx, list, level);
    keys.splice(0, keys.length, ...keys.filter((k) => typeof k !== "string" || !isIndex(k)));
  } else if (obj instanceof Map) {
    prefix = `${name}(${obj.size}) `;
    ctx.indent += 2;
    for (const [k, v] of obj) {
      entries.push(`${formatValue(ctx, k, level + 1)} => ${formatValue(ctx, v, level + 1)}`);
    }
    ctx.indent -= 2;
  } else if (obj instanceof Set) {
    prefix = `${name}(${obj.size}) `;
    ctx.indent += 2;
    for (const v of obj) entries.push(formatValue(ctx, v, level + 1));
    ctx.indent -= 2;
  } else if (obj instanceof Date || obj instanceof RegExp) {
    prefix = `${obj instanceof Date ? obj.toISOString() : obj.toString()} `;
  } else if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) {
    prefix = `[${name}: ${formatValue(ctx, obj.valueOf(), level)}] `;
  }
  for (const key of keys) entries.push(formatProperty(ctx, obj, key, level));
  ctx.path.pop();

  if (entries.length === 0) {
    ctx.lastLevel = lastLevel; // an empty value doesn't count as a nested level
    return `${prefix}${open}${close}`;
  }
  const count = entries.length;
  if (isList && count > 6 && ctx.inlineLevels > 0) entries = groupColumns(ctx, entries, obj as ArrayLike<unknown>);
  // Items grouped into columns stay on their rows.
  return joinEntries(ctx, prefix, open, close, entries, level, entries.length === count);
}

function ownKeys(obj: object): (string | symbol)[] {
  const keys: (string | symbol)[] = Object.keys(obj);
  for (const s of Object.getOwnPropertySymbols(obj)) {
    if (Object.prototype.propertyIsEnumerable.call(obj, s)) keys.push(s);
  }
  return keys;
}

function isIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key);
}

function formatListItems(ctx: Ctx, list: ArrayLike<unknown>, level: number): string[] {
  const out: string[] = [];
  const shown = Math.min(list.length, MAX_ITEMS);
  for (let i = 0; i < shown; i++) {
    if (!(i in list)) {
      let holes = 1;
      while (i + holes < shown && !(i + holes in list)) holes++;
      out.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
      i += holes - 1;
      continue;
    }
    ctx.indent += 2;
    out.push(formatValue(ctx, list[i], level + 1));
    ctx.indent -= 2;
  }
  const more = list.length - shown;
  if (more > 0) out.push(`... ${more} more item${more > 1 ? "s" : ""}`);
  return out;
}

function formatProperty(ctx: Ctx, obj: object, key: string | symbol, level: number): string {
  const desc = Object.getOwnPropertyDescriptor(obj, key)!;
  let text: string;
  if (desc.get && ctx.getters) {
    let shown: string;
    try {
      shown = formatValue(ctx, desc.get.call(obj), level + 1);
    } catch (e) {
      shown = `<Inspection threw (${e instanceof Error ? e.message : String(e)})>`;
    }
    text = ctx.paint("special", `[${desc.set ? "Getter/Setter" : "Getter"}: `) + shown + ctx.paint("special", "]");
  } else if (desc.get || desc.set) {
    text = ctx.paint("special", desc.get && desc.set ? "[Getter/Setter]" : desc.get ? "[Getter]" : "[Setter]");
  } else {
    ctx.indent += 2;
    text = formatValue(ctx, desc.value, level + 1);
    ctx.indent -= 2;
  }
  return `${formatKey(key)}: ${text}`;
}

function formatKey(key: string | symbol): string {
  if (typeof key === "symbol") return key.toString();
  return /^[a-zA-Z_$][a-zA-Z_$0-9]*$/.test(key) ? key : quote(key);
}

function formatError(ctx: Ctx, err: Error, level: number): string {
  let text = typeof err.stack === "string" && err.stack ? err.stack : `[${Error.prototype.toString.call(err)}]`;
  const extra = ownKeys(err).filter((k) => k !== "stack" && k !== "message");
  // `cause` is own but not enumerable; it is shown as `[cause]`.
  const hasCause = Object.prototype.hasOwnProperty.call(err, "cause") && !extra.includes("cause");
  if ((extra.length > 0 || hasCause) && level <= ctx.depth) {
    ctx.path.push(err);
    const entries = extra.map((k) => formatProperty(ctx, err, k, level));
    if (hasCause) entries.push(formatProperty(ctx, err, "cause", level).replace(/^cause/, "[cause]"));
    ctx.path.pop();
    text += ` ${joinEntries(ctx, "", "{", "}", entries, level)}`;
  }
  // Nested errors are indented with their container.
  return ctx.indent > 0 ? text.split("\n").join(`\n${" ".repeat(ctx.indent)}`) : text;
}

/** One line when it fits and holds at most `inlineLevels` nested levels; else one entry a line. */
function joinEntries(
  ctx: Ctx,
  prefix: string,
  open: string,
  close: string,
  entries: string[],
  level: number,
  mayInline = true,
): string {
  if (mayInline && ctx.lastLevel - level < ctx.inlineLevels) {
    const start = entries.length + ctx.indent + open.length + prefix.length + 10;
    const width = entries.reduce((sum, e) => sum + visibleLength(e), start);
    const joined = entries.join(", ");
    if (width + entries.length <= LINE_WIDTH && !joined.includes("\n")) {
      return `${prefix}${open} ${joined} ${close}`;
    }
  }
  const pad = `\n${" ".repeat(ctx.indent)}`;
  return `${prefix}${open}${pad}  ${entries.join(`,${pad}  `)}${pad}${close}`;
}

/**
 * Lays out many short list items in aligned columns (numbers right-aligned), aiming
 * for a roughly square block; returns the items unchanged when columns don't suit.
 */
function groupColumns(ctx: Ctx, items: string[], list: ArrayLike<unknown>): string[] {
  const hasMore = items.length > MAX_ITEMS;
  const n = hasMore ? items.length - 1 : items.length;
  if (items.slice(0, n).some((s) => s.includes("\n"))) return items;
  const sep = 2; // ", "
  let total = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    total += visibleLength(items[i]) + sep;
    longest = Math.max(longest, visibleLength(items[i]));
  }
  const cell = longest + sep;
  if (cell * 3 + ctx.indent >= LINE_WIDTH || (total / cell <= 5 && longest > 6)) return items;
  const bias = Math.sqrt(cell - total / items.length);
  const biasedCell = Math.max(cell - 3 - bias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedCell * n) / biasedCell),
    Math.floor((LINE_WIDTH - ctx.indent) / cell),
    Math.max(ctx.inlineLevels, 1) * 4,
    15,
  );
  if (columns <= 1) return items;
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (let i = c; i < n; i += columns) w = Math.max(w, visibleLength(items[i]));
    widths.push(w + sep);
  }
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const t = typeof list[i];
    if (t !== "number" && t !== "bigint") numeric = false;
  }
  const rows: string[] = [];
  const pad = (text: string, width: number) => {
    const room = " ".repeat(Math.max(width - visibleLength(text), 0));
    return numeric ? room + text : text + room;
  };
  for (let start = 0; start < n; start += columns) {
    const end = Math.min(start + columns, n);
    let row = "";
    for (let i = start; i < end - 1; i++) row += pad(`${items[i]}, `, widths[i - start]);
    row += numeric ? pad(items[end - 1], widths[end - 1 - start] - sep) : items[end - 1];
    rows.push(row);
  }
  if (hasMore) rows.push(items[n]);
  return rows;
}

/** The length of `s` as the terminal shows it (without color codes). */
function visibleLength(s: string): number {
  return s.includes("\x1b") ? s.replace(/\x1b\[\d+m/g, "").length : s.length;
}

function quote(s: string): string {
  const q = !s.includes('"') ? '"' : !s.includes("'") ? "'" : !s.includes("`") ? "`" : '"';
  const escaped = s.replace(/[\\\n\r\t\b\f\v\0]|[\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = {
      "\\": "\\\\",
      "\n": "\\n",
      "\r": "\\r",
      "\t": "\\t",
      "\b": "\\b",
      "\f": "\\f",
      "\v": "\\v",
      "\0": "\\0",
    };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
  return q + (q === '"' && s.includes('"') ? escaped.replace(/"/g, '\\"') : escaped) + q;
}

/** console.log's arguments: printf-style `%s %d %i %f %o %O %c %%` in a leading string. */
export function formatArgs(args: unknown[]): string {
  const parts: string[] = [];
  let rest = 0;
  if (typeof args[0] === "string" && args.length > 1 && args[0].includes("%")) {
    rest = 1;
    parts.push(
      args[0].replace(/%[sdifoOc%]/g, (spec) => {
        if (spec === "%%") return "%";
        if (rest >= args.length) return spec;
        const arg = args[rest++];
        switch (spec) {
          case "%s":
            return typeof arg === "string" ? arg : typeof arg === "object" && arg !== null ? inspect(arg) : String(arg);
          case "%d":
          case "%i":
            if (typeof arg === "bigint") return `${arg}n`;
            return String(typeof arg === "symbol" ? NaN : Math.trunc(Number(arg)));
          case "%f":
            return String(typeof arg === "symbol" ? NaN : parseFloat(String(arg)));
          case "%c":
            return "";
          default:
            return inspect(arg);
        }
      }),
    );
  }
  for (let i = rest; i < args.length; i++) parts.push(inspect(args[i]));
  return parts.join(" ");
}

const encoder = new TextEncoder();

/** `console.group`'s indentation of every line printed. */
let groupIndent = "";
const counts = new Map<string, number>();
/** console.time's timers: when each started (performance.now()). */
const timers = new Map<string, number>();

/** One line of output (indented by the group), through the same write op as Deno.stdout / Deno.stderr. */
function print(out: typeof stdout, text: string): void {
  const indented = groupIndent === "" ? text : groupIndent + text.replaceAll("\n", `\n${groupIndent}`);
  writeAllSync(out, encoder.encode(indented + "\n"));
}

function log(out: typeof stdout, args: unknown[]): void {
  print(out, formatArgs(args));
}

function elapsed(label: string): string | null {
  const start = timers.get(label);
  return start === undefined ? null : `${label}: ${Math.round((now() - start) * 100) / 100}ms`;
}

const BOX = { top: ["┌", "┬", "┐"], middle: ["├", "┼", "┤"], bottom: ["└", "┴", "┘"] };

/** console.table's box: a header row and one row per entry; numbers right-aligned. */
function table(data: object, properties?: string[]): string {
  const entries: [string, unknown][] = data instanceof Map
    ? [...data.entries()].map(([k, v]) => [inspect(k), v])
    : data instanceof Set
    ? [...data].map((v, i) => [String(i), v])
    : Object.keys(data).map((k) => [k, (data as Record<string, unknown>)[k]]);
  const columns: string[] = [];
  let values = false;
  for (const [, row] of entries) {
    if (row !== null && typeof row === "object") {
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    } else {
      values = true;
    }
  }
  const shown = properties ?? columns;
  const cell = (v: unknown): [string, boolean] => [formatValue(ctxOf({ compact: Infinity }), v, 1), typeof v === "number" || typeof v === "bigint"];
  const header = ["(idx)", ...shown, ...(values ? ["Values"] : [])];
  const rows = entries.map(([key, row]) => {
    const isObject = row !== null && typeof row === "object";
    const cells: ([string, boolean] | null)[] = [[key, /^\d+$/.test(key)]];
    for (const column of shown) {
      cells.push(isObject && column in (row as object) ? cell((row as Record<string, unknown>)[column]) : null);
    }
    if (values) cells.push(isObject ? null : cell(row));
    return cells;
  });
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i]?.[0] ?? ""))) + 2);
  // A column is right-aligned when all it holds is numbers.
  const right = header.map((_, i) => rows.every((r) => r[i] === null || r[i]![1]));
  const line = ([left, mid, right]: string[]) => left + widths.map((w) => "─".repeat(w)).join(mid) + right;
  const render = (cells: ([string, boolean] | null)[]) =>
    "│" + cells.map((c, i) => {
      const text = c?.[0] ?? "";
      const room = " ".repeat(widths[i] - 2 - visibleLength(text));
      return ` ${right[i] && c?.[1] ? room + text : text + room} `;
    }).join("│") + "│";
  return [
    line(BOX.top),
    render(header.map((h) => [h, false])),
    line(BOX.middle),
    ...rows.map(render),
    line(BOX.bottom),
  ].join("\n");
}

export const console = {
  log: (...args: unknown[]) => log(stdout, args),
  info: (...args: unknown[]) => log(stdout, args),
  debug: (...args: unknown[]) => log(stdout, args),
  dirxml: (...args: unknown[]) => log(stdout, args),
  warn: (...args: unknown[]) => log(stderr, args),
  error: (...args: unknown[]) => log(stderr, args),
  /** Prints "Assertion failed" (and `data`) to stderr unless `condition` holds. */
  assert(condition?: unknown, ...data: unknown[]): void {
    if (condition) return;
    if (data.length === 0) data = ["Assertion failed"];
    else if (typeof data[0] === "string") data[0] = `Assertion failed: ${data[0]}`;
    else data.unshift("Assertion failed:");
    log(stderr, data);
  },
  count(label: unknown = "default"): void {
    const name = String(label);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    print(stdout, `${name}: ${n}`);
  },
  countReset(label: unknown = "default"): void {
    const name = String(label);
    if (!counts.delete(name)) print(stderr, `Count for '${name}' does not exist`);
  },
  group(...label: unknown[]): void {
    if (label.length > 0) log(stdout, label);
    groupIndent += "  ";
  },
  groupCollapsed(...label: unknown[]): void {
    console.group(...label);
  },
  groupEnd(): void {
    groupIndent = groupIndent.slice(2);
  },
  time(label: unknown = "default"): void {
    const name = String(label);
    if (timers.has(name)) return print(stderr, `Timer '${name}' already exists`);
    timers.set(name, now());
  },
  timeLog(label: unknown = "default", ...data: unknown[]): void {
    const name = String(label);
    const text = elapsed(name);
    if (text === null) return print(stderr, `Timer '${name}' does not exist`);
    log(stdout, [text, ...data]);
  },
  timeEnd(label: unknown = "default"): void {
    const name = String(label);
    const text = elapsed(name);
    if (text === null) return print(stderr, `Timer '${name}' does not exist`);
    timers.delete(name);
    print(stdout, text);
  },
  /** `value` as Deno.inspect shows it with `options`. */
  dir(value?: unknown, options?: InspectOptions): void {
    print(stdout, inspect(value, options));
  },
  table(data?: unknown, properties?: string[]): void {
    if (properties !== undefined && !Array.isArray(properties)) {
      throw new TypeError("console.table: properties must be an array of strings");
    }
    if (data === null || typeof data !== "object") return log(stdout, [data]);
    print(stdout, table(data, properties?.map(String)));
  },
  /** "Trace: " and `data`, then where it was called, to stderr. */
  trace(...data: unknown[]): void {
    const stack = (new Error().stack ?? "").split("\n").slice(2).join("\n");
    print(stderr, `Trace${data.length > 0 ? `: ${formatArgs(data)}` : ""}\n${stack}`);
  },
  /** Clears the screen, on a terminal only. */
  clear(): void {
    groupIndent = "";
    if (stdout.isTerminal()) writeAllSync(stdout, encoder.encode("\x1b[1;1H\x1b[0J"));
  },
};
