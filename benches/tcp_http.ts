// An HTTP server over raw TCP, in the style of early Deno's tools/deno_tcp.ts: an
// accept loop, one read per request, a fixed keep-alive response. Uses only
// Deno.listen and Conn.read/write, so the same file runs on minideno and Deno 2.x.
// Usage: run --allow-net benches/tcp_http.ts PORT
const port = Number(Deno.args[0] ?? 4544);
const response = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nHello World\n",
);

async function handle(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(1024);
  try {
    while ((await conn.read(buffer)) !== null) {
      for (let sent = 0; sent < response.length;) sent += await conn.write(response.subarray(sent));
    }
  } catch {
    // A client that goes away mid-request: drop the connection.
  } finally {
    conn.close();
  }
}

const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`listening on ${listener.addr.hostname}:${listener.addr.port}`);
for await (const conn of listener) handle(conn);
