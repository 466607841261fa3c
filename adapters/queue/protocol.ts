import { deserialize, serialize } from "node:v8";
import { type ConnectionOptions, createBunRedisClient, RedisConnection, type RedisOptions } from "bullmq";
import { MoldtwinError } from "../../engine/errors.ts";
import type { ChunkKind } from "../../engine/runner/chunk.ts";
import { RespConnection } from "./resp.ts";

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

let factoryInstalled = false;

/**
 * BullMQ's connections through our client (resp.ts): installed once per process, before the first Queue or
 * Worker. Connection options are `{ url }`; BullMQ adds `connectionName` for its blocking connection.
 */
export function bullmqConnection(url: string): ConnectionOptions {
  if (!factoryInstalled) {
    RedisConnection.clientFactory = (opts: RedisOptions) => {
      const raw = new RespConnection({ url: String(opts.url ?? `redis://${opts.host}:${opts.port}`) });
      const client = createBunRedisClient(raw);
      if (opts.connectionName) (client as unknown as { connectionName: string }).connectionName = opts.connectionName;
      return client;
    };
    factoryInstalled = true;
  }
  return { url };
}

/**
 * A connection for our own commands, or RUN_ERR_QUEUE_UNAVAILABLE within `timeoutMs` — never a hang: BullMQ
 * itself would wait for Redis forever, so every entry point checks here first.
 */
export async function connectRedis(url: string, option = "--redis", timeoutMs = 3000): Promise<RespConnection> {
  let c: RespConnection;
  try {
    c = new RespConnection({ url, connectTimeoutMs: timeoutMs });
  } catch (e) {
    throw new MoldtwinError("CLI_ERR_USAGE", `${option}: ${(e as Error).message}`, [
      { field: option, value: url, allowed: "redis://host:port (optionally redis://user:password@host:port/db)" },
    ]);
  }
  try {
    await c.connect();
    await c.send("PING");
    return c;
  } catch (e) {
    c.close();
    throw queueUnavailable(url, (e as Error).message, option);
  }
}

export function queueUnavailable(url: string, why: string, option = "--redis"): MoldtwinError {
  return new MoldtwinError("RUN_ERR_QUEUE_UNAVAILABLE", `cannot use Redis at ${url}: ${why}`, [
    { field: option, value: url, allowed: "the URL of a running Redis (redis://host:port)" },
  ]);
}

/** Live worker slots (threads of the workers that announced themselves recently). */
export async function workerSlots(c: RespConnection): Promise<{ workers: number; slots: number }> {
  let cursor = "0";
  const keys: string[] = [];
  do {
    const [next, found] = await c.send<[string, string[]]>("SCAN", [cursor, "MATCH", WORKER_PATTERN, "COUNT", 1000]);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  if (keys.length === 0) return { workers: 0, slots: 0 };
  const values = await c.send<(string | null)[]>("MGET", keys);
  let workers = 0;
  let slots = 0;
  for (const v of values) {
    if (v === null) continue;
    workers++;
    slots += Math.max(1, Number((JSON.parse(v) as { concurrency?: number }).concurrency) || 1);
  }
  return { workers, slots };
}
