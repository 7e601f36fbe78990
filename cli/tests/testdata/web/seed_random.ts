// With --seed, crypto.getRandomValues and Math.random repeat from run to run.
console.log(crypto.getRandomValues(new Uint8Array(8)));
console.log(crypto.getRandomValues(new Uint32Array(2)));
console.log(Math.random(), Math.random());
