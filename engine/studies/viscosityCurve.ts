/**
 * In-press rheology study ("viscosity curve"), as scientific molding runs it on the press (RJG; J. Bozzelli;
 * xmrex-tech "Six aspects to understand scientific injection molding theory"; molding.md §1.4): fill the part
 * at a ladder of injection speeds, record fill time and peak injection pressure, and plot
 *   relative viscosity η_rel = P_peak × t_fill (× intensification ratio when P is hydraulic)
 *   relative shear rate γ̇_rel = 1 / t_fill
 * Here P_peak is the kernel's peak SPECIFIC (melt) pressure, so no intensification ratio applies
 * (P_specific = P_hydraulic × ratio; the hydraulic value is reported too). Set the injection speed in the flat
 * region, where speed drift barely changes the viscosity.
 *
 * Flat region (stated criterion): curve normalised to the maximum η_rel over the usable steps; a step belongs to
 * the flat region when the normalised viscosity changes by less than `flatThresholdPct` (default 5 %, in
 * percentage points of the maximum) to its next-faster neighbour. The flat region is the longest run of
 * consecutive usable steps with all changes below the threshold (ties: the faster run); the recommendation is
 * its low-shear start, the slowest fill still in the flat region. Steps the press cannot fill (peak above
 * max injection pressure × usable fraction) or that short-shoot (short-shot margin ≤ 0, incl. flow-front freeze)
 * are flagged and excluded.
 */
import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { simulateShot } from "../molding/simulateShot.ts";
import {
  assertFinite,
  availablePressureMPa,
  checkNumber,
  fixed,
  geometricLadder,
  minimumFillTimeS,
  round,
  withInjectionTime,
} from "./common.ts";

export interface ViscosityCurveOptions {
  /** Number of speed steps (default 12). */
  steps?: number;
  /** Flat-region threshold: change per step in % of the max relative viscosity (default 5). */
  flatThresholdPct?: number;
  /** Fastest injection time, s (default: the press's shortest, V/P volume ÷ max injection rate). */
  fastestInjectionTimeS?: number;
  /** Slowest injection time, s (default: max(3 × the base injection time, 20 × the fastest), ≤ 60 s). */
  slowestInjectionTimeS?: number;
}

export const VISCOSITY_DEFAULTS = { steps: 12, flatThresholdPct: 5 } as const;

export interface ViscosityStep {
  injectionTimeS: number;
  fillTimeS: number;
  flowRateCm3PerS: number;
  injectionRateLimited: boolean;
  peakInjectionPressureMPa: number;
  hydraulicPressureMPa: number;
  relativeShearRate1s: number;
  relativeViscosityMPaS: number;
  normalizedViscosityPct: number;
  /** Change to the next-faster step in percentage points of the max (0 for the fastest step). */
  changeToFasterPct: number;
  maxWallShearRate1s: number;
  shortShotMargin: number;
  shortShotLimitedBy: string;
  burnMargin: number;
  pressureLimited: boolean;
  shortShot: boolean;
  usable: boolean;
  inFlatRegion: boolean;
}

