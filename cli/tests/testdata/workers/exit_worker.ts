// Calls Deno.exit: it ends this worker, not the program.
postMessage("exiting");
Deno.exit(7);
