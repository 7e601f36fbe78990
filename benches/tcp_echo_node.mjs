// The TCP echo of benches/tcp_echo.ts for Node (net): MIB mebibytes through one
// connection and back, in one process; prints MiB/s. Usage: node benches/tcp_echo_node.mjs [MIB]
import net from "node:net";

const total = Number(process.argv[2] ?? 1024) * 1024 * 1024;
const CHUNK = 64 * 1024;
const server = net.createServer((socket) => socket.pipe(socket));
server.listen(0, "127.0.0.1", () => {
  const client = net.connect(server.address().port, "127.0.0.1");
  const chunk = Buffer.alloc(CHUNK, 7);
  const start = Date.now();
  let sent = 0;
  let received = 0;
  const send = () => {
    while (sent < total) {
      const piece = chunk.subarray(0, Math.min(CHUNK, total - sent));
      sent += piece.length;
      if (!client.write(piece)) return client.once("drain", send);
    }
    client.end();
  };
  client.on("data", (d) => (received += d.length));
  client.on("end", () => {
    if (received !== total) throw new Error(`sent ${total} bytes, got ${received} back`);
    console.log((total / 1048576 / ((Date.now() - start) / 1000)).toFixed(0));
    server.close();
  });
  send();
});
