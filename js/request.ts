//! The request buffer: one reused buffer that every FlatBuffers request is written into,
//! front to back, by the generated encoders (gen/ops.ts), and JSON ones as text. A
//! FlatBuffers request is the buffer's first `len` bytes, handed to the door as a
//! Uint32Array view (made once per length) of them padded to whole words: optimized
//! code then takes the door's fast path (V8 10.2's fast API calls take 32-bit typed
//! arrays, not bytes).
import { CMD_ID_AT, SYNC_AT } from "../gen/layout.ts";
import { encodeUtf8Into } from "./text_encoding.ts";

let bytes = new Uint8Array(1024);
let view = new DataView(bytes.buffer);
let words = new Uint32Array(bytes.buffer);
/** views[n]: the first n words, for the lengths requests usually have. */
let views: Uint32Array[] = [];
const CACHED_VIEWS = 256;

/** Makes room for `size` bytes and returns the buffer to write into. */
export function begin(size: number): DataView {
  if (size > bytes.length) {
    let n = bytes.length;
    while (n < size) n *= 2;
    bytes = new Uint8Array(n);
    view = new DataView(bytes.buffer);
    words = new Uint32Array(bytes.buffer);
    views = [];
  }
  return view;
}

/** The room a string may take: length, 3 bytes per UTF-16 unit, NUL, padding. */
export function room(s: string): number {
  if (typeof s !== "string") throw new TypeError(`expected a string, got ${typeof s}`);
  return 8 + 3 * s.length;
}

/** The room a vector of strings may take. */
export function roomAll(a: string[]): number {
  if (!Array.isArray(a)) throw new TypeError(`expected an array of strings, got ${typeof a}`);
  let n = 4 + 4 * a.length;
  for (const s of a) n += room(s);
  return n;
}

/**
 * Writes `s` at `at` (a 4-aligned place past the tables) as a FlatBuffers string, and
 * its offset into the field at `field`; where the next thing may go.
 */
export function putString(v: DataView, field: number, at: number, s: string): number {
  v.setUint32(field, at - field, true);
  const end = encodeUtf8Into(s, bytes, at + 4);
  v.setUint32(at, end - at - 4, true);
  bytes[end] = 0;
  return (end + 4) & ~3;
}

/** Writes `a` at `at` as a vector of strings, and its offset into the field at `field`. */
export function putStrings(v: DataView, field: number, at: number, a: string[]): number {
  v.setUint32(field, at - field, true);
  v.setUint32(at, a.length, true);
  let end = at + 4 + 4 * a.length;
  for (let i = 0; i < a.length; i++) end = putString(v, at + 4 + 4 * i, end, a[i]);
  return end;
}

/** The request of `len` bytes now in the buffer, with its cmd_id and sync set. */
export function finish(len: number, cmdId: number, sync: boolean): Uint32Array {
  view.setUint32(CMD_ID_AT, cmdId, true);
  bytes[SYNC_AT] = sync ? 1 : 0;
  return first(len);
}

/** The sync request of `len` bytes now in the buffer, as a message of its own. */
export function syncRequest(len: number): Uint32Array {
  return finish(len, 0, true).slice();
}

/** `text` (a JSON request, ops/json.rs) written into the buffer as UTF-8. */
export function putText(text: string): Uint8Array {
  begin(3 * text.length);
  return bytes.subarray(0, encodeUtf8Into(text, bytes, 0));
}

function first(len: number): Uint32Array {
  const n = (len + 3) >> 2;
  if (n >= CACHED_VIEWS) return words.subarray(0, n);
  return views[n] ??= words.subarray(0, n);
}
