// A worker resolves its imports through the program's import map too.
import { greet } from "greet";
postMessage(greet("worker"));
