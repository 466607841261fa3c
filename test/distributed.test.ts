import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type RedisServer, startRedisServer } from "../adapters/queue/redisServer.ts";
import { CLI, moldtwinAsync, type Run } from "./runCli.ts";

/**
 * The distributed runner end to end: a real redis-server, real `moldtwin worker` processes, the real CLI with
 * --redis. Every gathered result must be the local run's bytes — with a worker SIGKILLed in the middle of a
 * chunk too — and no key of any run may be left in Redis.
 */

const scenario = (name: string): string => new URL(`../scenarios/${name}.json`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "moldtwin-distributed-"));

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a stdout line matches (already printed or later). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

let redis: RedisServer;
const workers: WorkerProcess[] = [];

function startWorker(url: string): WorkerProcess {
  // Short lock and stalled check, so a killed worker's chunk re-runs within ≈ 3 s.
  const child = spawn(process.execPath, [
    CLI,
    "worker",
    "--redis",
    url,
    "--concurrency",
    "1",
    "--lock-duration",
    "2000",
    "--stalled-interval",
    "1000",
  ]);
  let out = "";
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const l of [...listeners]) l();
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const w: WorkerProcess = {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker never printed ${re}; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
  workers.push(w);
  return w;
}

/** The JSON a run printed, without what may differ between machines (timing, worker counts, file names). */
function comparable(r: Run, drop: string[] = []): string {
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of ["elapsedMs", "elapsedS", "shotsPerS", "workers", ...drop]) delete json[k];
  return JSON.stringify(json);
}

async function keysLeft(): Promise<string[]> {
  const c = new Redis(redis.url);
  try {
    const keys = await c.keys("*");
    // Per run: moldtwin:run:<id>:*; per chunk: BullMQ's job hash bull:moldtwin-chunks:<runId>-<index>[:…].
    return keys.filter((k) => k.startsWith("moldtwin:run:") || /^bull:moldtwin-chunks:[0-9a-f-]{36}-\d+/.test(k));
  } finally {
    await c.quit();
  }
}