export function viscosityCurveStudy(twin: Twin, base: ProcessSettings, options: ViscosityCurveOptions = {}) {
  const steps = options.steps ?? VISCOSITY_DEFAULTS.steps;
  const threshold = options.flatThresholdPct ?? VISCOSITY_DEFAULTS.flatThresholdPct;
  checkNumber("options.steps", steps, { integer: true, min: 3, max: 60 });
  checkNumber("options.flatThresholdPct", threshold, { exclusiveMin: 0, max: 100, unit: "%" });
  const pressMinS = minimumFillTimeS(twin, base);
  const fastest = options.fastestInjectionTimeS ?? pressMinS;
  checkNumber("options.fastestInjectionTimeS", fastest, { min: pressMinS * (1 - 1e-9), max: 60, unit: "s" });
  const baseTime = base.injectionTimeS ?? simulateShot(twin, base).fill.fillTimeS;
  const slowest = options.slowestInjectionTimeS ?? Math.min(60, Math.max(3 * baseTime, 20 * fastest));
  checkNumber("options.slowestInjectionTimeS", slowest, { exclusiveMin: fastest, max: 60, unit: "s" });

  const available = availablePressureMPa(twin);
  // Slow → fast, so the list runs in increasing shear rate.
  const times = geometricLadder(slowest, fastest, steps);
  const raw = times.map((t) => {
    const r = simulateShot(twin, withInjectionTime(base, t));
    const pressureLimited = r.fill.peakInjectionPressureMPa > available;
    const shortShot = r.defects.shortShot.margin <= 0;
    return { t, r, pressureLimited, shortShot, usable: !pressureLimited && !shortShot };
  });
  const eta = raw.map(({ r }) => r.fill.peakInjectionPressureMPa * r.fill.fillTimeS);
  const usableEta = eta.filter((_, i) => raw[i]!.usable);
  const maxEta = Math.max(...(usableEta.length ? usableEta : eta));
  const norm = eta.map((e) => (100 * e) / maxEta);
  // change[i]: from step i to the next-faster step i + 1.
  const change = norm.map((v, i) => (i + 1 < norm.length ? Math.abs(v - norm[i + 1]!) : 0));

  // Longest run of consecutive usable steps whose every link is below the threshold; ties go to the faster run.
  let best: [number, number] | undefined;
  let start = -1;
  for (let i = 0; i < raw.length; i++) {
    if (!raw[i]!.usable) {
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    // Close the run at i when the link to i + 1 is missing or too steep.
    const linkOk = i + 1 < raw.length && raw[i + 1]!.usable && change[i]! < threshold;
    if (!linkOk) {
      if (i > start && (!best || i - start >= best[1] - best[0])) best = [start, i];
      start = -1;
    }
  }

  const stepsOut: ViscosityStep[] = raw.map(({ t, r, pressureLimited, shortShot, usable }, i) => ({
    injectionTimeS: round(t, 5),
    fillTimeS: round(r.fill.fillTimeS, 5),
    flowRateCm3PerS: round(r.fill.flowRateCm3PerS, 5),
    injectionRateLimited: r.fill.injectionRateLimited,
    peakInjectionPressureMPa: round(r.fill.peakInjectionPressureMPa, 5),
    hydraulicPressureMPa: round(r.fill.hydraulicPressureMPa, 5),
    relativeShearRate1s: round(1 / r.fill.fillTimeS, 5),
    relativeViscosityMPaS: round(eta[i]!, 5),
    normalizedViscosityPct: fixed(norm[i]!, 3),
    changeToFasterPct: fixed(change[i]!, 3),
    maxWallShearRate1s: round(r.fill.maxWallShearRate1s, 5),
    shortShotMargin: round(r.defects.shortShot.margin, 4),
    shortShotLimitedBy: r.defects.shortShot.limitedBy,
    burnMargin: round(r.defects.burn.margin, 4),
    pressureLimited,
    shortShot,
    usable,
    inFlatRegion: best !== undefined && i >= best[0] && i <= best[1],
  }));

  const flat = best
    ? {
        fromRelativeShearRate1s: stepsOut[best[0]]!.relativeShearRate1s,
        toRelativeShearRate1s: stepsOut[best[1]]!.relativeShearRate1s,
        slowestInjectionTimeS: stepsOut[best[0]]!.injectionTimeS,
        fastestInjectionTimeS: stepsOut[best[1]]!.injectionTimeS,
        steps: best[1] - best[0] + 1,
      }
    : null;
  const rec = best ? stepsOut[best[0]]! : undefined;
  return assertFinite({
    study: "viscosity-curve" as const,
    source:
      "in-press rheology (RJG / Bozzelli; xmrex-tech, molding.md §1.4): η_rel = P_peak,specific × t_fill, γ̇_rel = 1/t_fill",
    method: {
      pressureBasis: "specific (melt) peak injection pressure; no intensification ratio applied",
      intensificationRatio: twin.machine.intensificationRatio,
      normalisedTo: usableEta.length ? "max η_rel over usable steps" : "max η_rel over all steps (none usable)",
      flatThresholdPct: threshold,
      flatCriterion:
        "|Δ normalised η_rel| to the next-faster step < flatThresholdPct (percentage points of the max); longest run of usable steps",
      excluded: "pressure-limited (peak > max injection pressure × usable fraction) or short-shot margin ≤ 0",
      ladder: `${steps} injection times, geometric from ${round(slowest, 4)} s to ${round(fastest, 4)} s`,
      pressMinimumFillTimeS: round(pressMinS, 5),
      availablePressureMPa: round(available, 5),
    },
    steps: stepsOut,
    flatRegion: flat,
    recommendation: rec
      ? {
          injectionTimeS: rec.injectionTimeS,
          fillTimeS: rec.fillTimeS,
          relativeShearRate1s: rec.relativeShearRate1s,
          peakInjectionPressureMPa: rec.peakInjectionPressureMPa,
          maxWallShearRate1s: rec.maxWallShearRate1s,
          burnRisk: rec.burnMargin <= 0,
          text: `inject in ${rec.injectionTimeS} s: the slowest fill still in the flat region (viscosity changes < ${threshold} % per step from there to ${flat?.fastestInjectionTimeS} s)`,
        }
      : {
          injectionTimeS: null,
          text: `no flat region: no two consecutive usable steps change by less than ${threshold} % — widen the ladder or raise the threshold`,
        },
  });
}

export type ViscosityCurveResult = ReturnType<typeof viscosityCurveStudy>;
