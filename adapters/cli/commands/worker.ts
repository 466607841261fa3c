import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { defaultWorkers } from "../../../engine/sweep/pool.ts";
import { numeric, run } from "../io.ts";

/**
 * `moldtwin worker --redis redis://host:port`: a distributed worker. It takes chunks of sweeps, windows, forecasts
 * and contract Monte Carlo runs that `--redis` on those commands puts on the queue, computes them with the same
 * runChunk as the local pool and stores the results (adapters/queue/worker.ts). One line per chunk on stdout.
 * SIGINT/SIGTERM: finish the running chunks, then stop; a second signal abandons them (they re-run on another
 * worker once their lock expires).
 */

function positive(raw: string | undefined, option: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = numeric(raw);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > max) {
    throw new MoldtwinError("CLI_ERR_USAGE", `${option} must be a whole number from 1 to ${max}, got "${raw}"`, [
      { field: option, value: raw, allowed: `1 … ${max}` },
    ]);
  }
  return n;
}

const stamp = (): string => new Date().toISOString().slice(11, 23);

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("distributed worker: run the chunks that `--redis` puts on Redis (sweep, window, forecast, contract)")
    .requiredOption("--redis <url>", "Redis to take chunks from (redis://host:port)")
    .option("--concurrency <n>", "chunks at a time, one thread each (default: all cores)")
    .option("--lock-duration <ms>", "a chunk's lock; a dead worker's chunk re-runs after it (default 10000)")
    .option("--stalled-interval <ms>", "how often to look for chunks of dead workers (default 5000)")
    .action(async (o) =>
      run(false, async () => {
        const concurrency = positive(o.concurrency, "--concurrency", defaultWorkers(), 256);
        const lockDurationMs = positive(o.lockDuration, "--lock-duration", 10_000, 3_600_000);
        const stalledIntervalMs = positive(o.stalledInterval, "--stalled-interval", 5_000, 3_600_000);
        const { startChunkWorker } = await import("../../queue/worker.ts");
        const say = (line: string): void => {
          process.stdout.write(`${stamp()} ${line}\n`);
        };
        const worker = await startChunkWorker({
          url: o.redis,
          concurrency,
          lockDurationMs,
          stalledIntervalMs,
          log: say,
        });
        say(
          `moldtwin worker ${worker.id}: ${concurrency} thread${concurrency === 1 ? "" : "s"} on ${o.redis}, waiting for chunks (Ctrl-C to stop)`,
        );
        await new Promise<void>((resolve) => {
          let stopping = false;
          const onSignal = (signal: NodeJS.Signals): void => {
            if (!stopping) {
              stopping = true;
              say(`${signal}: finishing the running chunks, then stopping (again to abandon them)`);
              void worker.close().then(() => {
                say(`stopped after ${worker.processed} chunk${worker.processed === 1 ? "" : "s"}`);
                process.off("SIGINT", onSignal);
                process.off("SIGTERM", onSignal);
                resolve();
              });
            } else {
              say(`${signal}: abandoning the running chunks: they re-run on another worker once their lock expires`);
              process.exit(130);
            }
          };
          process.on("SIGINT", onSignal);
          process.on("SIGTERM", onSignal);
        });
        // Stopped: a reconnect timer of a Redis that went away must not keep the process alive.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      }),
    );
}
