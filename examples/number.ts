async function main() { console.log(`The magic number is ${await Deno.myNumber()}`); } main();
