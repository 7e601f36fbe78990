// The tutorial's async op: Deno.resolve() runs getaddrinfo on Rust's blocking pool.
const address = await Deno.resolve("localhost");
console.log(`localhost resolves to ${address}`);
