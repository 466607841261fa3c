import { connect as netConnect, type Socket } from "node:net";

/**
 * A minimal Redis client (RESP2 over TCP), for BullMQ and for the distributed runner's own keys.
 *
 * Why our own: BullMQ 6 no longer bundles a Redis driver (ioredis and node-redis are optional peers) and this
 * project installs none. BullMQ drives any client shaped like Bun's built-in `RedisClient` through its adapter
 * (`createBunRedisClient`): `send(command, args)`, `connect()`, `close()`, `connected`, `duplicate()` and the
 * `onconnect`/`onclose` callbacks — which is exactly this class. The adapter owns reconnection (a closed
 * connection is replaced by a `duplicate()`), so one RespConnection is one TCP connection, used once.
 *
 * Replies: simple strings and bulk strings as strings (or Buffers with `sendBuffers`: binary-safe values), integers
 * as numbers, nil as null, arrays as arrays; an error reply rejects the command, and inside an array (EXEC) is an
 * Error element. Commands pipeline: each is written at once and replies are matched in order (FIFO).
 * Not supported: TLS (rediss://), RESP3, pub/sub, cluster.
 */

export type RespArg = string | number | Buffer | Uint8Array;
export type RespReply = string | number | Buffer | null | Error | RespReply[];

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
  buffers: boolean;
}

export interface RedisAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
}

