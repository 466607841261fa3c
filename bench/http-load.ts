/**
 * HTTP load benchmark (npm run bench). Prints figures and a PASS/FAIL line; never fails the run.
 *
 * The real service (startService: Case A + Case B simulated on OPC UA at 10× speed, ingest into DuckDB, the live hub,
 * the job pool, the API with its rate limits and load shedding) runs in a child process; autocannon drives it from
 * this one, so the load generator does not share the service's event loop (it shares the machine's 2 cores: the
 * pessimistic case).
 *
 *  (0) The floor: a bare Fastify answering a constant JSON at the same rate — what this machine allows anyone today
 *      (other work on its 2 cores shows up here first).
 *  (a) Reads at a fixed 500 requests/s for 30 s after a 5 s warm-up: GET /api/cells, /api/presses/{id}, /api/kpis,
 *      /api/presses/{id}/history and /api/me, spread over the six demo tokens (each within its rate limit) —
 *      latency p50/p90/p99/max as measured per response, p99 corrected for coordinated omission (see `measured`),
 *      throughput, non-2xx; PASS when the corrected p99 < 100 ms. Also the service's own view: its event-loop delay,
 *      CPU, RSS and the server-side time per route, and the load generator's event-loop delay.
 *  (b) Overload: 100 connections as fast as they go on the heaviest reads (a plant's twins with a predicted shot per
 *      press; a press's history) with five of the tokens — how many answers were 2xx, 429 rate-limited, 429
 *      overloaded, 5xx and timeouts; meanwhile /api/health and a bystander (the sixth token) are probed twice a
 *      second, and once more after the storm.
 *
 * Env: MOLDTWIN_BENCH_HTTP_S (30) duration of (a), MOLDTWIN_BENCH_HTTP_OVERLOAD_S (20) of (b),
 * MOLDTWIN_BENCH_HTTP_RATE (500) target rate of (a); MOLDTWIN_BENCH_HTTP_PROF=1 writes a CPU profile of the service
 * (CPU.*.cpuprofile in the OS temp folder); MOLDTWIN_BENCH_HTTP_SKIP=history leaves routes out of (a), for diagnosis.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";
import { demoPrincipals, READ_ROUTES } from "./demoReaders.ts";

const ROLE = process.env.MOLDTWIN_BENCH_HTTP_ROLE;
const READ_S = Number(process.env.MOLDTWIN_BENCH_HTTP_S ?? 30);
const OVERLOAD_S = Number(process.env.MOLDTWIN_BENCH_HTTP_OVERLOAD_S ?? 20);
const RATE = Number(process.env.MOLDTWIN_BENCH_HTTP_RATE ?? 500);
const P99_GOAL_MS = 100;
/** Diagnosis: leave out the routes of (a) whose path contains one of these (comma-separated), e.g. "history". */
const SKIP = (process.env.MOLDTWIN_BENCH_HTTP_SKIP ?? "").split(",");

interface PhaseStats {
  loopDelayMs: { p50: number; p99: number; max: number };
  cpuCores: number;
  rssMB: number;
  /** Server-side time per route, ms. */
  routes: { route: string; n: number; p50: number; p99: number }[];
}

interface Ready {
  url: string;
  tokens: Record<string, string>;
  producing: number;
  presses: number;
}

