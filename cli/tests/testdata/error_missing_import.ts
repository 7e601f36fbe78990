import { nothing } from "./does_not_exist.ts";
console.log(nothing);
