// Grows the heap without end, in small steps.
const keep: number[][] = [];
while (true) keep.push(new Array(10000).fill(1.5));
