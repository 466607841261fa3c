import { deserialize, serialize } from "node:v8";
import { Redis } from "ioredis";
import { MoldtwinError } from "../../engine/errors.ts";
import type { ChunkKind } from "../../engine/runner/chunk.ts";

/**
 * The distributed runner's wire protocol: what the gatherer (bullmqExecutor.ts) and the workers (worker.ts)
 * agree on in Redis.
 *
 * Keys of one run (all expire after RUN_TTL_S, so a gatherer killed mid-run leaves nothing behind for long):
 *   moldtwin:run:<runId>:shared   the chunks' shared data, v8-serialized (string)
 *   moldtwin:run:<runId>:results  chunk index → the chunk's result, v8-serialized (hash, binary-safe)
 *   moldtwin:run:<runId>:done     chunk indices in the order their results were stored (list)
 * A chunk is a BullMQ job on the queue "moldtwin-chunks": id `<runId>-<index>`, data {runId, kind, index, part}
 * (a few integers; the shared data stays in its key and each worker reads it once per run). Workers announce
 * themselves under moldtwin:worker:<id> (their thread count, refreshed every few seconds, expiring).
 *
 * Storing a result is one Lua script (STORE_RESULT), atomic: if the run still exists, HSETNX the result and, only
 * if that set it, RPUSH the index. A chunk that runs twice (its worker died after storing, or was wrongly
 * thought dead) is stored and announced once; a chunk that finishes after its run ended (cancelled, failed)
 * stores nothing, so no key outlives the run.
 *
 * The client is ioredis, on both sides. Our own commands go through connectRedis (binary values as Buffers with
 * getBuffer/hgetBuffer, STORE_RESULT as a defined command: EVALSHA; the gatherer's BLPOP on a duplicate, as it
 * blocks its connection). BullMQ gets ioredis instances too: the gatherer's Queue reuses its command connection
 * (bounded retries, so a run fails instead of waiting for a Redis that went away), a Worker gets one of its own
 * with maxRetriesPerRequest null (bullmqConnection), as BullMQ asks for, and duplicates it for its blocking one.
 */

export const QUEUE = "moldtwin-chunks";
export const RUN_TTL_S = 24 * 3600;
export const WORKER_TTL_MS = 15_000;
export const WORKER_HEARTBEAT_MS = 5_000;
export const WORKER_PATTERN = "moldtwin:worker:*";
export const workerKey = (id: string): string => `moldtwin:worker:${id}`;

export interface RunKeys {
  shared: string;
  results: string;
  done: string;
}

export const runKeys = (runId: string): RunKeys => ({
  shared: `moldtwin:run:${runId}:shared`,
  results: `moldtwin:run:${runId}:results`,
  done: `moldtwin:run:${runId}:done`,
});

export interface ChunkJobData {
  runId: string;
  kind: ChunkKind;
  index: number;
  part: unknown;
}

export const jobIdOf = (runId: string, index: number): string => `${runId}-${index}`;

/** KEYS: shared, results, done; ARGV: index, result, ttl. Returns 1 stored, 0 already stored, -1 run gone. */
export const STORE_RESULT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local stored = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
if stored == 1 then
  redis.call('RPUSH', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return stored`;

/** Chunk results and shared data on the wire: the v8 serializer (typed arrays as bytes, doubles exact). */
export const encode = (value: unknown): Buffer => serialize(value);
export const decode = <T>(bytes: Buffer): T => deserialize(bytes) as T;

/** A job's failure reason carrying a MoldtwinError (input errors are not retried: every attempt would fail). */
const CODED = "moldtwin-error:";
export const codedReason = (e: MoldtwinError): string => CODED + JSON.stringify(e.toJSON().error);

export function errorFromReason(reason: string | undefined, what: string): MoldtwinError {
  if (reason?.startsWith(CODED)) {
    try {
      const e = JSON.parse(reason.slice(CODED.length)) as { code: MoldtwinError["code"]; message: string };
      return new MoldtwinError(e.code, e.message, (e as unknown as MoldtwinError).details ?? []);
    } catch {
      // fall through to the generic error
    }
  }
  return new MoldtwinError(
    "RUN_ERR_CHUNK_FAILED",
    `${what} failed on every attempt: ${reason ?? "no reason given (its job disappeared)"}`,
  );
}

/** Bounded steps: a Redis that went away must not make a close (or a probe) hang. */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

/** Why `url` is not a Redis URL we take (null when it is one). */
function urlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a URL: ${JSON.stringify(url)} (expected redis://host:port)`;
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    return `unsupported scheme ${u.protocol} (expected redis://host:port)`;
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) return `bad database number in ${url}`;
  return null;
}

/** Retries of a command while its connection reconnects, before it is rejected (ioredis: 20). */
const MAX_RETRIES_PER_REQUEST = 2;
/** Reconnection attempts of a run's connection before it gives up ("end") and the run fails: ≈ 3 s. */
const BRIEF_RECONNECTS = 5;