beforeAll(async () => {
  redis = await startRedisServer();
  const two = [startWorker(redis.url), startWorker(redis.url)];
  await Promise.all(two.map((w) => w.waitFor(/waiting for chunks/)));
}, 60_000);

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("distributed runner (real redis-server, two `moldtwin worker` processes)", () => {
  it("the service's runs fan out too (server setting redisUrl), with the local job's result", async () => {
    const { createJobManager } = await import("../adapters/http/jobs.ts");
    const contract = JSON.parse(readFileSync(scenario("case-b-contract"), "utf8")) as Record<string, unknown>;
    const req = {
      kind: "contract" as const,
      scenario: { ...contract, runs: 300 },
      baseDir: new URL("../scenarios/", import.meta.url).pathname,
      tenant: "t",
      owner: "o",
    };
    const done = async (jobs: ReturnType<typeof createJobManager>, id: string): Promise<string> => {
      for (;;) {
        const info = jobs.get(id)!;
        if (info.status === "done") return jobs.resultJson(id)!;
        if (info.status !== "queued" && info.status !== "running") throw new Error(JSON.stringify(info.error));
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const before = workers.map((w) => w.output()).join("").length;
    const local = createJobManager();
    const remote = createJobManager({ redisUrl: redis.url });
    try {
      const [a, b] = await Promise.all([done(local, local.submit(req).id), done(remote, remote.submit(req).id)]);
      expect(b).toBe(a);
      expect(
        workers
          .map((w) => w.output())
          .join("")
          .slice(before),
      ).toMatch(/contract run [0-9a-f]{8} chunk 0: done/);
    } finally {
      await Promise.all([local.close(), remote.close()]);
    }
  }, 120_000);

  it("contract Monte Carlo with its tornado via --redis prints exactly the local run's JSON", async () => {
    const args = ["contract", scenario("case-b-contract"), "--runs", "300", "--json"];
    const local = await moldtwinAsync(...args, "--workers", "0");
    const remote = await moldtwinAsync(...args, "--redis", redis.url);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stdout).toBe(local.stdout);
    // The chunks were run by the workers.
    expect(workers.map((w) => w.output()).join("")).toMatch(/contract run [0-9a-f]{8} chunk 0: done in .* stored/);
  });

  it("a sweep via --redis writes the local run's Arrow file byte for byte", async () => {
    const [localOut, remoteOut] = [join(dir, "local.arrow"), join(dir, "remote.arrow")];
    const local = await moldtwinAsync(
      "sweep",
      scenario("clip-lhs-sweep"),
      "--out",
      localOut,
      "--workers",
      "0",
      "--json",
    );
    const remote = await moldtwinAsync(
      "sweep",
      scenario("clip-lhs-sweep"),
      "--out",
      remoteOut,
      "--redis",
      redis.url,
      "--json",
    );
    expect(comparable(remote, ["file"])).toBe(comparable(local, ["file"]));
    expect(readFileSync(remoteOut).equals(readFileSync(localOut))).toBe(true);
    expect(workers.map((w) => w.output()).join("")).toMatch(/sweep run [0-9a-f]{8} chunk 0: done/);
  });

  it("the adaptive process window (many small sweeps, Monte Carlo, Sobol) via --redis equals the local run", async () => {
    const args = ["window", scenario("clip-window"), "--adaptive", "--json"];
    const local = await moldtwinAsync(...args, "--workers", "0");
    const remote = await moldtwinAsync(...args, "--redis", redis.url);
    expect(comparable(remote)).toBe(comparable(local));
  });

  it("the fleet forecast via --redis equals the local run", async () => {
    const args = ["forecast", scenario("case-b-forecast"), "--json"];
    const local = await moldtwinAsync(...args, "--workers", "0");
    const remote = await moldtwinAsync(...args, "--redis", redis.url);
    expect(comparable(remote)).toBe(comparable(local));
    expect(JSON.parse(remote.stdout).workers).toBe(2);
  });

  it("a chunk that throws on every attempt fails the run with RUN_ERR_CHUNK_FAILED and its reason", async () => {
    const { openBullmqExecutor } = await import("../adapters/queue/bullmqExecutor.ts");
    const { runChunks } = await import("../engine/runner/gather.ts");
    const executor = await openBullmqExecutor({ url: redis.url, attempts: 2, backoffMs: 100 });
    try {
      // A contract chunk whose scenario is not one: compiling it throws (a TypeError, so it is retried).
      const broken = { scenario: {}, plant: {}, pdm: false, variation: {} } as never;
      const err = await runChunks(executor, "contract", broken, () => [{ runFrom: 0, runTo: 1 }], {
        deliver: () => {},
      }).catch((e) => e);
      expect(err.code).toBe("RUN_ERR_CHUNK_FAILED");
      expect(err.message).toMatch(/chunk 0 of the contract run failed on every attempt: \S/);
    } finally {
      await executor.close();
    }
    expect(workers.map((w) => w.output()).join("")).toMatch(/contract run [0-9a-f]{8} chunk 0 \(start [2-9]\): failed/);
  });

  it("a worker SIGKILLed mid-chunk loses nothing: its chunk re-runs and the result is still the local one", async () => {
    // Case A, 3,000 runs: four chunks of 750 runs (≈ 1 s each on one thread).
    const args = ["contract", scenario("case-a-contract"), "--runs", "3000", "--no-tornado", "--json"];
    const [victim, survivor] = [workers[0]!, workers[1]!];
    const before = victim.output().length;
    const remote = moldtwinAsync(...args, "--redis", redis.url);
    const local = moldtwinAsync(...args, "--workers", "0");
    // Kill the victim as soon as it starts a chunk of this run.
    const deadline = Date.now() + 30_000;
    let m: RegExpMatchArray | null = null;
    while (m === null) {
      m = victim
        .output()
        .slice(before)
        .match(/contract run ([0-9a-f]{8}) chunk (\d+): started/);
      if (m === null) {
        if (Date.now() > deadline) throw new Error(`the worker started no chunk:\n${victim.output()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    victim.child.kill("SIGKILL");
    await victim.exited;
    const [, run, chunk] = m;
    expect(victim.output()).not.toMatch(new RegExp(`run ${run} chunk ${chunk}: done`));
    const [r, l] = await Promise.all([remote, local]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(l.stdout);
    // The survivor ran the killed chunk again (a later start of its job) and stored it.
    expect(survivor.output()).toMatch(new RegExp(`run ${run} chunk ${chunk} \\(start [2-9]\\): done in .* stored`));
  }, 60_000);

  it("leaves no key of any run in Redis", async () => {
    expect(await keysLeft()).toEqual([]);
  });

  it("an unreachable Redis is a coded error at once, for runs and for workers", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    const [r, w] = await Promise.all([
      moldtwinAsync("forecast", scenario("case-b-forecast"), "--redis", url, "--json"),
      moldtwinAsync("worker", "--redis", url),
    ]);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(69);
    expect(JSON.parse(r.stdout).error.code).toBe("RUN_ERR_QUEUE_UNAVAILABLE");
    expect(w.code).toBe(69);
    expect(w.stderr).toContain("RUN_ERR_QUEUE_UNAVAILABLE");
  });

  it("a worker stops cleanly on SIGTERM and takes its announcement with it", async () => {
    const w = workers[1]!;
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/stopped after \d+ chunks?/);
    const c = new Redis(redis.url);
    try {
      const id = w.output().match(/moldtwin worker (\S+):/)![1]!;
      expect(await c.exists(`moldtwin:worker:${id}`)).toBe(0);
    } finally {
      await c.quit();
    }
  });

  it("with no worker alive, a run fails with RUN_ERR_QUEUE_UNAVAILABLE instead of waiting forever, leaving no key", async () => {
    // Both workers are gone; the SIGKILLed one's announcement would expire within 15 s: expire it now.
    const c = new Redis(redis.url);
    const announced = await c.keys("moldtwin:worker:*");
    if (announced.length > 0) await c.del(announced);
    await c.quit();
    const { openBullmqExecutor } = await import("../adapters/queue/bullmqExecutor.ts");
    const { runContract } = await import("../engine/contracts/contract.ts");
    const { ContractScenario } = await import("../twin-models/schemas/contract.ts");
    const { parse } = await import("../twin-models/validate.ts");
    const { loadPlantRef } = await import("../adapters/plantFile.ts");
    const path = scenario("case-b-contract");
    const sc = parse(ContractScenario, { ...JSON.parse(readFileSync(path, "utf8")), runs: 100 }, "scenario");
    const notes: string[] = [];
    const executor = await openBullmqExecutor({ url: redis.url, waitForWorkersMs: 1500, onNote: (n) => notes.push(n) });
    const t0 = Date.now();
    const err = await runContract(sc, loadPlantRef(sc.plant, path), { executor, tornado: false }).catch((e) => e);
    await executor.close();
    expect(err.code).toBe("RUN_ERR_QUEUE_UNAVAILABLE");
    expect(err.message).toContain("no moldtwin worker");
    expect(notes.join()).toContain("waiting for a worker");
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await keysLeft()).toEqual([]);
  });
});
