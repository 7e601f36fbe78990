export interface Pair {
  a: number;
  b: number;
}

export const sum = ({ a, b }: Pair): number => a + b;
export default function twice(n: number): number {
  return n * 2;
}
