const value: number = await new Promise<number>((resolve) => resolve(41));
console.log(value + 1);
console.log(await Deno.myNumber());
