/**
 * Soak benchmark (npm run bench). Prints figures and PASS/FAIL lines; never fails the run.
 *
 * The whole product (startService: Case A, 20 presses, and Case B, 6, simulated on OPC UA at 10× speed, ingest into
 * DuckDB, the live hub with calibration, the job pool, the API with its protections) runs in this process for
 * SOAK_SECONDS of wall time (default 180 s = 30 simulated minutes) under API load from a child process:
 * 100 reads/s with autocannon over the six demo tokens (cells, a press panel, KPIs, a press's history, /api/me),
 * two live SSE subscribers (staff and a customer, reconnecting if dropped) and a forecast run started every 30 s.
 *
 * Reported: memory (RSS, V8 heap, external) sampled every 10 s, its growth from the first third of the run to the
 * last (MB and MB/min); lost cycles — for every press, cycles the simulator made during the run minus those stored
 * minus those the ingest recorded in gaps (must be 0), and duplicates; HTTP answers by status, errors and timeouts;
 * SSE events and reconnections; runs by final status.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { demoPrincipals, READ_ROUTES } from "./demoReaders.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const TIME_SCALE = 0.1;
const SAMPLE_MS = 10_000;
const RUN_EVERY_MS = 30_000;

interface LoadReport {
  statuses: Record<string, number>;
  requests: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; max: number };
  sse: { subscribers: number; events: number; reconnects: number; statuses: Record<string, number> };
  runs: { submitted: Record<string, number>; final: Record<string, number> };
}

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
const mb = (bytes: number): number => bytes / 2 ** 20;
const bump = (m: Record<string, number>, k: string | number): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** The child: API load against `url` until told to stop, then a report. */
async function generateLoad(): Promise<void> {
  const [{ url, tokens }] = (await once(process, "message")) as [{ url: string; tokens: Record<string, string> }];
  const base = url.replace(/\/$/, "");
  const principals = demoPrincipals(tokens);
  const routes = READ_ROUTES;
  const reads: autocannon.Request[] = Array.from({ length: 30 }, (_, i) => {
    const who = principals[i % principals.length]!;
    const press = who.presses[(i * 7) % who.presses.length]!;
    return {
      method: "GET",
      path: routes[i % routes.length]!(press),
      headers: { authorization: `Bearer ${who.token}` },
    };
  });
  const report: LoadReport = {
    statuses: {},
    requests: 0,
    errors: 0,
    timeouts: 0,
    latency: { p50: 0, p99: 0, max: 0 },
    sse: { subscribers: 2, events: 0, reconnects: 0, statuses: {} },
    runs: { submitted: {}, final: {} },
  };
  const stop = new AbortController();

  // Two live subscribers, reconnecting after a drop as the viewer does.
  const subscribe = async (token: string): Promise<void> => {
    let first = true;
    while (!stop.signal.aborted) {
      if (!first) report.sse.reconnects++;
      first = false;
      try {
        const r = await fetch(`${base}/api/live`, {
          headers: { authorization: `Bearer ${token}` },
          signal: stop.signal,
        });
        bump(report.sse.statuses, r.status);
        if (r.status !== 200 || !r.body) {
          await r.body?.cancel();
          await new Promise((res) => setTimeout(res, 1000));
          continue;
        }
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          report.sse.events += value.split("\n\n").length - 1;
        }
      } catch {
        if (stop.signal.aborted) return;
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
  };
  const subscribers = [subscribe(tokens.admin!), subscribe(tokens["customer-medtech"]!)];

  // A forecast run every 30 s (the reliability role's kind), followed to the end at the close.
  const runIds: string[] = [];
  const submit = async (): Promise<void> => {
    try {
      const r = await fetch(`${base}/api/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.reliability}`, "content-type": "application/json" },
        body: JSON.stringify({ kind: "forecast", scenarioId: "case-b-forecast" }),
      });
      bump(report.runs.submitted, r.status);
      const body = (await r.json()) as { id?: string };
      if (body.id) runIds.push(body.id);
    } catch {
      bump(report.runs.submitted, "error");
    }
  };
  void submit();
  const runTimer = setInterval(() => void submit(), RUN_EVERY_MS);

  const cannon = autocannon({
    url: base,
    connections: 10,
    overallRate: 100,
    duration: SECONDS,
    requests: reads,
    timeout: 10,
    // Raw latencies: in rate mode autocannon back-fills each slow answer with a sample per ms (see http-load.ts).
    ignoreCoordinatedOmission: true,
  });
  const result = await cannon;
  clearInterval(runTimer);
  stop.abort();
  await Promise.allSettled(subscribers);
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) report.statuses[status] = count ?? 0;
  report.requests = result.requests.total;
  report.errors = result.errors;
  report.timeouts = result.timeouts;
  report.latency = { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max };
  // Give the last run a moment, then read every run's final status.
  await new Promise((r) => setTimeout(r, 5000));
  for (const id of runIds) {
    try {
      const r = await fetch(`${base}/api/runs/${id}`, { headers: { authorization: `Bearer ${tokens.reliability}` } });
      bump(report.runs.final, r.status === 200 ? ((await r.json()) as { status: string }).status : `HTTP ${r.status}`);
    } catch {
      bump(report.runs.final, "error");
    }
  }
  process.send!(report);
  await once(process, "message");
  process.exit(0);
}

