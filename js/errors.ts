//! DenoError: what a failed op becomes in JS, carrying the Rust side's ErrorKind.
import { ErrorKind } from "../gen/msg.ts";

export { ErrorKind };

export class DenoError<T extends ErrorKind> extends Error {
  constructor(readonly kind: T, message: string) {
    super(message);
    this.name = ErrorKind[kind] ?? "DenoError";
  }
}
