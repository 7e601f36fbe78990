//! TextEncoder and TextDecoder (WHATWG Encoding). UTF-8, both ways, is done here in
//! JS: V8 has no encoding API of its own, and the FlatBuffers runtime needs one as it
//! loads. A TextDecoder of another encoding goes to the Rust side (encoding_rs) through
//! the hooks `web/encoding.ts` installs: single-byte encodings once, for their table,
//! the others (and UTF-16) per call. Installed as globals when this module loads.

/** What the Rust side does for encodings other than UTF-8 (set by web/encoding.ts). */
export interface LegacyDecoding {
  /** The WHATWG name (lowercase) of the encoding `label` names; null: none. */
  name(label: string): string | null;
  /** The chars of the 256 bytes, if `encoding` is a single-byte encoding. */
  table(encoding: string): Uint16Array | null;
  /** Decodes through the Rust side; `rid`: a stream's state (0: none). */
  decode(encoding: string, bytes: Uint8Array, fatal: boolean, ignoreBOM: boolean, stream: boolean, rid: number): [string, number];
}

let legacy: LegacyDecoding | null = null;

/** V8's string codecs (part of `Deno.core`), once the isolate has started. */
export interface Codecs {
  /** UTF-8 of a string (lone surrogates as U+FFFD), by V8. */
  encodeUtf8(text: string): Uint8Array;
  /** Writes `text` in UTF-8 into `dest` from `at` on (whole chars that fit); where it ended. */
  encodeUtf8Into(text: string, dest: Uint8Array, at: number): number;
  /** Writes `text`'s char codes as bytes into `dest` from `at` on; false (nothing written) if one is past 0xFF. */
  encodeLatin1Into(text: string, dest: Uint8Array, at: number): boolean;
  /** The string of UTF-8 bytes (malformed as U+FFFD, or with `fatal` a TypeError), by V8. */
  decodeUtf8(bytes: ArrayBufferView, fatal?: boolean): string;
  /** The string whose chars are the bytes' codes (Latin-1), by V8. */
  decodeLatin1(bytes: ArrayBufferView): string;
  /** The string of UTF-16 code units, by V8. */
  decodeUtf16(units: Uint16Array): string;
}
let codecs: Codecs | null = null;

/** Inputs shorter than this are decoded here: a call into V8 would cost more. */
const NATIVE_FROM = 32;
/** Strings shorter than this are written into a request here (measured: about the
 * length where V8's writer, with its call, starts to win). */
const ENCODE_INTO_NATIVE_FROM = 128;

export function useCodecs(native: Codecs): void {
  codecs = native;
}

export function setLegacyDecoding(hooks: LegacyDecoding): void {
  legacy = hooks;
}

export class TextEncoder {
  get encoding(): string {
    return "utf-8";
  }

  /** `input` (lone surrogates as U+FFFD) in UTF-8. */
  encode(input = ""): Uint8Array {
    const s = String(input);
    if (codecs !== null && s.length >= NATIVE_FROM) return codecs.encodeUtf8(s);
    const out = new Uint8Array(s.length * 3);
    return out.slice(0, encodeUtf8Into(s, out, 0));
  }

  /**
   * Writes as much of `source` as fits whole into `destination`: how many UTF-16 units
   * were read and bytes written.
   */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number } {
    if (!(destination instanceof Uint8Array)) throw new TypeError("encodeInto: the destination must be a Uint8Array");
    const s = String(source);
    const end = destination.length;
    let n = 0;
    let i = 0;
    for (; i < s.length; i++) {
      let c = s.charCodeAt(i);
      let units = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          units = 2;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (n + size > end) break;
      n = writeCodePoint(c, destination, n);
      i += units - 1;
    }
    return { read: i, written: n };
  }
}

/**
 * Writes `s` as UTF-8 into `out` from `at` (room for 3 bytes per UTF-16 unit is the
 * caller's); where it ends. A lone surrogate becomes U+FFFD, as TextEncoder does.
 */
export function encodeUtf8Into(s: string, out: Uint8Array, at: number): number {
  if (codecs !== null && s.length >= ENCODE_INTO_NATIVE_FROM) return codecs.encodeUtf8Into(s, out, at);
  let n = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    n = writeCodePoint(c, out, n);
  }
  return n;
}

