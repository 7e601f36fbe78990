//! Helpers over any reader or writer (files, stdio, Deno.Buffer, later sockets):
//! Deno.copy, readAll, writeAll, iter, and Deno.Buffer. Pure TypeScript over the ops.

// The interfaces are declared (and documented) once, in lib.deno.d.ts.
type Reader = Deno.Reader;
type ReaderSync = Deno.ReaderSync;
type Writer = Deno.Writer;
type WriterSync = Deno.WriterSync;

/** Copies and reads go in chunks of this size unless told otherwise. */
const CHUNK = 64 * 1024;

export async function writeAll(w: Writer, data: Uint8Array): Promise<void> {
  for (let n = 0; n < data.length;) n += await w.write(n === 0 ? data : data.subarray(n));
}

export function writeAllSync(w: WriterSync, data: Uint8Array): void {
  for (let n = 0; n < data.length;) n += w.writeSync(n === 0 ? data : data.subarray(n));
}

/**
 * Copies `src` to `dst` until `src` ends; resolves to the number of bytes copied. Two
 * buffers take turns, so the next read runs while the last chunk is being written.
 */
export async function copy(dst: Writer, src: Reader, options?: { bufSize?: number }): Promise<number> {
  const size = options?.bufSize ?? CHUNK;
  const bufs = [new Uint8Array(size), new Uint8Array(size)];
  let writing: Promise<void> = Promise.resolve();
  let total = 0;
  for (let turn = 0;; turn ^= 1) {
    const n = await src.read(bufs[turn]);
    await writing;
    if (n === null) return total;
    writing = writeAll(dst, bufs[turn].subarray(0, n));
    // Its failure is thrown by the `await` above, in the next turn.
    writing.catch(() => {});
    total += n;
  }
}

/** Yields chunks of `r` until it ends; each chunk is valid until the next is read. */
export async function* iter(r: Reader, options?: { bufSize?: number }): AsyncIterableIterator<Uint8Array> {
  const buf = new Uint8Array(options?.bufSize ?? CHUNK);
  for (;;) {
    const n = await r.read(buf);
    if (n === null) return;
    yield buf.subarray(0, n);
  }
}

export function* iterSync(r: ReaderSync, options?: { bufSize?: number }): IterableIterator<Uint8Array> {
  const buf = new Uint8Array(options?.bufSize ?? CHUNK);
  for (;;) {
    const n = r.readSync(buf);
    if (n === null) return;
    yield buf.subarray(0, n);
  }
}

/** Reads `r` to its end. */
export async function readAll(r: Reader): Promise<Uint8Array> {
  const buf = new Buffer();
  await buf.readFrom(r);
  return buf.bytes({ copy: false });
}

export function readAllSync(r: ReaderSync): Uint8Array {
  const buf = new Buffer();
  buf.readFromSync(r);
  return buf.bytes({ copy: false });
}

/**
 * A growable byte buffer that is a Reader and a Writer: writes append, reads consume
 * from the front. As early Deno's (and Go's bytes.Buffer).
 */
export class Buffer implements Reader, ReaderSync, Writer, WriterSync {
  #buf: Uint8Array;
  #off = 0; // read position
  #end = 0; // write position

  constructor(ab?: ArrayBufferLike | ArrayLike<number>) {
    this.#buf = ab === undefined ? new Uint8Array(0) : new Uint8Array(ab as ArrayLike<number>);
    this.#end = this.#buf.length;
  }

  /** The unread bytes: a view (valid until the next change) unless `copy` is true (the default). */
  bytes(options = { copy: true }): Uint8Array {
    const view = this.#buf.subarray(this.#off, this.#end);
    return options.copy === false ? view : view.slice();
  }

  empty(): boolean {
    return this.#end <= this.#off;
  }

  get length(): number {
    return this.#end - this.#off;
  }

  get capacity(): number {
    return this.#buf.buffer.byteLength;
  }

  /** Keeps the first `n` unread bytes. */
  truncate(n: number): void {
    if (n === 0) return this.reset();
    if (n < 0 || n > this.length) throw new RangeError("Buffer.truncate: out of range");
    this.#end = this.#off + n;
  }

  reset(): void {
    this.#off = this.#end = 0;
  }

  /** Makes room for `n` more bytes; returns where they go. */
  #grow(n: number): number {
    const len = this.length;
    if (this.#end + n <= this.#buf.length) return this.#end;
    if (len + n <= this.#buf.length) {
      // Enough room once the read bytes are dropped.
      this.#buf.copyWithin(0, this.#off, this.#end);
    } else {
      const next = new Uint8Array(Math.max(2 * this.#buf.length, len + n, 512));
      next.set(this.#buf.subarray(this.#off, this.#end));
      this.#buf = next;
    }
    this.#off = 0;
    this.#end = len;
    return len;
  }

  grow(n: number): void {
    if (n < 0) throw new RangeError("Buffer.grow: negative count");
    this.#grow(n);
  }

  readSync(p: Uint8Array): number | null {
    if (this.empty()) {
      this.reset();
      return p.length === 0 ? 0 : null;
    }
    const n = Math.min(p.length, this.length);
    p.set(this.#buf.subarray(this.#off, this.#off + n));
    this.#off += n;
    return n;
  }

  read(p: Uint8Array): Promise<number | null> {
    return Promise.resolve(this.readSync(p));
  }

  writeSync(p: Uint8Array): number {
    const at = this.#grow(p.length);
    this.#buf.set(p, at);
    this.#end = at + p.length;
    return p.length;
  }

  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(this.writeSync(p));
  }

  /** Appends everything `r` yields until it ends; resolves to the count. */
  async readFrom(r: Reader): Promise<number> {
    let total = 0;
    for (;;) {
      const at = this.#grow(CHUNK);
      const n = await r.read(this.#buf.subarray(at));
      if (n === null) return total;
      this.#end = at + n;
      total += n;
    }
  }

  readFromSync(r: ReaderSync): number {
    let total = 0;
    for (;;) {
      const at = this.#grow(CHUNK);
      const n = r.readSync(this.#buf.subarray(at));
      if (n === null) return total;
      this.#end = at + n;
      total += n;
    }
  }
}