/** The child: the whole service, until the parent says stop. */
async function serve(): Promise<void> {
  const { startService } = await import("../adapters/http/service.ts");
  const stateDir = mkdtempSync(join(tmpdir(), "moldtwin-http-bench-"));
  const svc = await startService({ port: 0, stateDir, viewer: false, timeScale: 0.1, opcuaBasePort: 48_900 });
  // Wait until the presses produce (a cycle each, or 60 s).
  const ids = svc.cells.flatMap((c) => c.presses.map((p) => p.id));
  const end = Date.now() + 60_000;
  let producing = 0;
  while (Date.now() < end) {
    producing = ids.filter((id) => svc.live.live(id)?.lastCycleAtMs != null).length;
    if (producing === ids.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  process.send!({ url: svc.url, tokens: svc.tokens, producing, presses: ids.length } satisfies Ready);
  // The service's own view of each phase: event-loop delay (µs histogram) and CPU, reset when a phase starts.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // Time from the request's arrival to the response's end, per route, as the server sees it.
  const byRoute = new Map<string, number[]>();
  svc.app.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const t = performance.now();
    res.once("finish", () => {
      const route = (req.url ?? "")
        .replace(/\?.*$/, "")
        .replace(/\/presses\/[^/]+/, "/presses/{id}")
        .replace(/\/twins\/[^/]+/, "/twins/{plant}");
      let xs = byRoute.get(route);
      if (!xs) {
        xs = [];
        byRoute.set(route, xs);
      }
      xs.push(performance.now() - t);
    });
  });
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (;;) {
    const [msg] = (await once(process, "message")) as [string];
    if (msg === "stop") break;
    if (msg === "phase") {
      const cpu = process.cpuUsage(cpu0);
      const ms = (ns: number): number => Math.round(ns / 1e6);
      process.send!({
        loopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        cpuCores: (cpu.user + cpu.system) / 1000 / (performance.now() - t0),
        rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
        routes: [...byRoute].map(([route, xs]) => {
          xs.sort((x, y) => x - y);
          const q = (p: number): number =>
            Math.round(10 * (xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0)) / 10;
          return { route, n: xs.length, p50: q(0.5), p99: q(0.99) };
        }),
      } satisfies PhaseStats);
      byRoute.clear();
      delay.reset();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    }
  }
  await svc.stop();
  rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
}

