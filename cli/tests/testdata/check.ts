// A small harness for the file system tests: each case prints "ok NAME" or
// "FAIL NAME: why", so a .out file lists what must pass and a failure says why.
export async function test(name: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
    console.log("ok", name);
  } catch (e) {
    console.log("FAIL", name + ":", e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}

export function assert(cond: unknown, what = "assertion failed"): asserts cond {
  if (!cond) throw new Error(what);
}

export function assertEquals(actual: unknown, expected: unknown): void {
  const [a, e] = [Deno.inspect(actual), Deno.inspect(expected)];
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

/** The DenoError `fn` throws (or rejects with) must have `kind`; returns its message. */
export async function assertFails(fn: () => unknown, kind: Deno.ErrorKind): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Deno.DenoError)) throw new Error(`expected a DenoError, got ${e}`);
    if (e.kind !== kind) {
      throw new Error(`expected ${Deno.ErrorKind[kind]}, got ${e.name}: ${e.message}`);
    }
    return e.message;
  }
  throw new Error(`expected ${Deno.ErrorKind[kind]}, nothing was thrown`);
}

/** `n` bytes of a pattern that differs at every offset modulo 251. */
export function pattern(n: number): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = i % 251;
  return p;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * What `fn` throws (or rejects with) must be an instance of `type` and, for a
 * DOMException, have `name`; returns it.
 */
export async function assertThrows<E>(fn: () => unknown, type: abstract new (...args: never[]) => E, name?: string): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`expected a ${type.name}, got ${Deno.inspect(e)}`);
    if (name !== undefined && (e as { name?: string }).name !== name) {
      throw new Error(`expected ${name}, got ${(e as { name?: string }).name}: ${(e as Error).message}`);
    }
    return e;
  }
  throw new Error(`expected a ${type.name}${name ? ` (${name})` : ""}, nothing was thrown`);
}
