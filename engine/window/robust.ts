import { mean, quantileSorted, sampleStandardDeviation } from "simple-statistics";
import type { Twin } from "../../twin-models/resolve.ts";
import type { Noise } from "../../twin-models/schemas/sweep.ts";
import type { NoiseSpec } from "../sweep/chunk.ts";

/**
 * Robustness of a setpoint: Monte Carlo of the noise a press really sees around it (melt and mold temperature,
 * viscosity lot to lot, check-ring leakage), every constraint checked on every replicate. Yield is the share
 * of replicates that are good parts; the capability of the critical dimension is the process capability index
 * Cpk = min(USL − μ, μ − LSL) / 3σ (Montgomery, *Introduction to Statistical Quality Control*, §8.2), the figure
 * a window must reach (≥ 1.33, aprios; molding.md §1.4). σ is the sample standard deviation of the replicates.
 */

/** Defaults of the noise model: stated engineering assumptions (no single source gives them). */
export const DEFAULT_NOISE: Required<Noise> = {
  meltTempSdC: 2,
  moldTempSdC: 1.5,
  viscosityLotCv: 0.05,
  checkRingLeakageMax: 0.03,
};

/** Cpk is reported up to this cap: a σ that small means the noise model does not move the output at all. */
export const CPK_CAP = 99;
/** The usual minimum capability for a released process (aprios; many OEM PPAP requirements). */
export const CPK_REQUIRED = 1.33;

export function noiseSpec(noise: Noise | undefined, replicates: number, seed: number): NoiseSpec {
  return { ...DEFAULT_NOISE, ...(noise ?? {}), replicates, seed };
}

export interface Robustness {
  /** Share of Monte Carlo replicates that satisfy every constraint. */
  yield: number;
  criticalDimensionCpk: number;
  criticalDimensionMeanMm: number;
  criticalDimensionSdMm: number;
  partMassMeanG: number;
  partMassSdG: number;
  cycleTimeMeanS: number;
  energyPerPartMeanKWh: number;
  /**
   * 5th percentile over the replicates of the smallest constraint margin: how close to a limit the process runs
   * on a bad day. The robust optimum maximises yield, then this.
   */
  worstMarginP05: number;
  /** Constraint that fails most often under noise, or null. */
  weakestConstraint: string | null;
}

export function cpk(mu: number, sd: number, lsl: number, usl: number): number {
  const gap = Math.min(usl - mu, mu - lsl);
  if (!(sd > 1e-12)) return gap > 0 ? CPK_CAP : -CPK_CAP;
  return Math.max(-CPK_CAP, Math.min(CPK_CAP, gap / (3 * sd)));
}

/** Summarises the replicates [from, from + n) of one candidate. */
export function summarize(
  twin: Twin,
  from: number,
  n: number,
  columns: Record<string, Float64Array>,
  margins: readonly Float64Array[],
  valid: Uint8Array,
  constraintIds: readonly string[],
): Robustness {
  let good = 0;
  const fails = new Array<number>(margins.length).fill(0);
  const worst = new Float64Array(n);
  for (let r = from; r < from + n; r++) {
    let ok = valid[r] === 1;
    let w = ok ? Number.POSITIVE_INFINITY : -1;
    for (let c = 0; c < margins.length; c++) {
      const m = margins[c]![r]!;
      if (m < w) w = m;
      if (!(m > 0)) {
        ok = false;
        fails[c]!++;
      }
    }
    worst[r - from] = w;
    if (ok) good++;
  }
  worst.sort();
  const slice = (name: string): number[] => Array.from(columns[name]!.subarray(from, from + n));
  const dims = slice("criticalDimensionMm");
  const mass = slice("partMassG");
  const cd = twin.mold.criticalDimension;
  const mu = mean(dims);
  const sd = sampleStandardDeviation(dims);
  const weakest = fails.reduce((b, f, c) => (f > (fails[b] ?? 0) ? c : b), 0);
  return {
    yield: good / n,
    criticalDimensionCpk: cpk(mu, sd, cd.nominalMm - cd.toleranceMm, cd.nominalMm + cd.toleranceMm),
    criticalDimensionMeanMm: mu,
    criticalDimensionSdMm: sd,
    partMassMeanG: mean(mass),
    partMassSdG: sampleStandardDeviation(mass),
    cycleTimeMeanS: mean(slice("cycleTimeS")),
    energyPerPartMeanKWh: mean(slice("energyPerPartKWh")),
    worstMarginP05: quantileSorted(Array.from(worst), 0.05),
    weakestConstraint: (fails[weakest] ?? 0) > 0 ? (constraintIds[weakest] ?? null) : null,
  };
}

/** Pareto front for minimise cycle, minimise energy, maximise yield, maximise the bad-day margin. Returns indices. */
export function paretoFront(rs: readonly Robustness[]): number[] {
  const better = (a: Robustness, b: Robustness): boolean =>
    a.cycleTimeMeanS <= b.cycleTimeMeanS &&
    a.energyPerPartMeanKWh <= b.energyPerPartMeanKWh &&
    a.yield >= b.yield &&
    a.worstMarginP05 >= b.worstMarginP05 &&
    (a.cycleTimeMeanS < b.cycleTimeMeanS ||
      a.energyPerPartMeanKWh < b.energyPerPartMeanKWh ||
      a.yield > b.yield ||
      a.worstMarginP05 > b.worstMarginP05);
  return rs.map((_, i) => i).filter((i) => !rs.some((o, j) => j !== i && better(o, rs[i]!)));
}
