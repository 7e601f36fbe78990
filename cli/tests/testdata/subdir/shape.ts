// A module whose only export is a type.
export interface Shape {
  sides: number;
}
console.log("shape.ts evaluated");
