// The public types of minideno's `Deno` namespace (what `Deno.*` offers user code).

declare namespace Deno {
  /** Arguments after the script name: `minideno run x.ts a b` gives `["a", "b"]`. */
  export const args: string[];
  /** The process id. */
  export const pid: number;
  /** URL of the main module. */
  export const mainModule: string;
  export const noColor: boolean;
  export const version: { deno: string; v8: string; typescript: string };
  export function execPath(): string;
  export function cwd(): string;
  /** The tutorial's API: resolves to 42, computed in TypeScript without an op. */
  export function myNumber(): Promise<number>;
  /** The process id, from a sync op (the tutorial's). */
  export function myPid(): number;
  /** The first IPv4 address of `hostname`, from an async op on the blocking pool. */
  export function resolve(hostname: string): Promise<string>;
  /** Ends the process with `code` (a 32-bit integer, default 0). */
  export function exit(code?: number): never;
  /**
   * Traffic through the one door since start (this call included, but not its reply's
   * bytes), in total and per op: `ops` has an entry for each op called at least once,
   * by its schema name (`ops.MyPid.count`). Bytes in are control + zero-copy bytes.
   */
  export function metrics(): {
    opsDispatched: number;
    opsCompleted: number;
    bytesSentControl: number;
    bytesSentData: number;
    bytesReceived: number;
    ops: Record<string, { count: number; errors: number; bytesIn: number; bytesOut: number }>;
  };
  /** Benchmark ops: the door's own cost, sync and async (Noop has no result). */
  export function noop(): void;
  export function noopAsync(): Promise<void>;
  /** Benchmark ops: `data` in through the zero-copy buffer, a copy back in the reply. */
  export function echo(data: ArrayBufferView): Uint8Array;
  export function echoAsync(data: ArrayBufferView): Promise<Uint8Array>;
  /** Formats a value the way console.log does. */
  export function inspect(value: unknown): string;

  /** Why an op failed, as the Rust side reported it (the schema's ErrorKind; members
   * carry their values, as ambient enum members without one would not be constants). */
  export enum ErrorKind {
    NoError = 0,
    NotFound = 1,
    PermissionDenied = 2,
    ConnectionRefused = 3,
    ConnectionReset = 4,
    ConnectionAborted = 5,
    NotConnected = 6,
    AddrInUse = 7,
    AddrNotAvailable = 8,
    BrokenPipe = 9,
    AlreadyExists = 10,
    WouldBlock = 11,
    InvalidInput = 12,
    InvalidData = 13,
    TimedOut = 14,
    Interrupted = 15,
    WriteZero = 16,
    UnexpectedEof = 17,
    BadResource = 18,
    OpNotAvailable = 19,
    InvalidUri = 20,
    InvalidPath = 21,
    Other = 22,
  }

  export class DenoError<T extends ErrorKind> extends Error {
    readonly kind: T;
    constructor(kind: T, message: string);
  }

  /** The native door. Everything above is built on it. */
  export const core: {
    /**
     * Sends a `Base` message (schema/msg.fbs) with an optional zero-copy buffer.
     * Returns a sync op's reply (a view of `shared`, valid until the next dispatch),
     * or null: an op without a result, or an async request, whose reply comes to the
     * `recv` callback. Throws a TypeError for a message that is not a request, an
     * async cmd_id already in flight, a view past the end of its buffer (detached or
     * shrunk), or a detached `shared`.
     */
    dispatch(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
    /** Another name for `dispatch`. */
    send(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
    /** Registers the callback that receives async replies, in batches of size-prefixed `Base` messages. */
    recv(cb: (replies: Uint8Array) => void): void;
    /** Where sync replies are written. */
    shared: ArrayBuffer;
  };
}

declare function setTimeout(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): number;
declare function setInterval(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;

/** Prints to stdout (log, info, debug) or stderr (warn, error), formatted as Deno does. */
declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};

/** Encodes strings as UTF-8 (the only encoding minideno has). */
declare class TextEncoder {
  readonly encoding: "utf-8";
  encode(input?: string): Uint8Array;
}

/** Decodes UTF-8 bytes; malformed sequences become U+FFFD. */
declare class TextDecoder {
  readonly encoding: "utf-8";
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}
