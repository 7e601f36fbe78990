// TCP: an echo server and its clients in one script, the error kinds, half-close, and
// Deno.copy between connections and files. Run with -A, in both encodings.
import { assert, assertEquals, assertFails, pattern, sameBytes, test } from "../check.ts";

const { ErrorKind } = Deno;

/** An echo server on a free port: every connection gets back what it sends. */
function echoServer(): Deno.Listener {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      Deno.copy(conn, conn).then(() => conn.close());
    }
  })();
  return listener;
}

/** FNV-1a over the bytes. */
function checksum(p: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i], 16777619);
  return h >>> 0;
}

/** Sends `data` and reads the whole echo at the same time (then half-closes). */
async function exchange(conn: Deno.Conn, data: Uint8Array): Promise<Uint8Array> {
  const sending = Deno.writeAll(conn, data).then(() => conn.closeWrite());
  const echoed = await Deno.readAll(conn);
  await sending;
  return echoed;
}

await test("1,000 concurrent connections echo 64 KiB each, nothing lost or reordered", async () => {
  const listener = echoServer();
  const size = 64 * 1024;
  const clients = Array.from({ length: 1000 }, async (_, i) => {
    const data = pattern(size + i).subarray(i); // a different 64 KiB for each connection
    const conn = await Deno.connect({ port: listener.addr.port });
    const echoed = await exchange(conn, data);
    conn.close();
    if (echoed.length !== size || checksum(echoed) !== checksum(data) || !sameBytes(echoed, data)) {
      throw new Error(`connection ${i}: ${echoed.length} bytes, checksum ${checksum(echoed)} != ${checksum(data)}`);
    }
  });
  await Promise.all(clients);
  listener.close();
});

await test("addresses, resources and early Deno's names", async () => {
  const listener = Deno.listen("tcp", "127.0.0.1:0");
  assertEquals(listener.addr.transport, "tcp");
  assertEquals(listener.addr.hostname, "127.0.0.1");
  const accepted = listener.accept();
  const conn = await Deno.dial("tcp", `127.0.0.1:${listener.addr.port}`);
  const server = await accepted;
  assertEquals(conn.remoteAddr, listener.addr);
  assertEquals(server.remoteAddr, conn.localAddr);
  const kinds = Deno.resources();
  assertEquals([kinds[listener.rid], kinds[conn.rid], kinds[server.rid]], ["tcpListener", "tcpStream", "tcpStream"]);
  for (const c of [conn, server, listener]) c.close();
  assert(!(conn.rid in Deno.resources()), "closed rids are gone");
});

await test("half-close: the peer reads the end, then still answers", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    const request = await Deno.readAll(conn); // ends only at the client's closeWrite
    await Deno.writeAll(conn, new TextEncoder().encode(`got ${request.length} bytes`));
    conn.close();
  })();
  const conn = await Deno.connect({ port: listener.addr.port });
  await Deno.writeAll(conn, new Uint8Array(1000));
  conn.closeWrite();
  await assertFails(() => conn.write(new Uint8Array(1)), ErrorKind.BrokenPipe);
  assertEquals(new TextDecoder().decode(await Deno.readAll(conn)), "got 1000 bytes");
  await serving;
  conn.close();
  listener.close();
});

await test("connect to a closed port is ConnectionRefused, naming the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const msg = await assertFails(() => Deno.connect({ port }), ErrorKind.ConnectionRefused);
  assert(msg.endsWith(`connect '127.0.0.1:${port}'`), msg);
});

await test("listen on a used port is AddrInUse, naming the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const msg = await assertFails(() => Deno.listen({ hostname: "127.0.0.1", port }), ErrorKind.AddrInUse);
  assert(msg.endsWith(`listen '127.0.0.1:${port}'`), msg);
  listener.close();
});

await test("a reset connection is ConnectionReset", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ port: listener.addr.port });
  const server = await accepted;
  // Closing with unread data makes the kernel send RST instead of FIN.
  await conn.write(new Uint8Array(10));
  await new Promise((r) => setTimeout(r, 20));
  server.close();
  await new Promise((r) => setTimeout(r, 20));
  await assertFails(() => conn.read(new Uint8Array(10)), ErrorKind.ConnectionReset);
  conn.close();
  listener.close();
});

