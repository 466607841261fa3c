import type { Table } from "apache-arrow";
import { resolveTwin, type Twin } from "../../twin-models/resolve.ts";
import type { WindowScenario } from "../../twin-models/schemas/window.ts";
import { INPUT_FIELDS, OUTPUT_FIELDS } from "../molding/layout.ts";
import { checkSettings, toInputs } from "../molding/simulateShot.ts";
import type { ChunkExecutor } from "../runner/executor.ts";
import { gridValue, type SweepFactor, unitToValue } from "../sweep/chunk.ts";
import { buildPlan, checkFactors } from "../sweep/plan.ts";
import { runSweep, type SweepProgress } from "../sweep/runSweep.ts";
import { sobolIndices } from "../sweep/sensitivity.ts";
import { adaptiveSearch, type PointEvaluation } from "./adaptive.ts";
import { analyzeFactors, boundaryDistance, constraintName, type FactorWindow, runsThrough } from "./analyze.ts";
import {
  buildConstraints,
  CLASS_FEASIBLE,
  CLASS_PREFERRED,
  type Constraint,
  classify,
  marginsOf,
} from "./constraints.ts";
import { type Grid, levelOf, makeGrid } from "./grid.ts";
import { CPK_REQUIRED, noiseSpec, paretoFront, type Robustness, summarize } from "./robust.ts";

/**
 * The process window of a twin (issue: "the optimal process window before the first shot"): evaluate a grid of
 * settings (fully, or adaptively near the boundary), classify each point infeasible / feasible / preferred,
 * report per setting the ranges and what closes each side, find the setpoints that are best for cycle, energy
 * and robustness (Monte Carlo under process noise, with the critical dimension's Cpk), their Pareto set, and the
 * Sobol sensitivity of the key outputs to each setting over the swept range.
 */

export interface WindowOptions {
  workers?: number;
  /** Who runs the sweeps' chunks (e.g. distributed workers); overrides `workers`. */
  executor?: ChunkExecutor;
  signal?: AbortSignal;
  onProgress?: (stage: string, p: SweepProgress) => void;
  /** Receives every evaluated shot as Arrow (e.g. a file writer for --out). */
  sink?: (table: Table) => void | Promise<void>;
  /** Overrides the scenario's search (the CLI's --adaptive / --grid). */
  search?: "grid" | "adaptive";
}

export interface Setpoint {
  settings: Record<string, number>;
  robustness: Robustness;
  boundaryDistance: number;
  /** Feasible run of each setting through this point, the others held. */
  runs: { name: string; min: number; max: number }[];
}

const KEY_OUTPUTS = [
  "cycleTimeS",
  "energyPerPartKWh",
  "partMassG",
  "criticalDimensionMm",
  "peakInjectionPressureMPa",
  "requiredClampForceKN",
] as const;

