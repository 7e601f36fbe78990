// Files whose names hold `#`, `?` and `%41`: a specifier names them percent-encoded.
import { name as hash } from "./odd%23name.ts";
import { name as question } from "./odd%3Fname.ts";
import { name as percent } from "./odd%2541name.ts";
console.log(hash, question, percent);
