//! URL and URLSearchParams (WHATWG URL). Parsing and the setters are the Rust side's
//! (`url` crate, src/ops/url.rs), one sync op each: a URL keeps its serialization and
//! the offsets of its parts, and every getter is a slice of it. URLSearchParams
//! parses and serializes application/x-www-form-urlencoded here, and stays live both
//! ways with the URL it came from.
import * as msg from "../../gen/msg.ts";
import * as op from "../../gen/ops.ts";
import { TextDecoder, TextEncoder } from "../text_encoding.ts";
import { fieldsOf } from "./inspect.ts";

/** WebIDL's USVString: lone surrogates become U+FFFD. */
export function usv(value: unknown): string {
  const s = String(value);
  return /[\ud800-\udfff]/.test(s) ? s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : s;
}

// Indices into a URL's offsets (UrlParseRes.offsets).
const SCHEME_END = 0;
const USER = 1;
const PASS = 3;
const HOST = 5;
const PORT = 7;
const PATH = 9;
const QUERY = 11;
const FRAGMENT = 13;

const SPECIAL_ORIGIN = new Set(["http", "https", "ws", "wss", "ftp"]);

/** The parse result, or null: not a URL. */
function parse(href: string, base?: string): [string, Uint32Array] | null {
  return parsed(op.urlParseSync(href, base ?? "", base !== undefined), href);
}

/** The serialization (`input` if it came back unchanged) and offsets, or null: not a URL. */
function parsed(res: msg.UrlParseRes, input: string): [string, Uint32Array] | null {
  const href = res.same() ? input : res.href();
  return href === null ? null : [href, res.offsetsArray()!.slice()];
}

export class URL {
  #href: string;
  #at: Uint32Array;
  #params: URLSearchParams | null = null;

  constructor(url: string | URL, base?: string | URL) {
    if (arguments.length === 0) throw new TypeError("URL constructor: 1 argument required, but only 0 present");
    const href = usv(url);
    const baseText = base === undefined ? undefined : usv(base);
    const result = parse(href, baseText);
    if (result === null) {
      const withBase = baseText === undefined ? "" : ` with base '${baseText}'`;
      throw new TypeError(`Invalid URL: '${href}'${withBase}`);
    }
    [this.#href, this.#at] = result;
  }

  /** Whether `new URL(url, base)` would succeed. */
  static canParse(url: string | URL, base?: string | URL): boolean {
    if (arguments.length === 0) throw new TypeError("URL.canParse: 1 argument required, but only 0 present");
    return parse(usv(url), base === undefined ? undefined : usv(base)) !== null;
  }

  /** `new URL(url, base)`, or null where that would throw. */
  static parse(url: string | URL, base?: string | URL): URL | null {
    if (arguments.length === 0) throw new TypeError("URL.parse: 1 argument required, but only 0 present");
    return URL.canParse(url, base) ? new URL(url, base) : null;
  }

  #part(at: number): string {
    return this.#href.slice(this.#at[at], this.#at[at + 1]);
  }