export async function runWindow(sc: WindowScenario, o: WindowOptions = {}) {
  const t0 = performance.now();
  const twin = resolveTwin(sc.twin, "scenario.twin");
  checkSettings(twin, sc.settings, "scenario.settings");
  checkFactors(twin, sc.settings, sc.factors, "scenario.factors");
  const constraints = buildConstraints(twin, sc.constraints ?? {}, "scenario.constraints");
  const grid = makeGrid(sc.factors.map((f) => f.levels));
  const factors: SweepFactor[] = sc.factors.map((f) => ({ input: f.name, min: f.min, max: f.max, log: f.log }));
  const search = o.search ?? sc.search;
  const workers = o.workers ?? 0;
  const pm = sc.preferredMargin;
  // Inputs that are not swept are constants of every row (constraints and expressions may name them).
  const baseInputs = toInputs(twin, sc.settings);
  const constants = Object.fromEntries(INPUT_FIELDS.map((name, i) => [name, baseInputs[i]!]));
  // Grid points as factor values: as kernel rows (points × factors) and as named settings.
  const valueAt = (idx: number, j: number): number => gridValue(factors[j]!, levelOf(grid, idx, j), grid.levels[j]!);
  const valuesOf = (indices: readonly number[]): Float64Array => {
    const values = new Float64Array(indices.length * factors.length);
    indices.forEach((idx, r) => {
      for (let j = 0; j < factors.length; j++) values[r * factors.length + j] = valueAt(idx, j);
    });
    return values;
  };
  const settingsAt = (idx: number): Record<string, number> =>
    Object.fromEntries(factors.map((f, j) => [f.input, valueAt(idx, j)]));

  // Key outputs of evaluated points (for the objectives), by grid index.
  const keyOut = new Map<number, Float64Array>();
  const evaluatePoints = async (indices: readonly number[], stage: string): Promise<PointEvaluation> => {
    const plan = buildPlan(twin, sc.settings, sc.factors, { kind: "points", values: valuesOf(indices) }, OUTPUT_FIELDS);
    const run = await runSweep(plan, {
      workers,
      ...(o.executor ? { executor: o.executor } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: (p: SweepProgress) => o.onProgress?.(stage, p) } : {}),
      ...(o.sink ? { sink: o.sink } : {}),
    });
    return evaluateTable(run.table!, indices, constraints, pm, keyOut, constants);
  };

  let cls: Uint8Array;
  let limiter: Int16Array;
  let evaluated: Uint8Array;
  let evaluations: number;
  if (search === "adaptive") {
    const r = await adaptiveSearch(grid, (idx) => evaluatePoints(idx, "adaptive search"));
    ({ cls, limiter, evaluated, evaluations } = r);
  } else {
    const all = Array.from({ length: grid.size }, (_, i) => i);
    const r = await evaluatePoints(all, "grid");
    cls = r.cls;
    limiter = r.limiter;
    evaluated = new Uint8Array(grid.size).fill(1);
    evaluations = grid.size;
  }

  const windows = analyzeFactors(grid, factors, cls, limiter, constraints);
  let feasibleCount = 0;
  let preferredCount = 0;
  for (let i = 0; i < grid.size; i++) {
    if (cls[i]! >= CLASS_FEASIBLE) feasibleCount++;
    if (cls[i] === CLASS_PREFERRED) preferredCount++;
  }
  const base = {
    scenario: sc.name,
    twin: { materialId: twin.material.id, machineId: twin.machine.id, moldId: twin.mold.id },
    search: { mode: search, gridPoints: grid.size, evaluations, evaluatedShare: evaluations / grid.size },
    constraints: constraints.map((c) => ({ id: c.id, label: c.label, preferredApplies: c.preferred })),
    preferredMargin: pm,
    counts: { points: grid.size, feasible: feasibleCount, preferred: preferredCount },
    factors: windows,
    closedOnEverySide: feasibleCount > 0 && windows.every((w) => w.low.closed && w.high.closed),
    area: { levels: grid.levels, cls: Array.from(cls), limiter: Array.from(limiter) },
  };

  if (feasibleCount === 0) {
    return {
      ...base,
      feasible: false as const,
      infeasible: explainInfeasible(grid.size, settingsAt, constraints, evaluated, limiter, keyOut),
      elapsedMs: performance.now() - t0,
    };
  }

  // ---- Robustness of candidate setpoints ----
  const dist = boundaryDistance(grid, cls);
  const candidates = pickCandidates(grid, cls, evaluated, dist, keyOut, sc.robustness.candidates);
  const noise = noiseSpec(sc.robustness.noise, sc.robustness.replicates, sc.robustness.seed);
  const mcPlan = buildPlan(
    twin,
    sc.settings,
    sc.factors,
    { kind: "points", values: valuesOf(candidates) },
    OUTPUT_FIELDS,
    noise,
  );
  const mc = await runSweep(mcPlan, {
    workers,
    ...(o.executor ? { executor: o.executor } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: (p: SweepProgress) => o.onProgress?.("robustness Monte Carlo", p) } : {}),
  });
  const mcCols = columnsOf(mc.table!);
  const mcMargins = marginsOf(constraints, mcCols.numbers, mc.rows, constants);
  const ids = constraints.map((c) => c.id);
  const setpoints: Setpoint[] = candidates.map((idx, k) => ({
    settings: settingsAt(idx),
    robustness: summarize(twin, k * noise.replicates, noise.replicates, mcCols.numbers, mcMargins, mcCols.valid, ids),
    boundaryDistance: dist[idx]!,
    runs: runsThrough(grid, factors, cls, idx),
  }));

  const byRobust = (a: Setpoint, b: Setpoint): number =>
    b.robustness.yield - a.robustness.yield ||
    b.robustness.worstMarginP05 - a.robustness.worstMarginP05 ||
    b.boundaryDistance - a.boundaryDistance;
  const mostRobust = [...setpoints].sort(byRobust)[0]!;
  const topYield = mostRobust.robustness.yield;
  // Fast or frugal setpoints must still be about as robust as the best (within 1 % yield).
  const acceptable = setpoints.filter((s) => s.robustness.yield >= topYield - 0.01);
  const shortestCycle = [...acceptable].sort(
    (a, b) => a.robustness.cycleTimeMeanS - b.robustness.cycleTimeMeanS || byRobust(a, b),
  )[0]!;
  const leastEnergy = [...acceptable].sort(
    (a, b) => a.robustness.energyPerPartMeanKWh - b.robustness.energyPerPartMeanKWh || byRobust(a, b),
  )[0]!;
  const optima = { mostRobust, shortestCycle, leastEnergy };
  const recommended =
    sc.objective === "shortest-cycle" ? shortestCycle : sc.objective === "least-energy" ? leastEnergy : mostRobust;
  const pareto = paretoFront(setpoints.map((s) => s.robustness)).map((i) => setpoints[i]!);
  const conflict = new Set([mostRobust, shortestCycle, leastEnergy]).size > 1;

  const sensitivity =
    sc.sensitivity.baseSamples > 0 ? await sensitivityOf(twin, sc, factors, workers, o.executor, o.signal) : null;

  return {
    ...base,
    feasible: true as const,
    objective: sc.objective,
    recommended: { objective: sc.objective, ...recommended },
    optima,
    objectivesConflict: conflict,
    pareto,
    cpkRequired: CPK_REQUIRED,
    recommendedMeetsCpk: recommended.robustness.criticalDimensionCpk >= CPK_REQUIRED,
    noise: { ...noise },
    sensitivity,
    elapsedMs: performance.now() - t0,
  };
}

