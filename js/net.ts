//! TCP: Deno.listen / Deno.connect (and early Deno's Deno.listen("tcp", addr) and
//! Deno.dial), Listener and Conn over socket rids, Deno.shutdown. A Conn reads and
//! writes through Deno.read / Deno.write, so its data travels in the zero-copy buffer.
import * as op from "../gen/ops.ts";
import type { ConnRes, NetAddr as NetAddrTable } from "../gen/msg.ts";
import { DenoError, ErrorKind } from "./errors.ts";
import { checkRid, close, read, write } from "./files.ts";

type NetAddr = Deno.NetAddr;

export enum ShutdownMode {
  Read = 0,
  Write = 1,
  ReadWrite = 2,
}

function netAddr(t: NetAddrTable | null): NetAddr {
  return { transport: "tcp", hostname: t?.hostname() ?? "", port: t?.port() ?? 0 };
}

function checkPort(port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw new TypeError(`Invalid port ${String(port)}: expected an integer from 0 to 65535`);
  }
  return port as number;
}

function checkTransport(transport: string | undefined): void {
  if (transport !== undefined && transport !== "tcp") {
    throw new TypeError(`Unsupported transport "${transport}": only "tcp"`);
  }
}

function checkHost(hostname: unknown): string {
  if (typeof hostname !== "string") throw new TypeError(`Invalid hostname ${String(hostname)}: expected a string`);
  return hostname;
}

/** Early Deno's "host:port" (host may be empty, or an IPv6 address in brackets). */
function parseAddress(transport: string, address: string | undefined, defaultHost: string): [string, number] {
  checkTransport(transport);
  const at = address?.lastIndexOf(":") ?? -1;
  if (address === undefined || at < 0) throw new TypeError(`Invalid address "${address}": expected "host:port"`);
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = address.slice(at + 1);
  if (!/^\d+$/.test(port)) throw new TypeError(`Invalid address "${address}": expected "host:port"`);
  return [host || defaultHost, checkPort(Number(port))];
}

/** A TCP connection. */
export class Conn {
  constructor(readonly rid: number, readonly localAddr: NetAddr, readonly remoteAddr: NetAddr) {}

  read(p: Uint8Array): Promise<number | null> {
    return read(this.rid, p);
  }
  write(p: Uint8Array): Promise<number> {
    return write(this.rid, p);
  }
  close(): void {
    close(this.rid);
  }
  /** Shuts the sending side: the peer reads end of stream; this side can still read. */
  closeWrite(): void {
    shutdown(this.rid, ShutdownMode.Write);
  }
}

/** A listening TCP socket; iterate it for its connections until it is closed. */
export class Listener {
  constructor(readonly rid: number, readonly addr: NetAddr) {}

  async accept(): Promise<Conn> {
    return conn(await op.acceptAsync(this.rid));
  }
  close(): void {
    close(this.rid);
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Conn> {
    while (true) {
      try {
        yield await this.accept();
      } catch (e) {
        if (e instanceof DenoError && e.kind === ErrorKind.BadResource) return;
        throw e;
      }
    }
  }
}

function conn(res: ConnRes): Conn {
  return new Conn(res.rid(), netAddr(res.localAddr()), netAddr(res.remoteAddr()));
}

export function listen(options: Deno.ListenOptions | "tcp", address?: string): Listener {
  if (typeof options !== "string") checkTransport(options.transport);
  const [hostname, port] = typeof options === "string"
    ? parseAddress(options, address, "0.0.0.0")
    : [checkHost(options.hostname ?? "0.0.0.0"), checkPort(options.port)];
  const res = op.listenSync(hostname, port);
  return new Listener(res.rid(), netAddr(res.localAddr()));
}

export async function connect(options: Deno.ConnectOptions): Promise<Conn> {
  checkTransport(options.transport);
  return conn(await op.connectAsync(checkHost(options.hostname ?? "127.0.0.1"), checkPort(options.port)));
}

/** Early Deno's name: `Deno.dial("tcp", "host:port")`. */
export async function dial(transport: "tcp", address: string): Promise<Conn> {
  const [hostname, port] = parseAddress(transport, address, "127.0.0.1");
  return await connect({ hostname, port });
}

export function shutdown(rid: number, how: ShutdownMode): void {
  op.shutdownSync(checkRid(rid), how);
}