  /** Sets one part through the Rust side; false if the value did not apply at all. */
  #set(setter: msg.UrlSetter, value: unknown): boolean {
    const result = parsed(op.urlReparseSync(this.#href, setter, usv(value)), "");
    if (result === null) return false;
    [this.#href, this.#at] = result;
    return true;
  }

  /** After the query changed: the params list follows it. */
  #queryChanged(): void {
    this.#params?.[kReset](this.#part(QUERY));
  }

  get href(): string {
    return this.#href;
  }
  set href(value: string) {
    const text = usv(value);
    if (!this.#set(msg.UrlSetter.Href, text)) throw new TypeError(`Invalid URL: '${text}'`);
    this.#queryChanged();
  }

  get origin(): string {
    const scheme = this.#href.slice(0, this.#at[SCHEME_END]);
    if (SPECIAL_ORIGIN.has(scheme)) return `${scheme}://${this.host}`;
    if (scheme === "blob") {
      const inner = URL.parse(this.pathname);
      if (inner !== null && (inner.protocol === "http:" || inner.protocol === "https:")) return inner.origin;
    }
    return "null";
  }

  get protocol(): string {
    return this.#href.slice(0, this.#at[SCHEME_END]) + ":";
  }
  set protocol(value: string) {
    this.#set(msg.UrlSetter.Protocol, value);
  }

  get username(): string {
    return this.#part(USER);
  }
  set username(value: string) {
    this.#set(msg.UrlSetter.Username, value);
  }

  get password(): string {
    return this.#part(PASS);
  }
  set password(value: string) {
    this.#set(msg.UrlSetter.Password, value);
  }

  get host(): string {
    return this.#href.slice(this.#at[HOST], this.#at[PORT + 1]);
  }
  set host(value: string) {
    this.#set(msg.UrlSetter.Host, value);
  }

  get hostname(): string {
    return this.#part(HOST);
  }
  set hostname(value: string) {
    this.#set(msg.UrlSetter.Hostname, value);
  }

  get port(): string {
    return this.#part(PORT);
  }
  set port(value: string) {
    this.#set(msg.UrlSetter.Port, value);
  }

  get pathname(): string {
    return this.#part(PATH);
  }
  set pathname(value: string) {
    this.#set(msg.UrlSetter.Pathname, value);
  }

  get search(): string {
    const query = this.#part(QUERY);
    return query === "" ? "" : `?${query}`;
  }
  set search(value: string) {
    this.#set(msg.UrlSetter.Search, value);
    this.#queryChanged();
  }

  get hash(): string {
    const fragment = this.#part(FRAGMENT);
    return fragment === "" ? "" : `#${fragment}`;
  }
  set hash(value: string) {
    this.#set(msg.UrlSetter.Hash, value);
  }

  /** The query as a live list: changing one changes the other. */
  get searchParams(): URLSearchParams {
    if (this.#params === null) {
      this.#params = new URLSearchParams(this.#part(QUERY));
      this.#params[kOwner] = (query: string) => {
        this.#set(msg.UrlSetter.Search, query);
      };
    }
    return this.#params;
  }

  toString(): string {
    return this.#href;
  }

  toJSON(): string {
    return this.#href;
  }

  [fieldsOf](): Record<string, unknown> {
    const { href, origin, protocol, username, password, host, hostname, port, pathname, hash, search } = this;
    return { href, origin, protocol, username, password, host, hostname, port, pathname, hash, search };
  }
}

/** The URL a URLSearchParams updates (its query setter), if it has one. */
const kOwner = Symbol("owner");
/** Replaces the list with the pairs of a query (its URL's changed). */
const kReset = Symbol("reset");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** application/x-www-form-urlencoded percent-decoding of one name or value. */
function decodeFormPart(s: string): string {
  const spaced = s.includes("+") ? s.replace(/\+/g, " ") : s;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced); // V8's, for well-formed input (the usual case)
  } catch {
    // A stray "%" or malformed UTF-8: decoded byte by byte, with replacements.
  }
  const bytes = encoder.encode(spaced);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = (hexValue(bytes[i + 1]) << 4) | hexValue(bytes[i + 2]);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return decoder.decode(out.subarray(0, n));
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

function hexValue(b: number): number {
  return b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x57;
}

/** What encodeURIComponent leaves alone but the form serializer escapes, and space. */
const FORM_ESCAPES: Record<string, string> = { "!": "%21", "'": "%27", "(": "%28", ")": "%29", "~": "%7E", "%20": "+" };

