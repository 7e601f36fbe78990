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
  /** Formats a value the way console.log does. */
  export function inspect(value: unknown): string;

  /** Why an op failed, as the Rust side reported it. */
  export enum ErrorKind {
    NoError = 0,
    NotFound,
    PermissionDenied,
    ConnectionRefused,
    ConnectionReset,
    ConnectionAborted,
    NotConnected,
    AddrInUse,
    AddrNotAvailable,
    BrokenPipe,
    AlreadyExists,
    WouldBlock,
    InvalidInput,
    InvalidData,
    TimedOut,
    Interrupted,
    WriteZero,
    UnexpectedEof,
    BadResource,
    OpNotAvailable,
    InvalidUri,
    InvalidPath,
    Other,
  }

  export class DenoError<T extends ErrorKind> extends Error {
    readonly kind: T;
    constructor(kind: T, message: string);
  }

  /** The native door. Everything above is built on it. */
  export const core: {
    /** Sends a `Base` message; returns the reply, or null when there is none. */
    dispatch(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
    /** Another name for `dispatch`. */
    send(control: Uint8Array, zeroCopy?: ArrayBufferView): Uint8Array | null;
  };
}
