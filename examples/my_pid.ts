// The tutorial's sync op: Deno.myPid() asks the Rust side for the process id.
console.log(`My pid is ${Deno.myPid()}`);