/** redis://[user[:password]@]host[:port][/db] → address; throws a plain Error naming what is wrong. */
export function parseRedisUrl(url: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)} (expected redis://host:port)`);
  }
  if (u.protocol !== "redis:") throw new Error(`unsupported scheme ${u.protocol} (expected redis://host:port)`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`bad database number in ${url}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
  };
}

const CRLF = Buffer.from("\r\n");

function argBuffer(a: RespArg): Buffer {
  if (Buffer.isBuffer(a)) return a;
  if (a instanceof Uint8Array) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.from(String(a));
}

/** One command as a RESP array of bulk strings. */
export function encodeCommand(parts: readonly RespArg[]): Buffer {
  const out: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const p of parts) {
    const b = argBuffer(p);
    out.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(out);
}

/** Marks a reply that is not complete yet; `need` is the least total length of the buffer that can hold it. */
class Incomplete {
  readonly need: number;
  constructor(need: number) {
    this.need = need;
  }
}

function parseAt(buf: Buffer, at: number): [RespReply, number] | Incomplete {
  const eol = buf.indexOf(CRLF, at + 1);
  if (eol < 0) return new Incomplete(buf.length + 1);
  const line = buf.toString("latin1", at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case 0x2b: // + simple string
      return [buf.toString("utf8", at + 1, eol), next];
    case 0x2d: // - error
      return [new Error(buf.toString("utf8", at + 1, eol)), next];
    case 0x3a: // : integer
      return [Number(line), next];
    case 0x24: {
      // $ bulk string
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return new Incomplete(next + len + 2);
      return [buf.subarray(next, next + len), next + len + 2];
    }
    case 0x2a: {
      // * array
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: RespReply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        if (pos >= buf.length) return new Incomplete(pos + 1);
        const r = parseAt(buf, pos);
        if (r instanceof Incomplete) return r;
        items.push(r[0]);
        pos = r[1];
      }
      return [items, pos];
    }
    default:
      throw new Error(`Redis protocol error: unexpected byte 0x${(buf[at] ?? 0).toString(16)}`);
  }
}

/** Incremental reader: chunks in, complete replies out; a large bulk reply is joined once, when all arrived. */
export class RespReader {
  #chunks: Buffer[] = [];
  #length = 0;
  #need = 1;

  push(chunk: Buffer): RespReply[] {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) return [];
    const buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#length);
    const replies: RespReply[] = [];
    let at = 0;
    this.#need = 1;
    while (at < buf.length) {
      const r = parseAt(buf, at);
      if (r instanceof Incomplete) {
        this.#need = r.need - at;
        break;
      }
      replies.push(r[0]);
      at = r[1];
    }
    const rest = buf.subarray(at);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    return replies;
  }
}

function toStrings(r: RespReply): RespReply {
  if (Buffer.isBuffer(r)) return r.toString("utf8");
  if (Array.isArray(r)) return r.map(toStrings);
  return r;
}

/**
 * Bulk values as Buffers of their own: a small value is copied out of the read buffer (a view would keep the
 * whole socket chunk alive), a large one — most of a buffer joined for it — is kept as it is.
 */
function toOwnedBuffers(r: RespReply): RespReply {
  if (Buffer.isBuffer(r)) return 2 * r.length >= r.buffer.byteLength ? r : Buffer.from(r);
  if (Array.isArray(r)) return r.map(toOwnedBuffers);
  return r;
}

export interface RespOptions {
  url: string;
  /** Give up connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
}

export class RespConnection {
  readonly url: string;
  onconnect: (() => void) | null = null;
  onclose: ((error?: Error) => void) | null = null;
  onerror: ((error: Error) => void) | null = null;
  readonly #address: RedisAddress;
  readonly #connectTimeoutMs: number;
  #socket: Socket | null = null;
  #state: "idle" | "connecting" | "open" | "closed" = "idle";
  #closing = false;
  #connecting: Promise<void> | null = null;
  #waiting: Waiter[] = [];
  #offline: { frame: Buffer; waiter: Waiter }[] = [];
  #reader = new RespReader();

  constructor(o: RespOptions | string) {
    const opts = typeof o === "string" ? { url: o } : o;
    this.url = opts.url;
    this.#address = parseRedisUrl(opts.url);
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  }

  get connected(): boolean {
    return this.#state === "open";
  }

  connect(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    if (this.#state === "closed") return Promise.reject(new Error("Connection closed"));
    this.#state = "connecting";
    this.#connecting = new Promise<void>((resolve, reject) => {
      const a = this.#address;
      const socket = netConnect({ host: a.host, port: a.port });
      this.#socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      let opened = false;
      let lastError: Error | undefined;
      const timer = setTimeout(() => {
        socket.destroy(new Error(`no answer from ${a.host}:${a.port} within ${this.#connectTimeoutMs} ms`));
      }, this.#connectTimeoutMs);
      socket.on("data", (chunk: Buffer) => this.#onData(chunk));
      socket.on("error", (e: Error) => {
        lastError = e;
        if (opened) this.onerror?.(e);
      });
      socket.on("close", () => {
        clearTimeout(timer);
        this.#state = "closed";
        this.#socket = null;
        this.#connecting = null;
        const error = this.#closing
          ? new Error("Connection closed")
          : new Error(`Connection closed unexpectedly${lastError ? `: ${lastError.message}` : ""}`);
        for (const w of this.#waiting.splice(0)) w.reject(error);
        for (const { waiter } of this.#offline.splice(0)) waiter.reject(error);
        if (!opened) reject(lastError ?? error);
        this.onclose?.(this.#closing ? undefined : (lastError ?? error));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        const handshake: Promise<unknown>[] = [];
        if (a.password !== undefined) {
          const auth = a.username !== undefined ? ["AUTH", a.username, a.password] : ["AUTH", a.password];
          handshake.push(this.#write(encodeCommand(auth), false));
        }
        if (a.db !== 0) handshake.push(this.#write(encodeCommand(["SELECT", a.db]), false));
        Promise.all(handshake).then(
          () => {
            if (this.#state !== "connecting") return;
            opened = true;
            this.#state = "open";
            this.#connecting = null;
            for (const { frame, waiter } of this.#offline.splice(0)) {
              this.#waiting.push(waiter);
              socket.write(frame);
            }
            this.onconnect?.();
            resolve();
          },
          (e: Error) => socket.destroy(e),
        );
      });
    });
    return this.#connecting;
  }

  /** Sends a command; bulk replies as strings. Before the connection is open, commands wait for it. */
  send<T = unknown>(command: string, args: readonly RespArg[] = []): Promise<T> {
    return this.#send([command, ...args], false) as Promise<T>;
  }

  /** Sends a command; bulk replies as Buffers (binary-safe values). */
  sendBuffers<T = unknown>(command: string, args: readonly RespArg[] = []): Promise<T> {
    return this.#send([command, ...args], true) as Promise<T>;
  }

  // What BullMQ's BunRedisRawClient type asks for besides send().
  get(key: string): Promise<string | null> {
    return this.send<string | null>("GET", [key]);
  }
  smembers(key: string): Promise<string[]> {
    return this.send<string[]>("SMEMBERS", [key]);
  }
  incr(key: string): Promise<number> {
    return this.send<number>("INCR", [key]);
  }

  /** A new, unconnected connection to the same server (async, as BullMQ's adapter expects). */
  duplicate(): Promise<this> {
    return Promise.resolve(new RespConnection({ url: this.url, connectTimeoutMs: this.#connectTimeoutMs }) as this);
  }

  /** Closes at once: commands still waiting (a blocking BLPOP too) reject with "Connection closed". */
  close(): void {
    this.#closing = true;
    if (this.#socket) this.#socket.destroy();
    else if (this.#state !== "closed") {
      this.#state = "closed";
      const error = new Error("Connection closed");
      for (const { waiter } of this.#offline.splice(0)) waiter.reject(error);
    }
  }

  #send(parts: readonly RespArg[], buffers: boolean): Promise<unknown> {
    if (this.#state === "closed") return Promise.reject(new Error("Connection closed"));
    const frame = encodeCommand(parts);
    if (this.#state === "open") return this.#write(frame, buffers);
    return new Promise((resolve, reject) => {
      this.#offline.push({ frame, waiter: { resolve, reject, buffers } });
      if (this.#state === "idle") this.connect().catch(() => {});
    });
  }

  #write(frame: Buffer, buffers: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject, buffers });
      this.#socket!.write(frame);
    });
  }

  #onData(chunk: Buffer): void {
    let replies: RespReply[];
    try {
      replies = this.#reader.push(chunk);
    } catch (e) {
      this.#socket?.destroy(e as Error);
      return;
    }
    for (const reply of replies) {
      const w = this.#waiting.shift();
      if (!w) continue;
      if (reply instanceof Error) w.reject(reply);
      else w.resolve(w.buffers ? toOwnedBuffers(reply) : toStrings(reply));
    }
  }
}