/** The child for the floor: a bare Fastify answering a constant 3 kB JSON, nothing else running in it. */
async function floor(): Promise<void> {
  const { default: Fastify } = await import("fastify");
  const app = Fastify();
  const body = {
    cells: Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, name: `press ${i}`, x: i / 7, y: i / 3 })),
  };
  app.get("/floor", async () => body);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  process.send!({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/floor` });
  await once(process, "message");
  await app.close();
  process.exit(0);
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * autocannon with latencies recorded here, per response. In rate mode autocannon corrects for coordinated omission
 * with an expected interval of ceil(1 / rate per connection) = 1 ms (seconds taken for milliseconds), which back-fills
 * a 1 s response with ~1,000 made-up samples; so the raw latencies are kept, and the correction is redone with the
 * real interval (connections / rate): a response of L ms also stands for the requests its connection would have sent
 * meanwhile, waiting L − interval, L − 2·interval, … ms.
 */
async function measured(
  opts: autocannon.Options & { overallRate: number; connections: number },
): Promise<{ result: autocannon.Result; raw: Percentiles; corrected: Percentiles }> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ ...opts, timeout: 10, ignoreCoordinatedOmission: true }, (err, r) =>
      err ? reject(err) : resolve(r),
    );
    run.on("response", (_c, _status, _bytes, ms) => {
      times.push(ms);
    });
  });
  const intervalMs = (1000 * opts.connections) / opts.overallRate;
  const corrected = [...times];
  for (const ms of times) for (let w = ms - intervalMs; w > 0; w -= intervalMs) corrected.push(w);
  return { result, raw: percentiles(times), corrected: percentiles(corrected) };
}

function percentiles(xs: number[]): Percentiles {
  const s = Float64Array.from(xs).sort();
  const q = (p: number): number => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0);
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: Math.round(s[s.length - 1] ?? 0) };
}

const fmt = (x: number): string => x.toLocaleString("en-US", { maximumFractionDigits: 1 });
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");

async function drive(): Promise<void> {
  console.log(
    `moldtwin HTTP load bench — Node ${process.version}, ${availableParallelism()} cores, load average ${load()} (1/5/15 min)`,
  );
  // The floor: what this machine, as loaded now, gives a server that does nothing at the same rate and connections.
  const bare = fork(import.meta.filename, [], {
    env: { ...process.env, MOLDTWIN_BENCH_HTTP_ROLE: "floor" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [{ url: floorUrl }] = (await once(bare, "message")) as [{ url: string }];
  const f = await measured({ url: floorUrl, connections: 25, overallRate: RATE, duration: 10 });
  console.log(
    `  floor (a bare Fastify, constant 3 kB JSON, ${RATE} req/s, 25 connections, 10 s): latency p50 ${f.raw.p50} ms, ` +
      `p90 ${f.raw.p90} ms, p99 ${f.raw.p99} ms (corrected ${f.corrected.p99} ms), max ${f.raw.max} ms; load average ${load()}`,
  );
  bare.send("stop");
  await once(bare, "exit");

  const child: ChildProcess = fork(import.meta.filename, [], {
    env: { ...process.env, MOLDTWIN_BENCH_HTTP_ROLE: "serve" },
    execArgv: process.env.MOLDTWIN_BENCH_HTTP_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${tmpdir()}`] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const t0 = performance.now();
  const [ready] = (await once(child, "message")) as [Ready];
  console.log(
    `  service up in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${ready.producing}/${ready.presses} presses producing at 10× speed`,
  );
  const base = ready.url.replace(/\/$/, "");
  /** The service's event-loop delay and CPU since the last call. */
  const phase = async (): Promise<PhaseStats> => {
    child.send("phase");
    return ((await once(child, "message")) as [PhaseStats])[0];
  };
  const describe = (s: PhaseStats): string =>
    `service: event-loop delay p50 ${s.loopDelayMs.p50} ms, p99 ${s.loopDelayMs.p99} ms, max ${s.loopDelayMs.max} ms; ` +
    `CPU ${s.cpuCores.toFixed(2)} cores; RSS ${s.rssMB} MB\n      server-side time per route (p50/p99 ms): ` +
    s.routes
      .filter((r) => r.n >= 20)
      .map((r) => `${r.route} ${r.p50}/${r.p99}`)
      .join(", ");
  const principals = demoPrincipals(ready.tokens);

  // (a) Reads at a fixed rate: 6 tokens × 5 routes, every pair in a 30-request cycle per connection.
  const routes = READ_ROUTES.filter((r) => !SKIP.some((s) => s !== "" && r("{id}").includes(s)));
  const reads: autocannon.Request[] = Array.from({ length: 6 * routes.length }, (_, i) => {
    const who = principals[i % principals.length]!;
    const press = who.presses[(i * 7) % who.presses.length]!;
    return {
      method: "GET",
      path: routes[i % routes.length]!(press),
      headers: { authorization: `Bearer ${who.token}` },
    };
  });
  // Warm-up at the same rate, not measured: first queries, JIT, the history answers kept in memory.
  await autocannon({ url: base, connections: 25, overallRate: RATE, duration: 5, requests: reads });
  console.log(`  (a) ${RATE} requests/s for ${READ_S} s after a 5 s warm-up, 25 connections, load average ${load()}`);
  await phase();
  // The load generator's own event loop: a stalled client inflates the latencies it measures.
  const clientDelay = monitorEventLoopDelay({ resolution: 10 });
  clientDelay.enable();
  const a = await measured({ url: base, connections: 25, overallRate: RATE, duration: READ_S, requests: reads });
  const pass = a.corrected.p99 < P99_GOAL_MS && a.result.non2xx === 0 && a.result.errors === 0;
  console.log(
    `      latency p50 ${a.raw.p50} ms, p90 ${a.raw.p90} ms, p99 ${a.raw.p99} ms, max ${a.raw.max} ms ` +
      `(p99 corrected for coordinated omission ${a.corrected.p99} ms); ` +
      `${fmt(a.result.requests.average)} req/s (${fmt(a.result.requests.total)} requests, ${fmt(a.result.throughput.average / 1e6)} MB/s); ` +
      `non-2xx ${a.result.non2xx}, errors ${a.result.errors}, timeouts ${a.result.timeouts}`,
  );
  console.log(
    `      ${pass ? "PASS" : "FAIL"}: p99 ${a.corrected.p99} ms ${a.corrected.p99 < P99_GOAL_MS ? "<" : "≥"} ${P99_GOAL_MS} ms at ${RATE} req/s` +
      `${a.result.non2xx || a.result.errors ? " (with errors)" : ""}; load average now ${load()}`,
  );
  console.log(`      ${describe(await phase())}`);
  clientDelay.disable();
  const cms = (ns: number): number => Math.round(ns / 1e6);
  console.log(
    `      load generator (this process): event-loop delay p50 ${cms(clientDelay.percentile(50))} ms, p99 ${cms(clientDelay.percentile(99))} ms, max ${cms(clientDelay.max)} ms`,
  );

  // (b) Overload: 100 connections flat out on heavy reads with five tokens; the sixth is a bystander.
  const flooders = principals.slice(0, 5);
  const codes = new Map<string, number>();
  const note = (status: number, body: string): void => {
    let key = String(status);
    if (status === 429) {
      try {
        key = `429 ${(JSON.parse(body) as { error: { code: string } }).error.code}`;
      } catch {
        key = "429 (no coded body)";
      }
    }
    codes.set(key, (codes.get(key) ?? 0) + 1);
  };
  const heavy: autocannon.Request[] = flooders.flatMap((who, i) => [
    {
      method: "GET",
      path: `/api/twins/${who.presses[0]!.startsWith("a") ? "case-a-automotive" : "case-b-medical"}`,
      headers: { authorization: `Bearer ${who.token}` },
      onResponse: (status: number, body: string) => note(status, body),
    },
    {
      method: "GET",
      path: `/api/presses/${who.presses[i % who.presses.length]!}/history?limit=10000`,
      headers: { authorization: `Bearer ${who.token}` },
      onResponse: (status: number, body: string) => note(status, body),
    },
  ]);
  const bystander = principals[5]!.token;
  const probes = { health: [] as { status: number; ms: number }[], bystander: [] as { status: number; ms: number }[] };
  const probe = async (path: string, token: string | null): Promise<{ status: number; ms: number }> => {
    const s = performance.now();
    try {
      const r = await fetch(`${base}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      await r.arrayBuffer();
      return { status: r.status, ms: performance.now() - s };
    } catch {
      return { status: 0, ms: performance.now() - s };
    }
  };
  let storming = true;
  const prober = (async () => {
    while (storming) {
      const [h, b] = await Promise.all([probe("/api/health", null), probe("/api/me", bystander)]);
      probes.health.push(h);
      probes.bystander.push(b);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  console.log(`  (b) overload: 100 connections, no rate cap, ${OVERLOAD_S} s, 5 tokens; load average ${load()}`);
  const b = await autocannon({ url: base, connections: 100, duration: OVERLOAD_S, requests: heavy, timeout: 10 });
  storming = false;
  const stormStats = await phase();
  await prober;
  await new Promise((r) => setTimeout(r, 3000));
  const afterHealth = await probe("/api/health", null);
  const afterBystander = await probe("/api/me", bystander);
  const sorted = [...codes.entries()].sort((x, y) => y[1] - x[1]);
  const count = (pred: (k: string) => boolean): number =>
    sorted.filter(([k]) => pred(k)).reduce((n, [, v]) => n + v, 0);
  console.log(
    `      ${fmt(b.requests.total)} answers (${fmt(b.requests.average)}/s): 2xx ${count((k) => k.startsWith("2"))}, ` +
      `429 rate-limited ${count((k) => k === "429 HTTP_ERR_RATE_LIMITED")}, 429 overloaded ${count((k) => k === "429 HTTP_ERR_OVERLOADED")}, ` +
      `other 4xx ${count((k) => k.startsWith("4") && !k.startsWith("429"))}, 5xx ${b["5xx"]}, errors ${b.errors}, timeouts ${b.timeouts}; ` +
      `latency p50 ${b.latency.p50} ms, p99 ${b.latency.p99} ms, max ${b.latency.max} ms`,
  );
  const summary = (xs: { status: number; ms: number }[]): string => {
    const ok = xs.filter((x) => x.status === 200).length;
    const ms = xs.map((x) => x.ms).sort((x, y) => x - y);
    const statuses = [...new Set(xs.map((x) => x.status))].join("/");
    return `${ok}/${xs.length} 200 (statuses ${statuses}), max ${fmt(ms[ms.length - 1] ?? 0)} ms`;
  };
  console.log(`      ${describe(stormStats)}`);
  console.log(
    `      during: /api/health ${summary(probes.health)}; bystander token /api/me ${summary(probes.bystander)}`,
  );
  console.log(
    `      after: /api/health ${afterHealth.status} in ${fmt(afterHealth.ms)} ms, bystander /api/me ${afterBystander.status} in ${fmt(afterBystander.ms)} ms; load average ${load()}`,
  );
  child.send("stop");
  await once(child, "exit");
  process.exit(0);
}

if (ROLE === "serve") await serve();
else if (ROLE === "floor") await floor();
else await drive();