const STORE_RESULT_COMMAND = "moldtwinStoreResult";
type WithStoreResult = Redis & {
  [STORE_RESULT_COMMAND](
    shared: string,
    results: string,
    done: string,
    index: number,
    result: Buffer,
    ttlS: number,
  ): Promise<number>;
};

/** Stores a chunk's result with STORE_RESULT (EVALSHA, EVAL when Redis has not seen the script yet). */
export function storeResult(conn: Redis, runId: string, index: number, result: Buffer): Promise<number> {
  const keys = runKeys(runId);
  return (conn as WithStoreResult)[STORE_RESULT_COMMAND](
    keys.shared,
    keys.results,
    keys.done,
    index,
    result,
    RUN_TTL_S,
  );
}

export interface ConnectOptions {
  /** The option that gave the URL, named in errors (default --redis). */
  option?: string;
  /** Connected and answering within this long, or RUN_ERR_QUEUE_UNAVAILABLE (default 3 s). */
  timeoutMs?: number;
  /**
   * Once connected, a lost connection is reconnected for as long as it takes (a worker, like BullMQ's own
   * connections) or for a few seconds only (a run: then the connection ends and the run fails; the default).
   */
  reconnect?: "forever" | "briefly";
}

/**
 * A connection for our own commands (ioredis), or RUN_ERR_QUEUE_UNAVAILABLE within `timeoutMs` — never a hang:
 * ioredis (and BullMQ on it) would retry an unreachable Redis forever, so every entry point checks here first.
 * The probe does not retry (retryStrategy gives up until the first connection is up); afterwards a command
 * waits through MAX_RETRIES_PER_REQUEST reconnection attempts at most, then rejects.
 */
export async function connectRedis(url: string, o: ConnectOptions = {}): Promise<Redis> {
  const option = o.option ?? "--redis";
  const timeoutMs = o.timeoutMs ?? 3000;
  const problem = urlProblem(url);
  if (problem !== null) {
    throw new MoldtwinError("CLI_ERR_USAGE", `${option}: ${problem}`, [
      { field: option, value: url, allowed: "redis://host:port (optionally redis://user:password@host:port/db)" },
    ]);
  }
  let up = false;
  let lastError: Error | null = null;
  const conn = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    retryStrategy: (times) => {
      if (!up) return null;
      if (o.reconnect === "forever") return Math.min(200 * times, 2000);
      return times <= BRIEF_RECONNECTS ? 200 * times : null;
    },
  });
  conn.on("error", (e: Error) => {
    lastError = e;
  });
  conn.defineCommand(STORE_RESULT_COMMAND, { numberOfKeys: 3, lua: STORE_RESULT });
  try {
    const pong = await within(
      conn.connect().then(() => conn.ping()),
      timeoutMs,
    );
    if (pong === undefined) throw new Error(`no answer within ${timeoutMs} ms`);
    up = true;
    return conn;
  } catch (e) {
    conn.disconnect();
    // ioredis rejects with "Connection is closed."; the reason (ECONNREFUSED, ETIMEDOUT, WRONGPASS…) came as an error.
    throw queueUnavailable(url, (lastError ?? (e as Error)).message, option);
  }
}

/**
 * The connection for a BullMQ Worker, as BullMQ documents it: an ioredis instance with maxRetriesPerRequest null
 * (BullMQ retries its own commands; it duplicates the instance for its blocking connection, and closes that
 * duplicate itself). The instance stays the caller's: quit it after closing the Worker (closeRedis).
 */
export function bullmqConnection(url: string): Redis {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  // BullMQ forwards errors to the Worker's "error" event while it runs; this keeps ioredis quiet after it closed.
  conn.on("error", () => {});
  return conn;
}

/** QUIT, bounded; when Redis is away (reconnecting), the socket and the reconnect timer are dropped at once. */
export async function closeRedis(conn: Redis, ms = 1000): Promise<void> {
  if (conn.status === "ready") await within(conn.quit(), ms).catch(() => {});
  conn.disconnect();
}

export function queueUnavailable(url: string, why: string, option = "--redis"): MoldtwinError {
  return new MoldtwinError("RUN_ERR_QUEUE_UNAVAILABLE", `cannot use Redis at ${url}: ${why}`, [
    { field: option, value: url, allowed: "the URL of a running Redis (redis://host:port)" },
  ]);
}

/** Live worker slots (threads of the workers that announced themselves recently). */
export async function workerSlots(c: Redis): Promise<{ workers: number; slots: number }> {
  let cursor = "0";
  const keys: string[] = [];
  do {
    const [next, found] = await c.scan(cursor, "MATCH", WORKER_PATTERN, "COUNT", 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  if (keys.length === 0) return { workers: 0, slots: 0 };
  const values = await c.mget(keys);
  let workers = 0;
  let slots = 0;
  for (const v of values) {
    if (v === null) continue;
    workers++;
    slots += Math.max(1, Number((JSON.parse(v) as { concurrency?: number }).concurrency) || 1);
  }
  return { workers, slots };
}
