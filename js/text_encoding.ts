//! TextEncoder / TextDecoder (UTF-8 only): V8 has no encoding API of its own, and the
//! FlatBuffers runtime needs one. Installed as globals when this module loads.

export class TextEncoder {
  readonly encoding = "utf-8";

  encode(input = ""): Uint8Array {
    const s = String(input);
    const out = new Uint8Array(s.length * 3);
    return out.slice(0, encodeUtf8Into(s, out, 0));
  }
}

/**
 * Writes `s` as UTF-8 into `out` from `at` (room for 3 bytes per UTF-16 unit is the
 * caller's); where it ends. A lone surrogate becomes U+FFFD, as TextEncoder does.
 */
export function encodeUtf8Into(s: string, out: Uint8Array, at: number): number {
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
    if (c < 0x800) {
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
  }
  return n;
}

export class TextDecoder {
  readonly encoding = "utf-8";

  decode(input?: ArrayBuffer | ArrayBufferView): string {
    if (input === undefined) return "";
    const bytes = input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const units: number[] = [];
    let out = "";
    const flush = () => {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    };
    for (let i = 0; i < bytes.length;) {
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
      // Sequence length and the smallest code point it may encode (no overlongs).
      let len = 0;
      let min = 0;
      if (b >= 0xc2 && b < 0xe0) [len, min] = [2, 0x80];
      else if (b >= 0xe0 && b < 0xf0) [len, min] = [3, 0x800];
      else if (b >= 0xf0 && b < 0xf5) [len, min] = [4, 0x10000];
      let c = len === 0 ? -1 : b & (0xff >> (len + 1));
      let used = 1;
      for (; used < len; used++) {
        const next = bytes[i + used];
        if (next === undefined || (next & 0xc0) !== 0x80) break;
        c = (c << 6) | (next & 0x3f);
      }
      if (len === 0 || used < len || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        units.push(0xfffd);
        i += Math.max(1, used);
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
    return out;
  }
}

Object.assign(globalThis, { TextEncoder, TextDecoder });
