//! The Rust side of TextDecoder's encodings other than UTF-8 (encoding_rs, through the
//! EncodingName and Decode ops), installed into js/text_encoding.ts: a single-byte
//! encoding's table is asked for once and then decoded in JS; the others are decoded
//! per call, the text coming back as UTF-16 units.
import * as op from "../../gen/ops.ts";
import { DenoError } from "../errors.ts";
import { decodeUtf16, invalidData, setLegacyDecoding } from "../text_encoding.ts";

/** Bytes 0x80-0xFF, decoded to learn a single-byte encoding's table (the low half is ASCII). */
const HIGH_BYTES = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);

/** The single-byte encodings of the WHATWG Encoding standard. */
const SINGLE_BYTE = new Set([
  "ibm866", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8",
  "iso-8859-8-i", "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16", "koi8-r", "koi8-u",
  "macintosh", "windows-874", "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
  "windows-1255", "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic", "x-user-defined",
]);

const tables = new Map<string, Uint16Array>();

function decode(encoding: string, bytes: Uint8Array, fatal: boolean, ignoreBOM: boolean, stream: boolean, rid: number): [string, number] {
  let res;
  try {
    res = op.decodeSync(encoding, fatal, ignoreBOM, stream, rid, bytes);
  } catch (e) {
    throw e instanceof DenoError ? invalidData() : e;
  }
  return [decodeUtf16(res.unitsArray()!), res.rid()];
}

setLegacyDecoding({
  name: (label) => op.encodingNameSync(label).name(),
  table(encoding) {
    if (!SINGLE_BYTE.has(encoding)) return null;
    let table = tables.get(encoding);
    if (table === undefined) {
      const [text] = decode(encoding, HIGH_BYTES, false, true, false, 0);
      table = new Uint16Array(256);
      for (let i = 0; i < 256; i++) table[i] = i < 0x80 ? i : text.charCodeAt(i - 0x80);
      tables.set(encoding, table);
    }
    return table;
  },
  decode,
});
