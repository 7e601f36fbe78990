//! Web Crypto, its first part: `crypto.getRandomValues` (one sync op filling the
//! caller's array in place), `crypto.randomUUID`, and `crypto.subtle.digest` (SHA-1
//! and SHA-2 on the Rust side; an input past DIGEST_INLINE_BYTES is copied, as the
//! spec says, and hashed on the blocking pool).
import * as msg from "../../gen/msg.ts";
import * as op from "../../gen/ops.ts";
import { bytesOf } from "../text_encoding.ts";
import { DOMException } from "./dom_exception.ts";
import { fieldsOf } from "./inspect.ts";

/** The most bytes one getRandomValues call may ask for (the spec's quota). */
const QUOTA = 65536;
/** Inputs up to this size are hashed at once, in the caller's buffer. */
const DIGEST_INLINE_BYTES = 64 << 10;

const INTEGER_ARRAYS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array,
];

const DIGESTS: Record<string, msg.DigestAlgorithm> = {
  "SHA-1": msg.DigestAlgorithm.Sha1,
  "SHA-256": msg.DigestAlgorithm.Sha256,
  "SHA-384": msg.DigestAlgorithm.Sha384,
  "SHA-512": msg.DigestAlgorithm.Sha512,
};

const illegal = Symbol("illegal constructor");

/** Fills an integer typed array with random values, in place; returns it. */
export function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  if (arguments.length === 0) throw new TypeError("getRandomValues: 1 argument required, but only 0 present");
  if (!ArrayBuffer.isView(array)) throw new TypeError("getRandomValues: the argument is not an ArrayBufferView");
  if (!INTEGER_ARRAYS.some((type) => array instanceof type)) {
    throw new DOMException("The provided ArrayBufferView is not an integer array type", "TypeMismatchError");
  }
  if (array.byteLength > QUOTA) {
    throw new DOMException(
      `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${QUOTA})`,
      "QuotaExceededError",
    );
  }
  if (array.byteLength > 0) op.getRandomValuesSync(array);
  return array;
}

const uuidBytes = new Uint8Array(16);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A random (version 4) UUID, in its 36-char form. */
function randomUUID(): string {
  const b = getRandomValues(uuidBytes);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX[b[i]];
  }
  return s;
}

export class SubtleCrypto {
  constructor(key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
  }

  /** The digest of `data` by `algorithm` ("SHA-1", "SHA-256", "SHA-384", "SHA-512", or `{ name }`). */
  async digest(algorithm: string | { name: string }, data: BufferSource): Promise<ArrayBuffer> {
    if (arguments.length < 2) throw new TypeError("digest: 2 arguments required");
    const name = typeof algorithm === "string" ? algorithm : algorithm?.name;
    if (typeof name !== "string") throw new TypeError("digest: the algorithm must be a string or have a name");
    const kind = DIGESTS[name.toUpperCase()];
    if (kind === undefined) throw new DOMException(`Unrecognized algorithm name: ${name}`, "NotSupportedError");
    const bytes = bytesOf(data, "digest: the data");
    const res = bytes.byteLength <= DIGEST_INLINE_BYTES
      ? op.digestSync(kind, bytes)
      : await op.digestAsync(kind, bytes.slice());
    return res.digestArray()!.slice().buffer;
  }
}

type BufferSource = ArrayBuffer | ArrayBufferView;

export class Crypto {
  readonly #subtle = new SubtleCrypto(illegal);

  constructor(key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
  }

  get subtle(): SubtleCrypto {
    return this.#subtle;
  }

  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    return (getRandomValues as (...args: unknown[]) => T)(...arguments);
  }

  randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
    return randomUUID() as `${string}-${string}-${string}-${string}-${string}`;
  }

  [fieldsOf](): Record<string, unknown> {
    return {};
  }
}

/** The `crypto` global. */
export const crypto = new Crypto(illegal);
