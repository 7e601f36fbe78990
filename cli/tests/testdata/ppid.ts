// Deno.ppid: the parent's process id (the test passes its own), read anew each time,
// and not writable.
const [parent] = Deno.args.map(Number);
console.log(Deno.ppid === parent, Deno.ppid === Deno.ppid, Deno.ppid !== Deno.pid);
try {
  // deno-lint-ignore no-explicit-any
  (Deno as any).ppid = 1;
} catch (e) {
  console.log((e as Error).name);
}
console.log(Deno.ppid === parent);
