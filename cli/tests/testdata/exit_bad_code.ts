try {
  Deno.exit(1.5);
} catch (e) {
  console.log((e as Error).message);
}
Deno.exit();