export type WindowResult = Awaited<ReturnType<typeof runWindow>>;
export type { FactorWindow };

function columnsOf(t: Table): { numbers: Record<string, Float64Array>; valid: Uint8Array } {
  const numbers: Record<string, Float64Array> = {};
  for (const f of t.schema.fields) {
    if (f.name === "valid" || f.name === "row" || f.name === "point") continue;
    numbers[f.name] = t.getChild(f.name)!.toArray() as Float64Array;
  }
  return { numbers, valid: t.getChild("valid")!.toArray() as Uint8Array };
}

function evaluateTable(
  t: Table,
  indices: readonly number[],
  constraints: readonly Constraint[],
  pm: number,
  keyOut: Map<number, Float64Array>,
  constants: Record<string, number>,
): PointEvaluation {
  const { numbers, valid } = columnsOf(t);
  const n = indices.length;
  const margins = marginsOf(constraints, numbers, n, constants);
  const { cls, limiter, minMargin } = classify(constraints, margins, valid, n, pm);
  const preferredScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = Number.POSITIVE_INFINITY;
    for (let c = 0; c < constraints.length; c++) {
      const m = margins[c]![i]! - (constraints[c]!.preferred ? pm : 0);
      if (m < s) s = m;
    }
    preferredScore[i] = valid[i] ? s : -1;
    const key = new Float64Array(KEY_OUTPUTS.length + 1);
    KEY_OUTPUTS.forEach((name, k) => {
      key[k] = numbers[name]![i]!;
    });
    key[KEY_OUTPUTS.length] = minMargin[i]!;
    keyOut.set(indices[i]!, key);
  }
  return {
    cls,
    limiter,
    feasibleScore: minMargin,
    preferredScore,
    margins,
    preferredOffsets: constraints.map((c) => (c.preferred ? pm : 0)),
  };
}

/**
 * Candidates for the Monte Carlo: the points deepest inside the window (largest distance to its boundary), and
 * the fastest and most frugal evaluated points of the preferred window (of the feasible one when there is no
 * preferred point), so every objective's optimum is among them.
 */
