/**
 * Sweep and window benchmarks (npm run bench). Prints figures and ratios against the issue's targets; never
 * asserts on time.
 *  - pool scaling: shots/s of one sweep on 1 and 2 worker threads, and the ratio (target ≥ 1.8× on 2 cores);
 *  - a 10⁶-point Sobol sweep streamed to an Arrow IPC file: time and peak RSS (target ≤ 600 MB), measured in a
 *    child process so the figure is that run's alone;
 *  - adaptive vs full-grid evaluation counts on the demo windows at 30², 61² and 81² (target ≤ 15 %);
 *  - a 30 × 30 window with every defect flag, robustness Monte Carlo and Sobol indices (target well under 2 s).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openArrowFileSink } from "../adapters/arrowFile.ts";
import type { OutputField } from "../engine/molding/layout.ts";
import { starterSettings } from "../engine/molding/starterSettings.ts";
import { buildPlan } from "../engine/sweep/plan.ts";
import { closeSweepPools } from "../engine/sweep/pool.ts";
import { runSweep } from "../engine/sweep/runSweep.ts";
import { runWindow } from "../engine/window/window.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import type { Factor } from "../twin-models/schemas/sweep.ts";
import { WindowScenario } from "../twin-models/schemas/window.ts";
import { parse } from "../twin-models/validate.ts";

const SCALING_SHOTS = 200_000;
const MILLION = 1_000_000;
const RSS_TARGET_MB = 600;
const SCALING_TARGET = 1.8;
const ADAPTIVE_TARGET = 0.15;

/** Inputs, the outputs a process engineer reads, and every defect margin: the columns of a large sweep. */
const STREAM_OUTPUTS: OutputField[] = [
  "fillTimeS",
  "peakInjectionPressureMPa",
  "partMassG",
  "volumetricShrinkagePct",
  "cycleTimeS",
  "requiredClampForceKN",
  "energyPerPartKWh",
  "criticalDimensionMm",
  "warpageMm",
  "shortShotMargin",
  "flashMargin",
  "sinkMargin",
  "burnMargin",
  "warpageMargin",
  "criticalDimensionMargin",
];

const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
const factors: Factor[] = [
  { name: "meltTempC", min: 205, max: 250, levels: 2, log: false },
  { name: "moldTempC", min: 20, max: 50, levels: 2, log: false },
  { name: "injectionTimeS", min: 0.5, max: 3, levels: 2, log: true },
  { name: "holdPressureMPa", min: 3, max: 30, levels: 2, log: false },
  { name: "holdTimeS", min: 0.5, max: 3, levels: 2, log: false },
  { name: "coolingTimeS", min: 1, max: 6, levels: 2, log: false },
];
const plan = (points: number) =>
  buildPlan(
    twin,
    starterSettings(twin),
    factors,
    { kind: "design", design: { kind: "sobol", dims: factors.length, points, seed: 1 } },
    STREAM_OUTPUTS,
  );

async function million(out: string): Promise<void> {
  const sink = openArrowFileSink(out);
  const t0 = performance.now();
  const run = await runSweep(plan(MILLION), { workers: 2, collect: false, sink: (t) => sink.write(t) });
  await sink.close();
  const s = (performance.now() - t0) / 1000;
  await closeSweepPools();
  process.stdout.write(
    JSON.stringify({ seconds: s, rows: run.rows, chunks: run.chunks, maxRssMB: process.resourceUsage().maxRSS / 1024 }),
  );
}

