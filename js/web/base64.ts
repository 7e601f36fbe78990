//! `atob` and `btoa` (HTML §8.3): forgiving-base64 decode and base64 encode of "binary
//! strings" (one char per byte); what they cannot take is an "InvalidCharacterError".
//! Short strings are done here; from NATIVE_FROM chars on, by base64-simd (the Base64
//! op), which writes into the buffer the result string is made from.
import * as op from "../../gen/ops.ts";
import { decodeLatin1, encodeLatin1Into } from "../text_encoding.ts";
import { DOMException } from "./dom_exception.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new Uint8Array(64).map((_, i) => ALPHABET.charCodeAt(i));
/** 6-bit value by char code; 64: whitespace (skipped); 255: not base64. */
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
for (const c of [0x09, 0x0a, 0x0c, 0x0d, 0x20]) DECODE[c] = 64;

function invalid(what: string): DOMException {
  return new DOMException(what, "InvalidCharacterError");
}

const NOT_LATIN1 = "Cannot encode a string with characters outside the Latin1 range";
const NOT_BASE64 = "The string to be decoded is not correctly encoded.";
/** From this length on, a string is encoded or decoded by the Base64 op. */
const NATIVE_FROM = 256;

/** Base64 of the binary string `s` by the Base64 op: its bytes go into a buffer after
 * the room for their base64, which the op writes. */
function nativeEncode(s: string): string {
  const room = Math.ceil(s.length / 3) * 4;
  const buffer = new Uint8Array(room + s.length);
  if (!encodeLatin1Into(s, buffer, room)) throw invalid(NOT_LATIN1);
  const res = op.base64Sync(false, "", room, buffer);
  return decodeLatin1(buffer.subarray(0, res.len()));
}

/** The binary string that the base64 text `s` encodes, by the Base64 op. */
function nativeDecode(s: string): string {
  const out = new Uint8Array(s.length);
  const res = op.base64Sync(true, s, 0, out);
  if (!res.valid()) throw invalid(NOT_BASE64);
  return decodeLatin1(out.subarray(0, res.len()));
}

/** Base64 of a binary string; a char above U+00FF is an "InvalidCharacterError". */
export function btoa(data: string): string {
  if (arguments.length === 0) throw new TypeError("btoa: 1 argument required, but only 0 present");
  const s = String(data);
  if (s.length >= NATIVE_FROM) return nativeEncode(s);
  const out = new Uint8Array(Math.ceil(s.length / 3) * 4);
  let o = 0;
  let i = 0;
  const whole = s.length - (s.length % 3);
  for (; i < whole; i += 3) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    if ((a | b | c) > 0xff) throw invalid(NOT_LATIN1);
    const n = (a << 16) | (b << 8) | c;
    out[o++] = ENCODE[n >> 18];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = ENCODE[(n >> 6) & 63];
    out[o++] = ENCODE[n & 63];
  }
  const left = s.length - whole;
  if (left > 0) {
    const a = s.charCodeAt(i);
    const b = left === 2 ? s.charCodeAt(i + 1) : 0;
    if ((a | b) > 0xff) throw invalid(NOT_LATIN1);
    const n = (a << 16) | (b << 8);
    out[o++] = ENCODE[n >> 18];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = left === 2 ? ENCODE[(n >> 6) & 63] : 0x3d;
    out[o++] = 0x3d;
  }
  return decodeLatin1(out.subarray(0, o));
}

/** The binary string that base64 `data` encodes (forgiving-base64: whitespace is skipped, padding optional). */
export function atob(data: string): string {
  if (arguments.length === 0) throw new TypeError("atob: 1 argument required, but only 0 present");
  const s = String(data);
  if (s.length >= NATIVE_FROM) return nativeDecode(s);
  // The count of base64 chars, and where the padding starts.
  let end = s.length;
  while (end > 0 && DECODE[s.charCodeAt(end - 1) & 0xff] === 64 && s.charCodeAt(end - 1) < 256) end--;
  let pad = 0;
  let chars = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 256 ? DECODE[c] : 255;
    if (v === 64) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    if (v === 255 || pad > 0) throw invalid(NOT_BASE64);
    chars++;
  }
  // Padding is allowed only to make a multiple of 4, and at most two.
  if (pad > 0 && (pad > 2 || (chars + pad) % 4 !== 0)) {
    throw invalid(NOT_BASE64);
  }
  if (chars % 4 === 1) throw invalid(NOT_BASE64);
  const out = new Uint8Array(Math.floor((chars * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const v = DECODE[s.charCodeAt(i)];
    if (v >= 64) continue; // whitespace; "=" only at the end, past the last char
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return decodeLatin1(out.subarray(0, o));
}
