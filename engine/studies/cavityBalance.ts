/**
 * Cavity-balance study for multi-cavity molds (molding.md §1.4: fill-imbalance % across cavities at short shot;
 * xmrex-tech; Seow & Lam 1997, cavity balancing). The library molds have identical parallel branches, which are
 * naturally balanced (0 % geometric imbalance). The user describes an unbalanced layout — per-cavity extra runner
 * length (e.g. a fishbone runner whose inner cavities have shorter runners) and/or per-cavity mold-temperature
 * offset — and the study computes how the flow splits.
 *
 * Method (physics-lite, stated):
 * - Flow path as compiled: segments with `branches` ≥ cavities belong to one cavity (its branch: runner, gate,
 *   cavity; `branches / cavities` parallel copies each); segments with fewer branches are shared and carry the
 *   sum of the cavities they feed (cavity k is fed by copy ⌊k·branches/cavities⌋). The machine nozzle is common
 *   to all cavities and left out. An extra runner length is a tube of the cavity's last runner diameter.
 * - Each segment's drop is the Hele-Shaw power-law closed form (molding.md §2.3) at the local power-law index of
 *   Cross-WLF at the segment's Rabinowitsch-corrected wall shear rate (same closure as the fill march; disks in
 *   8 rings). Isothermal: shared segments at the melt temperature; a cavity's own segments at the melt
 *   temperature + 0.5 × its mold-temperature offset (the wall sets half of the mean of melt and wall temperature:
 *   a stated physics-lite assumption for how a hotter insert thins the melt). No frozen layer.
 * - Split: the flows are iterated until every cavity sees the same pressure drop from the sprue entrance,
 *   q_k ← q_k·(P̄/P_k)^(1/(2·n_k)) renormalised to the total flow (n_k the drop-weighted local index of the
 *   branch; the ½ damps the coupling through shared runners), to a relative spread < 1e-10.
 * - Short-shot balance test: each cavity fills its own runner then its part at its steady flow (the split with
 *   every branch full, used for the whole fill). When the first part is full, fill % of each part =
 *   (q_k·t_first − V_runner,k) / V_part; imbalance % = (max − min) / max of those fills.
 * - `rheology: "newtonian"` (sanity mode): η = η0(T), n = 1; the split then follows 1 / resistance.
 */
import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { MoldtwinError } from "../errors.ts";
import {
  type CompiledTwin,
  ROLE_CAVITY,
  ROLE_RUNNER,
  SHAPE_DISK,
  SHAPE_TUBE,
  STEPS_PER_SEGMENT,
} from "../molding/compile.ts";
import { compiledTwin, simulateShot } from "../molding/simulateShot.ts";
import { crossViscosityPaS, localPowerLawIndex, zeroShearViscosityPaS } from "../physics/crossWlf.ts";
import { diskPressureDropPa, stripPressureDropPa, tubePressureDropPa } from "../physics/pressureDrop.ts";
import { KELVIN_OFFSET, M_PER_MM } from "../units.ts";
import { assertFinite, checkList, checkNumber, fixed, minimumFillTimeS, round, withInjectionTime } from "./common.ts";

export interface CavityBalanceOptions {
  /** Extra runner length per cavity, mm (one value per cavity, ≥ 0). */
  runnerExtraMm?: number[];
  /** Mold-temperature offset per cavity, °C (one value per cavity). */
  moldTempOffsetC?: number[];
  /** Injection times to compare, s (default: half, equal to and double the base time, within the press's range). */
  injectionTimesS?: number[];
  /** "cross-wlf" (default) or "newtonian" (sanity mode: η = η0, n = 1). */
  rheology?: "cross-wlf" | "newtonian";
}

/** Share of a mold-temperature offset felt by the flowing melt (stated physics-lite assumption). */
export const MOLD_OFFSET_WEIGHT = 0.5;
const MAX_ITERATIONS = 500;
const TOLERANCE = 1e-10;

interface SegmentDrop {
  dpPa: number;
  wallRate1s: number;
  nLocal: number;
}