function writeCodePoint(c: number, out: Uint8Array, n: number): number {
  if (c < 0x80) {
    out[n++] = c;
  } else if (c < 0x800) {
    out[n++] = 0xc0 | (c >> 6);
    out[n++] = 0x80 | (c & 0x3f);
  } else if (c < 0x10000) {
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 0x3f);
    out[n++] = 0x80 | (c & 0x3f);
  } else {
    out[n++] = 0xf0 | (c >> 18);
    out[n++] = 0x80 | ((c >> 12) & 0x3f);
    out[n++] = 0x80 | ((c >> 6) & 0x3f);
    out[n++] = 0x80 | (c & 0x3f);
  }
  return n;
}

/** The labels of UTF-8 (decoded here, with no op). */
const UTF8_LABELS = new Set(["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]);

/** Writes the binary string `s` into `dest` from `at` on; false (nothing written) if a char is past U+00FF. */
export function encodeLatin1Into(s: string, dest: Uint8Array, at: number): boolean {
  if (codecs !== null && s.length >= NATIVE_FROM) return codecs.encodeLatin1Into(s, dest, at);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  for (let i = 0; i < s.length; i++) dest[at + i] = s.charCodeAt(i);
  return true;
}

/** The string of Latin-1 `bytes` (a binary string): by V8 from NATIVE_FROM bytes on. */
export function decodeLatin1(bytes: Uint8Array): string {
  if (codecs !== null && bytes.length >= NATIVE_FROM) return codecs.decodeLatin1(bytes);
  return fromUnits(bytes, 0, bytes.length);
}

/** The string of UTF-16 `units`: by V8 from NATIVE_FROM units on. */
export function decodeUtf16(units: Uint16Array): string {
  if (codecs !== null && units.length >= NATIVE_FROM) return codecs.decodeUtf16(units);
  return fromUnits(units, 0, units.length);
}

/** A string of UTF-16 units or Latin-1 bytes, in chunks (fromCharCode takes bounded arguments). */
function fromUnits(units: ArrayLike<number>, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += 8192) {
    const chunk = (units as Uint16Array).subarray(i, Math.min(i + 8192, end));
    out += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return out;
}

export function invalidData(): TypeError {
  return new TypeError("The encoded data is not valid");
}

/**
 * Decodes UTF-8 `bytes` (malformed sequences as U+FFFD, or with `fatal` a TypeError).
 * With `stream`, an incomplete sequence at the end is not decoded: the count of bytes
 * decoded says where it starts.
 */
export function decodeUtf8(bytes: Uint8Array, fatal = false, stream = false): [string, number] {
  if (codecs !== null && bytes.length >= NATIVE_FROM) {
    const end = stream ? completeEnd(bytes) : bytes.length;
    return [codecs.decodeUtf8(end === bytes.length ? bytes : bytes.subarray(0, end), fatal), end];
  }
  const units: number[] = [];
  let out = "";
  const flush = () => {
    out += String.fromCharCode.apply(null, units);
    units.length = 0;
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      // An ASCII run becomes a string in one call.
      let end = i + 1;
      while (end < bytes.length && bytes[end] < 0x80 && end - i < 8192) end++;
      if (units.length > 0) flush();
      out += String.fromCharCode.apply(null, bytes.subarray(i, end) as unknown as number[]);
      i = end;
      continue;
    }
    // Sequence length and the bounds of its second byte (no overlongs, surrogates or
    // code points past U+10FFFF: the spec's "UTF-8 lower/upper boundary").
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) [len, lo, hi] = [3, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf];
    else if (b >= 0xf0 && b <= 0xf4) [len, lo, hi] = [4, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf];
    let c = len === 0 ? -1 : b & (0xff >> (len + 1));
    let used = 1;
    for (; used < len; used++) {
      const next = bytes[i + used];
      if (next === undefined) break;
      if (next < (used === 1 ? lo : 0x80) || next > (used === 1 ? hi : 0xbf)) break;
      c = (c << 6) | (next & 0x3f);
    }
    if (len > 0 && used < len && i + used === bytes.length && stream) break; // the rest comes later
    if (len === 0 || used < len) {
      if (fatal) throw invalidData();
      units.push(0xfffd);
      i += used;
    } else {
      if (c >= 0x10000) {
        c -= 0x10000;
        units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
      } else {
        units.push(c);
      }
      i += len;
    }
    if (units.length > 8192) flush();
  }
  flush();
  return [out, i];
}