/** The application/x-www-form-urlencoded serialization of one (USV) string. */
function encodeFormPart(s: string): string {
  return encodeURIComponent(s).replace(/[!'()~]|%20/g, (c) => FORM_ESCAPES[c]);
}

function parseQuery(query: string): [string, string][] {
  const list: [string, string][] = [];
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    list.push([decodeFormPart(name), decodeFormPart(value)]);
  }
  return list;
}

type SearchParamsInit = string | Record<string, string> | Iterable<Iterable<string>> | URLSearchParams;

export class URLSearchParams {
  #list: [string, string][] = [];
  [kOwner]: ((query: string) => void) | null = null;

  constructor(init: SearchParamsInit = "") {
    if (typeof init === "object" && init !== null) {
      const iterator = (init as Iterable<Iterable<string>>)[Symbol.iterator];
      if (init instanceof URLSearchParams) {
        this.#list = init.#list.map(([k, v]) => [k, v]);
      } else if (iterator !== undefined) {
        if (typeof iterator !== "function") throw new TypeError("URLSearchParams: init[Symbol.iterator] is not a function");
        for (const pair of init as Iterable<Iterable<string>>) {
          if (typeof pair !== "object" || pair === null || typeof (pair as Iterable<string>)[Symbol.iterator] !== "function") {
            throw new TypeError("URLSearchParams: each pair must be a sequence");
          }
          const items = [...pair];
          if (items.length !== 2) throw new TypeError(`URLSearchParams: a pair must have 2 items, this one has ${items.length}`);
          this.#list.push([usv(items[0]), usv(items[1])]);
        }
      } else {
        for (const key of Object.keys(init)) {
          this.#list.push([usv(key), usv((init as Record<string, string>)[key])]);
        }
      }
    } else {
      const text = usv(init);
      this.#list = parseQuery(text.startsWith("?") ? text.slice(1) : text);
    }
  }

  [kReset](query: string): void {
    this.#list = parseQuery(query);
  }

  #update(): void {
    this[kOwner]?.(this.toString());
  }

  get size(): number {
    return this.#list.length;
  }

  append(name: string, value: string): void {
    if (arguments.length < 2) throw new TypeError("URLSearchParams.append: 2 arguments required");
    this.#list.push([usv(name), usv(value)]);
    this.#update();
  }

  /** Removes every pair named `name` (with `value` too, only those with that value). */
  delete(name: string, value?: string): void {
    if (arguments.length < 1) throw new TypeError("URLSearchParams.delete: 1 argument required");
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    this.#list = this.#list.filter(([k, x]) => k !== n || (v !== undefined && x !== v));
    this.#update();
  }

  get(name: string): string | null {
    if (arguments.length < 1) throw new TypeError("URLSearchParams.get: 1 argument required");
    const n = usv(name);
    return this.#list.find(([k]) => k === n)?.[1] ?? null;
  }

  getAll(name: string): string[] {
    if (arguments.length < 1) throw new TypeError("URLSearchParams.getAll: 1 argument required");
    const n = usv(name);
    return this.#list.filter(([k]) => k === n).map(([, v]) => v);
  }

  has(name: string, value?: string): boolean {
    if (arguments.length < 1) throw new TypeError("URLSearchParams.has: 1 argument required");
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    return this.#list.some(([k, x]) => k === n && (v === undefined || x === v));
  }

  /** The first pair named `name` gets `value`; the others of that name go. */
  set(name: string, value: string): void {
    if (arguments.length < 2) throw new TypeError("URLSearchParams.set: 2 arguments required");
    const [n, v] = [usv(name), usv(value)];
    const at = this.#list.findIndex(([k]) => k === n);
    if (at < 0) this.#list.push([n, v]);
    else {
      this.#list[at][1] = v;
      this.#list = this.#list.filter(([k], i) => k !== n || i === at);
    }
    this.#update();
  }

  /** Sorts by name, in UTF-16 code units, keeping the order of equal names. */
  sort(): void {
    this.#list = this.#list
      .map((pair, i) => [pair, i] as const)
      .sort(([[a], i], [[b], j]) => (a < b ? -1 : a > b ? 1 : i - j))
      .map(([pair]) => pair);
    this.#update();
  }

  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") throw new TypeError("URLSearchParams.forEach: the callback must be a function");
    for (let i = 0; i < this.#list.length; i++) {
      const [k, v] = this.#list[i];
      callback.call(thisArg, v, k, this);
    }
  }

  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
  }

  *values(): IterableIterator<string> {
    for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  toString(): string {
    return this.#list.map(([k, v]) => `${encodeFormPart(k)}=${encodeFormPart(v)}`).join("&");
  }

  [fieldsOf](): [string, string][] {
    return this.#list;
  }
}
