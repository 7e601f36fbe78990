// A static JSON import, and a re-export of one.
import data from "./data.json" with { type: "json" };
export { default as again } from "./data.json" with { type: "json" };
import { again } from "./json_static.ts";
console.log(data.name, data.list.length, again === data);