/** Isothermal Hele-Shaw drop of one copy of segment i carrying `q`, at zero-shear viscosity eta0. */
function segmentDrop(
  c: CompiledTwin,
  shape: number,
  i: number,
  q: number,
  eta0: number,
  newtonian: boolean,
  lengthM: number,
  radiusM: number,
): SegmentDrop {
  const closure = (apparent: number, tube: boolean) => {
    if (newtonian) return { n: 1, k: eta0, rate: apparent };
    const rab = (n: number): number => (tube ? (3 * n + 1) / (4 * n) : (2 * n + 1) / (3 * n));
    let n = localPowerLawIndex(c.cross, eta0, apparent);
    let rate = rab(n) * apparent;
    n = localPowerLawIndex(c.cross, eta0, rate);
    rate = rab(n) * apparent;
    const eta = crossViscosityPaS(c.cross, eta0, rate);
    return { n, k: eta * rate ** (1 - n), rate };
  };
  if (q <= 0) return { dpPa: 0, wallRate1s: 0, nLocal: 1 };
  if (shape === SHAPE_TUBE) {
    const { n, k, rate } = closure((4 * q) / (Math.PI * radiusM ** 3), true);
    return { dpPa: tubePressureDropPa(k, n, q, lengthM, radiusM), wallRate1s: rate, nLocal: n };
  }
  const h = c.thicknessM[i]!;
  if (shape === SHAPE_DISK) {
    const r0 = c.innerRadiusM[i]!;
    const r1 = c.outerRadiusM[i]!;
    let dp = 0;
    let maxRate = 0;
    let nSum = 0;
    for (let j = 0; j < STEPS_PER_SEGMENT; j++) {
      const a = r0 + ((r1 - r0) * j) / STEPS_PER_SEGMENT;
      const b = r0 + ((r1 - r0) * (j + 1)) / STEPS_PER_SEGMENT;
      const { n, k, rate } = closure((6 * q) / (Math.PI * (a + b) * h * h), false);
      const d = diskPressureDropPa(k, n, q, a, b, h);
      dp += d;
      nSum += n * d;
      if (rate > maxRate) maxRate = rate;
    }
    return { dpPa: dp, wallRate1s: maxRate, nLocal: dp > 0 ? nSum / dp : 1 };
  }
  const w = c.widthM[i]!;
  const { n, k, rate } = closure((6 * q) / (w * h * h), false);
  return { dpPa: stripPressureDropPa(k, n, q, lengthM, w, h), wallRate1s: rate, nLocal: n };
}

interface Layout {
  cavities: number;
  /** Segment indices (nozzle excluded). */
  segments: number[];
  perCavity: boolean[];
  runnerVolumeM3: number[];
  partVolumeM3: number;
  extraLengthM: number[];
  extraRadiusM: number;
  branchTempC: number[];
}

function pathDrops(c: CompiledTwin, L: Layout, q: number[], meltC: number, factor: number, newtonian: boolean) {
  const N = L.cavities;
  const eta0Of = (tC: number): number => zeroShearViscosityPaS(c.cross, tC + KELVIN_OFFSET, 0, factor);
  const eta0Shared = eta0Of(meltC);
  const eta0Branch = L.branchTempC.map(eta0Of);
  const dp = new Array<number>(N).fill(0);
  const nWeighted = new Array<number>(N).fill(0);
  const branchDp = new Array<number>(N).fill(0);
  const maxRate = new Array<number>(N).fill(0);
  for (const i of L.segments) {
    const b = c.branches[i]!;
    if (L.perCavity[i]) {
      const copies = b / N;
      for (let k = 0; k < N; k++) {
        const d = segmentDrop(
          c,
          c.shape[i]!,
          i,
          q[k]! / copies,
          eta0Branch[k]!,
          newtonian,
          c.lengthM[i]!,
          c.radiusM[i]!,
        );
        dp[k]! += d.dpPa;
        branchDp[k]! += d.dpPa;
        nWeighted[k]! += d.nLocal * d.dpPa;
        if (d.wallRate1s > maxRate[k]!) maxRate[k] = d.wallRate1s;
      }
    } else {
      const groupFlow = new Array<number>(b).fill(0);
      for (let k = 0; k < N; k++) groupFlow[Math.floor((k * b) / N)]! += q[k]!;
      const drops = groupFlow.map((g) =>
        segmentDrop(c, c.shape[i]!, i, g, eta0Shared, newtonian, c.lengthM[i]!, c.radiusM[i]!),
      );
      for (let k = 0; k < N; k++) {
        const d = drops[Math.floor((k * b) / N)]!;
        dp[k]! += d.dpPa;
        nWeighted[k]! += d.nLocal * d.dpPa;
        if (d.wallRate1s > maxRate[k]!) maxRate[k] = d.wallRate1s;
      }
    }
  }
  for (let k = 0; k < N; k++) {
    if (L.extraLengthM[k]! > 0) {
      const d = segmentDrop(c, SHAPE_TUBE, -1, q[k]!, eta0Branch[k]!, newtonian, L.extraLengthM[k]!, L.extraRadiusM);
      dp[k]! += d.dpPa;
      branchDp[k]! += d.dpPa;
      nWeighted[k]! += d.nLocal * d.dpPa;
      if (d.wallRate1s > maxRate[k]!) maxRate[k] = d.wallRate1s;
    }
  }
  return { dp, branchDp, maxRate, nEff: dp.map((p, k) => (p > 0 ? nWeighted[k]! / p : 1)) };
}

