console.log(Deno.args);
console.log(Deno.args.length);
