// Types are stripped, so the JavaScript V8 runs has fewer lines than this file:
// the stack must still point at the TypeScript line and column.
interface Point {
  x: number;
  y: number;
}

function fail(p: Point): never {
  throw new Error(`bad point ${p.x},${p.y}`);
}

fail({ x: 1, y: 2 });