function pickCandidates(
  g: Grid,
  cls: Uint8Array,
  evaluated: Uint8Array,
  dist: Float64Array,
  keyOut: Map<number, Float64Array>,
  count: number,
): number[] {
  const feasible: number[] = [];
  for (let i = 0; i < g.size; i++) if (cls[i]! >= CLASS_FEASIBLE) feasible.push(i);
  const deep = [...feasible].sort((a, b) => dist[b]! - dist[a]! || a - b).slice(0, Math.max(1, Math.ceil(count / 2)));
  const hasPreferred = feasible.some((i) => cls[i] === CLASS_PREFERRED && evaluated[i]);
  const pool = feasible.filter((i) => evaluated[i] && (!hasPreferred || cls[i] === CLASS_PREFERRED));
  const quarter = Math.max(1, Math.floor(count / 4));
  const by = (k: number) =>
    [...pool].sort((a, b) => keyOut.get(a)![k]! - keyOut.get(b)![k]! || a - b).slice(0, quarter);
  return [...new Set([...deep, ...by(0), ...by(1)])].sort((a, b) => a - b);
}

function explainInfeasible(
  size: number,
  settingsAt: (index: number) => Record<string, number>,
  constraints: readonly Constraint[],
  evaluated: Uint8Array,
  limiter: Int16Array,
  keyOut: Map<number, Float64Array>,
) {
  const fails = new Map<number, number>();
  let evaluatedCount = 0;
  let best = -1;
  let bestMargin = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < size; i++) {
    if (!evaluated[i]) continue;
    evaluatedCount++;
    fails.set(limiter[i]!, (fails.get(limiter[i]!) ?? 0) + 1);
    const m = keyOut.get(i)![KEY_OUTPUTS.length]!;
    if (m > bestMargin) {
      bestMargin = m;
      best = i;
    }
  }
  const ranked = [...fails.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => ({ ...constraintName(constraints, c), share: n / evaluatedCount }));
  const closest = constraintName(constraints, limiter[best]!);
  const at = settingsAt(best);
  const where = Object.entries(at)
    .map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`)
    .join(", ");
  return {
    message: `no setting in the swept range is feasible: the closest point (${where}) still fails "${closest.label}" (margin ${bestMargin.toFixed(3)})`,
    limitingConstraint: closest.id,
    limitingConstraintLabel: closest.label,
    closestPoint: at,
    closestMargin: bestMargin,
    failingConstraints: ranked,
  };
}

/**
 * Sobol' indices (Saltelli 2010 first order, Jansen total) of the key outputs against each swept setting, over
 * the swept ranges: which knob moves cycle time, mass, dimension, pressure and energy, and how much of that is
 * interaction.
 */
async function sensitivityOf(
  twin: Twin,
  sc: WindowScenario,
  factors: readonly SweepFactor[],
  workers: number,
  executor: ChunkExecutor | undefined,
  signal: AbortSignal | undefined,
) {
  const d = factors.length;
  const outs = KEY_OUTPUTS;
  const r = await sobolIndices(
    async (unit, n, out) => {
      const values = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) values[i] = unitToValue(factors[i % d]!, unit[i]!);
      const plan = buildPlan(twin, sc.settings, sc.factors, { kind: "points", values }, outs);
      const run = await runSweep(plan, { workers, ...(executor ? { executor } : {}), ...(signal ? { signal } : {}) });
      const t = run.table!;
      const valid = t.getChild("valid")!.toArray() as Uint8Array;
      outs.forEach((name, k) => {
        const col = t.getChild(name)!.toArray() as Float64Array;
        for (let i = 0; i < n; i++) out[i * outs.length + k] = valid[i] ? col[i]! : 0;
      });
    },
    { dims: d, outputs: outs.length, baseSamples: sc.sensitivity.baseSamples, seed: sc.robustness.seed },
  );
  const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
  return {
    method: "Sobol' indices: Saltelli (2010) first-order and Jansen (1999) total-effect estimators, bootstrap 95 % CI",
    baseSamples: sc.sensitivity.baseSamples,
    evaluations: r.evaluations,
    outputs: outs.map((name, k) => ({
      output: name,
      indices: factors.map((f, j) => ({
        factor: f.input,
        first: finite(r.first[k * d + j]!),
        firstCi: finite(r.firstCi[k * d + j]!),
        total: finite(r.total[k * d + j]!),
        totalCi: finite(r.totalCi[k * d + j]!),
      })),
    })),
  };
}
