const who: string = "world";
console.log(`Hello, ${who}!`);
