//! Deno.myNumber(): the tutorial's pure-TypeScript API, no op involved.
export function myNumber(): Promise<number> {
  return Promise.resolve(42);
}
