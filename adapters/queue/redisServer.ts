import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../freePort.ts";

/**
 * A real, throw-away `redis-server` for tests and benchmarks: a free port on 127.0.0.1, a temporary directory,
 * no persistence (`--save ''`, `--appendonly no`). `stop()` ends it and removes the directory.
 */

export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago (the kernel's pick). */
export { freePort };

export async function startRedisServer(o: { binary?: string; timeoutMs?: number } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "moldtwin-redis-"));
  const child = spawn(
    o.binary ?? "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    output = (output + d).slice(-4000);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    output = (output + d).slice(-4000);
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      await Promise.race([once(child, "exit"), new Promise((r) => setTimeout(r, 5000).unref())]);
      if (!exited) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (;;) {
    // One attempt per loop turn: no reconnecting, no offline queue.
    const c = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1000,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    let lastError: Error | undefined;
    c.on("error", (e: Error) => {
      lastError = e;
    });
    try {
      await Promise.race([c.connect().then(() => c.ping()), spawnError]);
      c.disconnect();
      return { url, port, process: child, stop };
    } catch (e) {
      c.disconnect();
      if (exited || Date.now() > deadline || (e as NodeJS.ErrnoException).code === "ENOENT") {
        await stop();
        // ioredis rejects with "Connection is closed."; the reason came as an error event.
        const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? (e as Error) : (lastError ?? (e as Error));
        throw new Error(`redis-server did not start on port ${port}: ${why.message}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