await test("read, write and accept after close are BadResource", async () => {
  const listener = echoServer();
  const conn = await Deno.connect({ port: listener.addr.port });
  conn.close();
  await assertFails(() => conn.read(new Uint8Array(4)), ErrorKind.BadResource);
  await assertFails(() => conn.write(new Uint8Array(4)), ErrorKind.BadResource);
  await assertFails(() => Deno.shutdown(conn.rid, Deno.ShutdownMode.Write), ErrorKind.BadResource);
  listener.close();
  await assertFails(() => listener.accept(), ErrorKind.BadResource);
});

await test("closing a rid fails the ops waiting on it, and ends the listener's iteration", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = listener.accept();
  const iterating = (async () => {
    let n = 0;
    for await (const _ of listener) n++;
    return n;
  })();
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = other.accept();
  const conn = await Deno.connect({ port: other.addr.port });
  const reading = conn.read(new Uint8Array(4));
  listener.close();
  conn.close();
  const msg = await assertFails(() => accepting, ErrorKind.BadResource);
  assert(msg.includes("closed while in use"), msg);
  await assertFails(() => reading, ErrorKind.BadResource);
  assertEquals(await iterating, 0);
  (await accepted).close();
  other.close();
});

await test("a socket that becomes ready is served while other ops are always ready", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ port: listener.addr.port });
  const server = await accepted;
  let spins = 0;
  let served = false;
  const reading = server.read(new Uint8Array(4)).then(() => (served = true));
  await conn.write(new Uint8Array([1]));
  // Each turn of this loop has an op ready at once; the read must still get its turn.
  while (!served && spins < 20000) {
    spins++;
    await Deno.noopAsync();
  }
  await reading;
  assert(spins < 100, `the read waited ${spins} turns`);
  for (const c of [conn, server, listener]) c.close();
});

await test("writes that are always done at once still let the event loop turn", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ port: listener.addr.port });
  const server = await accepted;
  let fired = false;
  setTimeout(() => (fired = true), 0);
  let writes = 0;
  const one = new Uint8Array(1);
  while (!fired && writes < 100_000) {
    await conn.write(one);
    writes++;
  }
  assert(fired && writes < 5000, `the timer waited for ${writes} writes`);
  for (const c of [conn, server, listener]) c.close();
});

await test("sockets are async only: readSync and writeSync refuse them", async () => {
  const listener = echoServer();
  const conn = await Deno.connect({ port: listener.addr.port });
  await assertFails(() => Deno.readSync(conn.rid, new Uint8Array(4)), ErrorKind.OpNotAvailable);
  await assertFails(() => Deno.writeSync(conn.rid, new Uint8Array(4)), ErrorKind.OpNotAvailable);
  conn.close();
  listener.close();
});

await test("Deno.copy moves a file through a connection into another file", async () => {
  const dir = Deno.makeTempDirSync();
  const data = pattern(3 * 1024 * 1024 + 17);
  Deno.writeFileSync(`${dir}/in`, data);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sending = (async () => {
    const conn = await listener.accept();
    const file = await Deno.open(`${dir}/in`);
    await Deno.copy(conn, file);
    file.close();
    conn.close();
  })();
  const conn = await Deno.connect({ port: listener.addr.port });
  const out = await Deno.create(`${dir}/out`);
  assertEquals(await Deno.copy(out, conn), data.length);
  out.close();
  conn.close();
  await sending;
  assert(sameBytes(Deno.readFileSync(`${dir}/out`), data), "the copy differs");
  Deno.removeSync(dir, { recursive: true });
  listener.close();
});

await test("bad arguments are TypeErrors; an unknown host is NotFound", async () => {
  for (const bad of [() => Deno.listen({ port: 70000 }), () => Deno.listen({ port: 1.5 }), () => Deno.listen("udp" as "tcp", ":0"), () => Deno.listen("tcp", "nohost")]) {
    try {
      bad();
      throw new Error("accepted");
    } catch (e) {
      assert(e instanceof TypeError, String(e));
    }
  }
  for (const bad of [() => Deno.connect({ port: -1 }), () => Deno.connect({ hostname: 7 as unknown as string, port: 80 }), () => Deno.dial("tcp", "nohost")]) {
    try {
      await bad();
      throw new Error("accepted");
    } catch (e) {
      assert(e instanceof TypeError, String(e));
    }
  }
  const msg = await assertFails(() => Deno.connect({ hostname: "no-such-host.invalid", port: 80 }), ErrorKind.NotFound);
  assert(msg.startsWith('cannot resolve "no-such-host.invalid"'), msg);
  await assertFails(() => Deno.shutdown(0, Deno.ShutdownMode.Read), ErrorKind.BadResource);
});

console.log("open rids at the end:", Object.values(Deno.resources()).join(" "));
