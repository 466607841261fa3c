import type { ChunkExecutor } from "../../engine/runner/executor.ts";

/**
 * `--redis <url>` on the run commands (sweep, window, forecast, contract, price): their chunks go to
 * distributed workers (`moldtwin worker`) through Redis instead of this machine's threads, and the gathered
 * result is bit-identical to the local run. BullMQ is loaded only when asked for.
 */

export const REDIS_OPTION = [
  "--redis <url>",
  "fan the chunks out to `moldtwin worker`s through Redis (overrides --workers)",
] as const;

export interface Distributed {
  executor: ChunkExecutor | undefined;
  /** Remote worker slots seen by the last run (for the `workers` field of --json); undefined when local. */
  slots(): number | undefined;
}

/**
 * Runs `body` with the distributed executor for `url` (or none when url is undefined), and closes it however
 * the body ends. With `exitOnSigint`, Ctrl-C first removes the run's queued chunks and keys from Redis (for the
 * commands that have no cancellation of their own), then exits 130.
 */
export async function withDistributed<T>(
  url: string | undefined,
  body: (d: Distributed) => Promise<T>,
  o: { exitOnSigint?: boolean } = {},
): Promise<T> {
  if (url === undefined) return body({ executor: undefined, slots: () => undefined });
  const { openBullmqExecutor } = await import("../queue/bullmqExecutor.ts");
  const executor = await openBullmqExecutor({ url, onNote: (n) => process.stderr.write(`note: ${n}\n`) });
  const onSigint = (): void => {
    process.stderr.write("interrupted: removing the run's chunks from Redis\n");
    void executor.close().finally(() => process.exit(130));
  };
  if (o.exitOnSigint) process.once("SIGINT", onSigint);
  try {
    return await body({ executor, slots: () => executor.stats.slots });
  } finally {
    process.off("SIGINT", onSigint);
    await executor.close();
  }
}