/** Where `bytes` ends but for an incomplete sequence at its end (which a stream keeps). */
function completeEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return bytes.length - i < len ? i : bytes.length;
  }
  return bytes.length;
}

/**
 * The bytes of a BufferSource, as a Uint8Array over them (not a copy); a detached buffer
 * has none (WebIDL). Anything else is a TypeError: "`what` must be ...".
 */
export function bytesOf(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if ((data instanceof ArrayBuffer || ArrayBuffer.isView(data)) && data.byteLength === 0) return EMPTY;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what} must be an ArrayBuffer or an ArrayBufferView`);
}

export interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

const EMPTY = new Uint8Array(0);

export class TextDecoder {
  readonly #encoding: string;
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  /** Single-byte encodings: the chars of all 256 bytes. */
  #table: Uint16Array | null = null;
  /** UTF-8 streams: the bytes of an incomplete sequence, and whether the BOM is past. */
  #pending: Uint8Array = EMPTY;
  #started = false;
  /** Other encodings' streams: the Rust side's decoder. */
  #rid = 0;

  constructor(label = "utf-8", options: TextDecoderOptions = {}) {
    // The default label skips normalizing: FlatBuffers makes a decoder per ByteBuffer.
    const name = label === "utf-8" ? label : String(label).trim().toLowerCase();
    if (UTF8_LABELS.has(name)) {
      this.#encoding = "utf-8";
    } else {
      const encoding = legacy?.name(name) ?? null;
      if (encoding === null) throw new RangeError(`The encoding label provided ('${label}') is invalid.`);
      this.#encoding = encoding;
      this.#table = legacy!.table(encoding);
    }
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }

  get encoding(): string {
    return this.#encoding;
  }
  get fatal(): boolean {
    return this.#fatal;
  }
  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  /** The text of `input` (and of what earlier `{ stream: true }` calls left). */
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string {
    const bytes = input === undefined || input === null ? EMPTY : bytesOf(input, "decode: the input");
    const stream = !!options?.stream;
    if (this.#encoding === "utf-8") return this.#utf8(bytes, stream);
    if (this.#table !== null) return this.#singleByte(bytes);
    try {
      const [text, rid] = legacy!.decode(this.#encoding, bytes, this.#fatal, this.#ignoreBOM, stream, this.#rid);
      this.#rid = rid;
      return text;
    } catch (e) {
      this.#rid = 0; // a failed stream is over (the Rust side closed it)
      throw e;
    }
  }

  #utf8(input: Uint8Array, stream: boolean): string {
    let bytes = input;
    if (this.#pending.length > 0) {
      bytes = new Uint8Array(this.#pending.length + input.length);
      bytes.set(this.#pending);
      bytes.set(input, this.#pending.length);
    }
    let from = 0;
    if (!this.#started && !this.#ignoreBOM) {
      if (stream && bytes.length < 3 && [0xef, 0xbb, 0xbf].slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
        this.#pending = bytes.slice(); // perhaps a BOM, split
        return "";
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) from = 3;
    }
    this.#started = stream;
    const [text, used] = decodeUtf8(from === 0 ? bytes : bytes.subarray(from), this.#fatal, stream);
    this.#pending = stream && from + used < bytes.length ? bytes.slice(from + used) : EMPTY;
    return text;
  }

  #singleByte(bytes: Uint8Array): string {
    const table = this.#table!; // all 256 bytes' chars
    const units = new Uint16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) units[i] = table[bytes[i]];
    if (this.#fatal && units.includes(0xfffd)) throw invalidData();
    return decodeUtf16(units);
  }

}

Object.assign(globalThis, { TextEncoder, TextDecoder });