async function soak(): Promise<void> {
  const { startService } = await import("../adapters/http/service.ts");
  const { MAX_TIME_MS } = await import("../adapters/store/validate.ts");
  console.log(
    `moldtwin soak — Node ${process.version}, ${availableParallelism()} cores, load average ${load()} (1/5/15 min); ` +
      `${SECONDS} s at 10× speed = ${(SECONDS / TIME_SCALE / 60).toFixed(0)} simulated minutes`,
  );
  const stateDir = mkdtempSync(join(tmpdir(), "moldtwin-soak-"));
  const svc = await startService({ port: 0, stateDir, viewer: false, timeScale: TIME_SCALE, opcuaBasePort: 48_920 });
  const presses = svc.cells.flatMap((c) => c.presses);
  // Settle: every subscription is live once startService returns; give the first cycles a moment.
  await new Promise((r) => setTimeout(r, 3000));
  await svc.ingest.flush();
  const before = new Map(presses.map((p) => [p.id, p.jobCycleCounter]));
  const ingest0 = svc.ingest.stats();
  svc.ingest.resetLatency();

  const child: ChildProcess = fork(import.meta.filename, [], {
    env: { ...process.env, MOLDTWIN_SOAK_ROLE: "load" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.send({ url: svc.url, tokens: svc.tokens });
  const reportP = once(child, "message") as Promise<[LoadReport]>;

  const samples: { tS: number; rss: number; heap: number; external: number }[] = [];
  const t0 = performance.now();
  const sample = (): void => {
    const m = process.memoryUsage();
    samples.push({
      tS: (performance.now() - t0) / 1000,
      rss: mb(m.rss),
      heap: mb(m.heapUsed),
      external: mb(m.external),
    });
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  const [report] = await reportP;
  clearInterval(sampler);
  sample();

  // The run is over: what did the simulator make, and what reached the store (or was recorded missing)?
  const after = new Map(presses.map((p) => [p.id, p.jobCycleCounter]));
  await new Promise((r) => setTimeout(r, 3000)); // events in flight: publishing 100 ms, flush 100 ms
  await svc.ingest.flush();
  const gaps = svc.ingest.gaps();
  let produced = 0;
  let stored = 0;
  let gapped = 0;
  let duplicates = 0;
  const lostBy: string[] = [];
  for (const p of presses) {
    const from = before.get(p.id)!;
    const to = after.get(p.id)!;
    const rows = (await svc.store.cycles(p.id, 0, MAX_TIME_MS)).filter(
      (c) => c.jobCycleCounter > from && c.jobCycleCounter <= to,
    );
    const distinct = new Set(rows.map((c) => c.jobCycleCounter)).size;
    const missing = gaps
      .filter((g) => g.press === p.id)
      .reduce((n, g) => n + Math.max(0, Math.min(g.toCounter - 1, to) - Math.max(g.fromCounter + 1, from + 1) + 1), 0);
    const made = to - from;
    produced += made;
    stored += distinct;
    gapped += missing;
    duplicates += rows.length - distinct;
    const lost = made - distinct - missing;
    if (lost !== 0) lostBy.push(`${p.id} ${lost}`);
  }
  const ingest1 = svc.ingest.stats();
  const counts = await svc.store.counts();

  // Memory: first third of the samples against the last third.
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs: typeof samples, k: "rss" | "heap" | "external"): number =>
    xs.reduce((a, s) => a + s[k], 0) / xs.length;
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  const meanT = (xs: typeof samples): number => xs.reduce((a, s) => a + s.tS, 0) / xs.length;
  // Between the middles of the two thirds.
  const spanMin = (meanT(last) - meanT(first)) / 60 || 1;
  const growth = (k: "rss" | "heap" | "external"): string => {
    const d = mean(last, k) - mean(first, k);
    return `${mean(first, k).toFixed(0)} → ${mean(last, k).toFixed(0)} MB (${d >= 0 ? "+" : ""}${d.toFixed(1)} MB, ${(d / spanMin).toFixed(2)} MB/min)`;
  };
  console.log(
    `  memory, ${samples.length} samples every ${SAMPLE_MS / 1000} s, first third → last third: RSS ${growth("rss")}; ` +
      `heap ${growth("heap")}; external ${growth("external")}; max RSS ${Math.max(...samples.map((s) => s.rss)).toFixed(0)} MB`,
  );
  console.log(
    `  cycles: ${produced} made by the simulated presses during the run, ${stored} stored, ${gapped} recorded in gaps, ` +
      `${duplicates} duplicates → lost ${produced - stored - gapped}${lostBy.length ? ` (${lostBy.join(", ")})` : ""}: ` +
      `${produced - stored - gapped === 0 && duplicates === 0 ? "PASS" : "FAIL"} (must be 0)`,
  );
  console.log(
    `  ingest during the run: ${ingest1.cycles - ingest0.cycles} cycles, ${ingest1.signals - ingest0.signals} signal samples, ` +
      `gaps ${ingest1.gaps - ingest0.gaps}, reconnections ${ingest1.reconnections - ingest0.reconnections}, ` +
      `quarantined ${ingest1.quarantined - ingest0.quarantined}; latency source → stored p99 ${ingest1.latencyMs.p99} ms; ` +
      `store rows ${JSON.stringify(counts)}`,
  );
  const errors = Object.entries(report.statuses)
    .filter(([s]) => !s.startsWith("2"))
    .map(([s, n]) => `${s}: ${n}`);
  console.log(
    `  HTTP reads: ${report.requests} answers by status ${JSON.stringify(report.statuses)}; errors ${report.errors}, ` +
      `timeouts ${report.timeouts}; latency p50 ${report.latency.p50} ms, p99 ${report.latency.p99} ms, max ${report.latency.max} ms` +
      ` — ${errors.length === 0 && report.errors === 0 ? "no errors" : `ERRORS ${errors.join(", ")}`}`,
  );
  console.log(
    `  SSE: ${report.sse.subscribers} subscribers, ${report.sse.events} events, ${report.sse.reconnects} reconnections, ` +
      `connects by status ${JSON.stringify(report.sse.statuses)}; runs: submitted ${JSON.stringify(report.runs.submitted)}, ` +
      `final ${JSON.stringify(report.runs.final)}; load average ${load()}`,
  );
  child.send("stop");
  await once(child, "exit");
  await svc.stop();
  rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
}

if (process.env.MOLDTWIN_SOAK_ROLE === "load") await generateLoad();
else await soak();
