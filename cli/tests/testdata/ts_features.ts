// TypeScript-only syntax that the transpiler must lower, not merely strip.
enum Color {
  Red,
  Green = 10,
  Blue,
}
const enum Flag {
  A = 1 << 0,
  B = 1 << 1,
}
namespace Geometry {
  export const unit = 1;
  export function double(n: number): number {
    return n * 2;
  }
}
class Point {
  constructor(public x: number, private readonly y: number) {}
  sum(): number {
    return this.x + this.y;
  }
}
console.log(Color.Red, Color.Blue, Color[10], Flag.A | Flag.B);
console.log(Geometry.double(Geometry.unit), new Point(2, 3).sum());