async function scaling(): Promise<void> {
  console.log(`\npool scaling (${SCALING_SHOTS.toLocaleString("en")} shots of a 6-setting Sobol sweep, clip twin)`);
  const rates: number[] = [];
  for (const workers of [1, 2]) {
    await runSweep(plan(4 * 4096), { workers, collect: false }); // warm the pool and the JIT
    const t0 = performance.now();
    await runSweep(plan(SCALING_SHOTS), { workers, collect: false });
    const rate = SCALING_SHOTS / ((performance.now() - t0) / 1000);
    rates.push(rate);
    console.log(`  ${workers} worker${workers > 1 ? "s" : " "}  ${Math.round(rate).toLocaleString("en")} shots/s`);
  }
  const ratio = rates[1]! / rates[0]!;
  console.log(
    `  scaling 2/1 = ${ratio.toFixed(2)}× (target ≥ ${SCALING_TARGET}×: ${ratio >= SCALING_TARGET ? "met" : "NOT met"})`,
  );
}

function streamed(): void {
  const dir = mkdtempSync(join(tmpdir(), "moldtwin-bench-"));
  const out = join(dir, "million.arrow");
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, "--million", out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`10⁶ sweep failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout) as { seconds: number; rows: number; chunks: number; maxRssMB: number };
  const mb = statSync(out).size / 2 ** 20;
  console.log(`\n10⁶-point sweep streamed to Arrow IPC (2 workers, ${STREAM_OUTPUTS.length} outputs + 6 inputs)`);
  console.log(
    `  ${m.rows.toLocaleString("en")} shots in ${m.seconds.toFixed(1)} s (${Math.round(m.rows / m.seconds).toLocaleString("en")} shots/s), ${m.chunks} chunks, file ${mb.toFixed(0)} MB`,
  );
  console.log(
    `  peak RSS ${m.maxRssMB.toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB: ${m.maxRssMB <= RSS_TARGET_MB ? "met" : "NOT met"})`,
  );
  rmSync(dir, { recursive: true, force: true });
}

function scenario(name: string, levels?: number): WindowScenario {
  const raw = JSON.parse(readFileSync(new URL(`../scenarios/${name}.json`, import.meta.url), "utf8"));
  if (levels) for (const f of raw.factors) f.levels = levels;
  return parse(WindowScenario, raw, "scenario");
}

async function adaptive(): Promise<void> {
  console.log("\nadaptive vs full grid (same window: identical class of every grid point)");
  for (const name of ["clip-window", "bezel-window-fill", "cap-window-cooling"]) {
    for (const levels of [30, 61, 81]) {
      const light = scenario(name, levels);
      light.robustness = { ...light.robustness, replicates: 10, candidates: 2 };
      light.sensitivity = { baseSamples: 0 };
      const g = await runWindow(light, { search: "grid" });
      const a = await runWindow(light, { search: "adaptive" });
      const same = g.area.cls.every((c, i) => c === a.area.cls[i]);
      const share = a.search.evaluations / g.search.evaluations;
      console.log(
        `  ${name.padEnd(20)} ${`${levels}×${levels}`.padEnd(6)} grid ${String(g.search.evaluations).padStart(5)}  adaptive ${String(a.search.evaluations).padStart(5)}  ${(100 * share).toFixed(1).padStart(5)} %  ${same ? "same window" : "DIFFERENT WINDOW"}${levels >= 61 && share > ADAPTIVE_TARGET ? "  (above 15 %)" : ""}`,
      );
    }
  }
}

async function window30(): Promise<void> {
  console.log(
    "\n30 × 30 window, all defect flags, 32-candidate × 200-replicate Monte Carlo, Sobol indices (in-process)",
  );
  for (const name of ["clip-window", "bezel-window-fill", "cap-window-cooling"]) {
    const sc = scenario(name);
    await runWindow(sc); // warm-up
    const t0 = performance.now();
    const r = await runWindow(sc);
    const ms = performance.now() - t0;
    console.log(
      `  ${name.padEnd(20)} ${ms.toFixed(0).padStart(5)} ms (target < 2000 ms) · ${r.counts.feasible} feasible of 900`,
    );
  }
}

if (process.argv[2] === "--million") {
  await million(process.argv[3]!);
} else {
  await window30();
  await adaptive();
  await scaling();
  await closeSweepPools();
  streamed();
}