/** Solves the flow split for a total flow Q (m³/s): equal pressure drop from the sprue entrance to every cavity. */
function solveSplit(c: CompiledTwin, L: Layout, totalM3s: number, meltC: number, factor: number, newtonian: boolean) {
  const N = L.cavities;
  let q = new Array<number>(N).fill(totalM3s / N);
  let res = pathDrops(c, L, q, meltC, factor, newtonian);
  let iterations = 0;
  let spread = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const mean = res.dp.reduce((a, b) => a + b, 0) / N;
    spread = Math.max(...res.dp.map((p) => Math.abs(p / mean - 1)));
    if (spread < TOLERANCE) break;
    const next = q.map((qk, k) => qk * (mean / res.dp[k]!) ** (1 / (2 * res.nEff[k]!)));
    const sum = next.reduce((a, b) => a + b, 0);
    q = next.map((x) => (x * totalM3s) / sum);
    res = pathDrops(c, L, q, meltC, factor, newtonian);
  }
  return { q, ...res, iterations, converged: spread < TOLERANCE, spread };
}

function buildLayout(twin: Twin, c: CompiledTwin, extraMm: number[], offsetC: number[], meltC: number): Layout {
  const N = twin.mold.cavities;
  const segments: number[] = [];
  const perCavity: boolean[] = new Array<boolean>(c.segmentCount).fill(false);
  const runnerVolumeM3 = new Array<number>(N).fill(0);
  let extraRadiusM = 0;
  let anyRunnerRadius = 0;
  for (let i = 1; i < c.segmentCount; i++) {
    segments.push(i);
    const own = c.branches[i]! >= N;
    perCavity[i] = own;
    if (c.role[i] === ROLE_RUNNER) {
      anyRunnerRadius = c.radiusM[i]!;
      if (own) extraRadiusM = c.radiusM[i]!;
    }
    if (own && c.role[i] !== ROLE_CAVITY && c.heated[i] === 0) {
      for (let k = 0; k < N; k++) runnerVolumeM3[k]! += (c.branchVolumeM3[i]! * c.branches[i]!) / N;
    }
  }
  if (extraRadiusM === 0) extraRadiusM = anyRunnerRadius;
  if (extraRadiusM === 0 && extraMm.some((x) => x > 0)) {
    throw new MoldtwinError(
      "TWIN_ERR_OUT_OF_RANGE",
      `mold ${twin.mold.id} has no runner to lengthen: options.runnerExtraMm must be all 0`,
      [{ field: "options.runnerExtraMm", value: extraMm, allowed: "all 0 for a mold without a runner segment" }],
    );
  }
  const extraLengthM = extraMm.map((x) => x * M_PER_MM);
  extraLengthM.forEach((l, k) => {
    runnerVolumeM3[k]! += Math.PI * extraRadiusM ** 2 * l;
  });
  return {
    cavities: N,
    segments,
    perCavity,
    runnerVolumeM3,
    partVolumeM3: twin.mold.partVolumeCm3 * 1e-6,
    extraLengthM,
    extraRadiusM,
    branchTempC: offsetC.map((o) => meltC + MOLD_OFFSET_WEIGHT * o),
  };
}

