// Found from here up: ../../deno.jsonc maps "greet".
import { greet } from "greet";
console.log(greet("config"));
