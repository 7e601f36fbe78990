// The tutorial's async op: Deno.resolve() runs getaddrinfo on Rust's blocking pool.
// DNS is network access: run it with `minideno run --allow-net=localhost examples/resolve.ts`.
const address = await Deno.resolve("localhost");
console.log(`localhost resolves to ${address}`);
