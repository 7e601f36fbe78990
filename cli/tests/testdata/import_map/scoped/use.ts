import { greet } from "greet";
export const scoped: string = greet("x");
