// TCP echo throughput: a client sends MIB mebibytes (default 1024) through one
// connection to an echo server in the same process and reads them all back; prints
// MiB/s. Uses only Deno.listen/connect and Conn.read/write, so the same file runs on
// minideno and Deno 2.x. Usage: run --allow-net benches/tcp_echo.ts [MIB]
const total = Number(Deno.args[0] ?? 1024) * 1024 * 1024;
const CHUNK = 64 * 1024;

async function writeAll(conn: Deno.Conn, p: Uint8Array): Promise<void> {
  for (let off = 0; off < p.length;) off += await conn.write(p.subarray(off));
}

async function echo(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(CHUNK);
  let n;
  while ((n = await conn.read(buf)) !== null) await writeAll(conn, buf.subarray(0, n));
  conn.close();
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const serving = listener.accept().then(echo);
const client = await Deno.connect({ port: listener.addr.port });
const chunk = new Uint8Array(CHUNK).fill(7);
const start = Date.now();
const sending = (async () => {
  for (let sent = 0; sent < total;) sent += await client.write(chunk.subarray(0, Math.min(CHUNK, total - sent)));
  client.closeWrite();
})();
const buf = new Uint8Array(CHUNK);
let received = 0;
let n;
while ((n = await client.read(buf)) !== null) received += n;
await sending;
await serving;
client.close();
listener.close();
if (received !== total) throw new Error(`sent ${total} bytes, got ${received} back`);
console.log((total / 1048576 / ((Date.now() - start) / 1000)).toFixed(0));
