// The same raw-TCP HTTP server as benches/tcp_http.ts, for Node (net): a fixed
// keep-alive response to every read. Usage: node benches/tcp_http_node.mjs PORT
import net from "node:net";

const port = Number(process.argv[2] ?? 4544);
const response = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nHello World\n");

net
  .createServer({ noDelay: true }, (socket) => {
    socket.on("data", () => socket.write(response));
    socket.on("error", () => socket.destroy());
  })
  .listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));
