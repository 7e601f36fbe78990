// File throughput under Node 20, as benches/fs.ts measures it: fs.promises.readFile and a
// stream pipeline copy (64 KiB chunks). Usage: node benches/fs_node.mjs FILE OUT [RUNS]
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import { pipeline } from "node:stream/promises";

const [file, out, runs = "5"] = process.argv.slice(2);

async function best(what, fn) {
  let top = 0;
  for (let i = 0; i < Number(runs); i++) {
    const t0 = Date.now();
    const bytes = await fn();
    top = Math.max(top, bytes / 2 ** 20 / ((Date.now() - t0) / 1000));
  }
  console.log(`${what} ${top.toFixed(0)}`);
}

await best("readFile", async () => (await fs.readFile(file)).length);
await best("copy", async () => {
  await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), createWriteStream(out));
  return (await fs.stat(out)).size;
});
