const pid: number = Deno.myPid();
console.log(typeof pid, Number.isInteger(pid) && pid > 1);
// The sync op asks Rust every time; Deno.pid was read once at start.
console.log(pid === Deno.pid, Deno.myPid() === pid);