export function cavityBalanceStudy(twin: Twin, base: ProcessSettings, options: CavityBalanceOptions = {}) {
  const N = twin.mold.cavities;
  const extraMm = options.runnerExtraMm ?? new Array<number>(N).fill(0);
  const offsetC = options.moldTempOffsetC ?? new Array<number>(N).fill(0);
  const rheology = options.rheology ?? "cross-wlf";
  checkList("options.runnerExtraMm", extraMm, { min: 0, max: 2000, unit: "mm" }, N);
  checkList("options.moldTempOffsetC", offsetC, { min: -50, max: 50, unit: "°C" }, N);
  offsetC.forEach((o, k) => {
    const t = base.moldTempC + o;
    if (t < 0 || t >= twin.material.ejectionTempC) {
      checkNumber(`options.moldTempOffsetC[${k}]`, o, {
        min: -base.moldTempC,
        max: twin.material.ejectionTempC - base.moldTempC - 1e-9,
        unit: "°C",
      });
    }
  });
  if (rheology !== "cross-wlf" && rheology !== "newtonian") {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `invalid study option: options.rheology = ${JSON.stringify(rheology)}`,
      [{ field: "options.rheology", value: rheology, allowed: "one of: cross-wlf, newtonian" }],
    );
  }
  const pressMin = minimumFillTimeS(twin, base);
  const baseShot = simulateShot(twin, base);
  const baseTime = base.injectionTimeS ?? baseShot.fill.fillTimeS;
  const times =
    options.injectionTimesS ?? [baseTime / 2, baseTime, baseTime * 2].filter((t) => t >= pressMin && t <= 60);
  checkList("options.injectionTimesS", times, { min: pressMin * (1 - 1e-9), max: 60, unit: "s" });
  if (!times.includes(baseTime)) times.push(baseTime);
  times.sort((a, b) => a - b);

  const c = compiledTwin(twin);
  const meltC = base.meltTempC;
  const layout = buildLayout(twin, c, extraMm, offsetC, meltC);
  const newtonian = rheology === "newtonian";
  const geometricallyBalanced = extraMm.every((x) => x === 0) && offsetC.every((x) => x === 0);

  const runs = [...new Set(times)].map((t) => {
    const shot = t === baseTime ? baseShot : simulateShot(twin, withInjectionTime(base, t));
    const totalM3s = shot.fill.flowRateCm3PerS * 1e-6;
    const s = solveSplit(c, layout, totalM3s, meltC, twin.adjustments.viscosityFactor, newtonian);
    const branchFillS = s.q.map((qk, k) => (layout.runnerVolumeM3[k]! + layout.partVolumeM3) / qk);
    const tFirst = Math.min(...branchFillS);
    const fill = s.q.map((qk, k) => {
      const f = (100 * (qk * tFirst - layout.runnerVolumeM3[k]!)) / layout.partVolumeM3;
      return f < 0 ? 0 : f > 100 ? 100 : f;
    });
    const maxFill = Math.max(...fill);
    const minFill = Math.min(...fill);
    const imbalancePct = maxFill > 0 ? (100 * (maxFill - minFill)) / maxFill : 0;
    const total = s.q.reduce((a, b) => a + b, 0);
    return {
      injectionTimeS: round(t, 5),
      fillTimeS: round(shot.fill.fillTimeS, 5),
      totalFlowRateCm3PerS: round(shot.fill.flowRateCm3PerS, 6),
      commonPressureDropMPa: round(s.dp.reduce((a, b) => a + b, 0) / N / 1e6, 6),
      iterations: s.iterations,
      converged: s.converged,
      imbalancePct: fixed(imbalancePct, 3),
      firstFullCavity: fill.indexOf(maxFill) + 1,
      lastCavity: fill.lastIndexOf(minFill) + 1,
      cavities: s.q.map((qk, k) => ({
        cavity: k + 1,
        runnerExtraMm: extraMm[k]!,
        moldTempOffsetC: offsetC[k]!,
        flowSharePct: round((100 * qk) / total, 8),
        flowRateCm3PerS: round(qk * 1e6, 6),
        branchPressureDropMPa: round(s.branchDp[k]! / 1e6, 6),
        maxWallShearRate1s: round(s.maxRate[k]!, 6),
        runnerVolumeCm3: round(layout.runnerVolumeM3[k]! * 1e6, 6),
        branchFillTimeS: round(branchFillS[k]!, 6),
        fillPctWhenFirstFull: fixed(fill[k]!, 3),
      })),
    };
  });
  const atBase = runs.find((r) => r.injectionTimeS === round(baseTime, 5)) ?? runs[0]!;
  const worst = runs.reduce((a, b) => (b.imbalancePct > a.imbalancePct ? b : a));
  return assertFinite({
    study: "cavity-balance" as const,
    source:
      "cavity balance / short-shot imbalance (molding.md §1.4; Seow & Lam 1997); Hele-Shaw power-law resistances at the local Cross-WLF index (§2.3)",
    method: {
      rheology,
      isothermal: `shared segments at the melt temperature ${meltC} °C; each cavity's own segments at melt + ${MOLD_OFFSET_WEIGHT} × its mold-temperature offset; no frozen layer`,
      split: "equal pressure drop from the sprue entrance to every cavity, iterated (damped power-law update)",
      imbalance: "(max − min) / max of part fill % when the first part is full",
      extraRunnerDiameterMm: round(2 * layout.extraRadiusM * 1000, 5),
    },
    cavities: N,
    geometricallyBalanced,
    note: geometricallyBalanced
      ? `${twin.mold.id} as built has identical parallel branches: naturally balanced, 0 % geometric imbalance`
      : "user-described layout: per-cavity extra runner length and/or mold-temperature offset",
    runs,
    recommendation: {
      imbalancePctAtSettings: atBase.imbalancePct,
      worstImbalancePct: worst.imbalancePct,
      worstAtInjectionTimeS: worst.injectionTimeS,
      text:
        worst.imbalancePct === 0
          ? "balanced: every cavity fills together at every injection time studied"
          : `imbalance ${atBase.imbalancePct} % at ${atBase.injectionTimeS} s (cavity ${atBase.lastCavity} fills last); worst ${worst.imbalancePct} % at ${worst.injectionTimeS} s${
              worst.imbalancePct > 10 ? ": rebalance the runners (> 10 %)" : ""
            }`,
    },
  });
}

export type CavityBalanceResult = ReturnType<typeof cavityBalanceStudy>;
