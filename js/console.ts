//! console.log/info/warn/error and `inspect`, the value formatter behind them. The
//! layout follows Deno's (itself Node's util.inspect with Deno's defaults): depth 4,
//! 80 columns, up to 3 inner levels on one line, double-quoted strings.
import { stderr, stdout } from "./files.ts";
import { writeAllSync } from "./io.ts";
import { fieldsOf } from "./web/inspect.ts";

const MAX_DEPTH = 4;
const LINE_WIDTH = 80;
const INLINE_LEVELS = 3;
const MAX_ITEMS = 100;

interface Ctx {
  /** Objects on the path from the root to the value being formatted. */
  path: object[];
  /** Objects found to be referenced from inside themselves, numbered in order. */
  refs: Map<object, number>;
  indent: number;
  /** Level of the object formatted last; decides whether a parent fits one line. */
  lastLevel: number;
}

/** Formats any value as console.log shows it (strings at the top level unquoted). */
export function inspect(value: unknown): string {
  if (typeof value === "string") return value;
  return formatValue({ path: [], refs: new Map(), indent: 0, lastLevel: 0 }, value, 0);
}

function formatValue(ctx: Ctx, value: unknown, level: number): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
    case "boolean":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return formatFunction(value as Function);
  }
  const obj = value as object;
  if (ctx.path.includes(obj)) {
    if (!ctx.refs.has(obj)) ctx.refs.set(obj, ctx.refs.size + 1);
    return `[Circular *${ctx.refs.get(obj)}]`;
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

function formatObject(ctx: Ctx, obj: object, level: number): string {
  if (obj instanceof Error) return formatError(ctx, obj, level);
  const name = constructorName(obj);
  if (level > MAX_DEPTH) {
    return `[${Array.isArray(obj) ? "Array" : name ?? "Object: null prototype"}]`;
  }
  // A value with a fixed text form and no own keys is just that text.
  const keys = ownKeys(obj);
  if (keys.length === 0) {
    if (obj instanceof Date) return isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
    if (obj instanceof RegExp) return obj.toString();
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
    for (const [k, v] of obj) {
      entries.push(`${formatValue(ctx, k, level + 1)} => ${formatValue(ctx, v, level + 1)}`);
    }
  } else if (obj instanceof Set) {
    prefix = `${name}(${obj.size}) `;
    for (const v of obj) entries.push(formatValue(ctx, v, level + 1));
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
  if (isList && count > 6) entries = groupColumns(ctx, entries, obj as ArrayLike<unknown>);
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
    out.push(formatValue(ctx, list[i], level + 1));
  }
  const more = list.length - shown;
  if (more > 0) out.push(`... ${more} more item${more > 1 ? "s" : ""}`);
  return out;
}

function formatProperty(ctx: Ctx, obj: object, key: string | symbol, level: number): string {
  const desc = Object.getOwnPropertyDescriptor(obj, key)!;
  let text: string;
  if (desc.get || desc.set) {
    text = desc.get && desc.set ? "[Getter/Setter]" : desc.get ? "[Getter]" : "[Setter]";
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
  if ((extra.length > 0 || hasCause) && level <= MAX_DEPTH) {
    ctx.path.push(err);
    const entries = extra.map((k) => formatProperty(ctx, err, k, level));
    if (hasCause) entries.push(formatProperty(ctx, err, "cause", level).replace(/^cause/, "[cause]"));
    ctx.path.pop();
    text += ` ${joinEntries(ctx, "", "{", "}", entries, level)}`;
  }
  // Nested errors are indented with their container.
  return ctx.indent > 0 ? text.split("\n").join(`\n${" ".repeat(ctx.indent)}`) : text;
}

/** One line when it fits and holds at most INLINE_LEVELS nested levels; else one entry a line. */
function joinEntries(
  ctx: Ctx,
  prefix: string,
  open: string,
  close: string,
  entries: string[],
  level: number,
  mayInline = true,
): string {
  if (mayInline && ctx.lastLevel - level < INLINE_LEVELS) {
    const start = entries.length + ctx.indent + open.length + prefix.length + 10;
    const width = entries.reduce((sum, e) => sum + e.length, start);
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
    total += items[i].length + sep;
    longest = Math.max(longest, items[i].length);
  }
  const cell = longest + sep;
  if (cell * 3 + ctx.indent >= LINE_WIDTH || (total / cell <= 5 && longest > 6)) return items;
  const bias = Math.sqrt(cell - total / items.length);
  const biasedCell = Math.max(cell - 3 - bias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedCell * n) / biasedCell),
    Math.floor((LINE_WIDTH - ctx.indent) / cell),
    INLINE_LEVELS * 4,
    15,
  );
  if (columns <= 1) return items;
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (let i = c; i < n; i += columns) w = Math.max(w, items[i].length);
    widths.push(w + sep);
  }
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const t = typeof list[i];
    if (t !== "number" && t !== "bigint") numeric = false;
  }
  const rows: string[] = [];
  for (let start = 0; start < n; start += columns) {
    const end = Math.min(start + columns, n);
    let row = "";
    for (let i = start; i < end - 1; i++) {
      const cellText = `${items[i]}, `;
      row += numeric ? cellText.padStart(widths[i - start]) : cellText.padEnd(widths[i - start]);
    }
    row += numeric ? items[end - 1].padStart(widths[end - 1 - start] - sep) : items[end - 1];
    rows.push(row);
  }
  if (hasMore) rows.push(items[n]);
  return rows;
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

/** One line of output, through the same write op as Deno.stdout / Deno.stderr. */
function print(out: typeof stdout, args: unknown[]): void {
  writeAllSync(out, encoder.encode(formatArgs(args) + "\n"));
}

export const console = {
  log: (...args: unknown[]) => print(stdout, args),
  info: (...args: unknown[]) => print(stdout, args),
  warn: (...args: unknown[]) => print(stderr, args),
  error: (...args: unknown[]) => print(stderr, args),
  debug: (...args: unknown[]) => print(stdout, args),
};
