import { mean, sampleStandardDeviation } from "simple-statistics";
import { MoldtwinError } from "../errors.ts";
import { type RuleViolation, ruleViolations } from "./rules.ts";

/**
 * Statistical process control of one sampled characteristic: X̄-R charts on subgroups of n consecutive
 * measurements, capability and performance indices, and the Western Electric / Nelson run rules on the X̄ chart.
 *
 * Control-chart constants for n = 2…10 (A2, D3, D4, d2): Montgomery, *Introduction to Statistical Quality
 * Control*, 7th ed., Appendix Table VI (also ASTM E2587 Table 4; NIST/SEMATECH e-Handbook §6.3.2). d2 = E[R]/σ.
 *
 * - X̄ chart: CL = X̿ (grand mean), UCL/LCL = X̿ ± A2·R̄. R chart: CL = R̄, UCL = D4·R̄, LCL = D3·R̄.
 * - Zones for the run rules: σ_x̄ = A2·R̄/3 (= R̄/(d2·√n)).
 * - Cp = (USL − LSL)/(6σ_within), Cpk = min(USL − μ, μ − LSL)/(3σ_within), σ_within = R̄/d2 (within-subgroup);
 *   Pp, Ppk the same with the overall sample standard deviation s of the individual values (AIAG labelling;
 *   SAS PROC CAPABILITY, JMP "Statistical details for capability indices"; contracts-kpi.md §1.5).
 *   μ = X̿. With one specification limit Cp and Pp are null and Cpk / Ppk use that side only (SAS SHEWHART
 *   "The Index Cpk"). A zero σ gives null indices (0 denominator), with a note.
 */

export const CONTROL_CONSTANTS: Readonly<Record<number, { a2: number; d2: number; d3: number; d4: number }>> = {
  2: { a2: 1.88, d2: 1.128, d3: 0, d4: 3.267 },
  3: { a2: 1.023, d2: 1.693, d3: 0, d4: 2.574 },
  4: { a2: 0.729, d2: 2.059, d3: 0, d4: 2.282 },
  5: { a2: 0.577, d2: 2.326, d3: 0, d4: 2.114 },
  6: { a2: 0.483, d2: 2.534, d3: 0, d4: 2.004 },
  7: { a2: 0.419, d2: 2.704, d3: 0.076, d4: 1.924 },
  8: { a2: 0.373, d2: 2.847, d3: 0.136, d4: 1.864 },
  9: { a2: 0.337, d2: 2.97, d3: 0.184, d4: 1.816 },
  10: { a2: 0.308, d2: 3.078, d3: 0.223, d4: 1.777 },
};
export const CONTROL_CONSTANTS_SOURCE =
  "Montgomery, Introduction to Statistical Quality Control, 7th ed., Appendix Table VI (ASTM E2587 Table 4)";

export interface SpecLimits {
  lsl?: number;
  usl?: number;
}

export interface Capability {
  lsl: number | null;
  usl: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

export interface SpcResult {
  subgroupSize: number;
  subgroups: number;
  /** Measurements used (complete subgroups only). */
  measurements: number;
  /** Trailing measurements that did not fill a subgroup. */
  dropped: number;
  /** X̿, the grand mean. */
  mean: number;
  rBar: number;
  /** R̄ / d2. */
  sigmaWithin: number;
  /** Sample standard deviation of the individual values. */
  sigmaOverall: number;
  capability: Capability | null;
  xbarChart: { centre: number; ucl: number; lcl: number; sigmaXbar: number; points: number[] };
  rChart: { centre: number; ucl: number; lcl: number; points: number[] };
  constants: { n: number; a2: number; d2: number; d3: number; d4: number; source: string };
  violations: RuleViolation[];
  notes: string[];
}

/** Capability and performance indices for a mean and the two sigmas (null where a denominator is 0). */
export function capabilityIndices(
  mu: number,
  sigmaWithin: number,
  sigmaOverall: number,
  spec: SpecLimits,
  notes: string[],
): Capability | null {
  const { lsl, usl } = spec;
  if (lsl === undefined && usl === undefined) return null;
  const index = (sigma: number, which: string): { p: number | null; pk: number | null } => {
    if (!(sigma > 0)) {
      notes.push(`${which} indices are null: σ = 0 (every value in the data is identical)`);
      return { p: null, pk: null };
    }
    const upper = usl === undefined ? null : (usl - mu) / (3 * sigma);
    const lower = lsl === undefined ? null : (mu - lsl) / (3 * sigma);
    const p = usl !== undefined && lsl !== undefined ? (usl - lsl) / (6 * sigma) : null;
    const pk = upper === null ? lower : lower === null ? upper : Math.min(upper, lower);
    return { p, pk };
  };
  const within = index(sigmaWithin, "Cp/Cpk (σ_within = R̄/d2)");
  const overall = index(sigmaOverall, "Pp/Ppk (overall s)");
  if (lsl === undefined || usl === undefined)
    notes.push("one-sided specification: Cp and Pp are null, Cpk/Ppk use that side only");
  return { lsl: lsl ?? null, usl: usl ?? null, cp: within.p, cpk: within.pk, pp: overall.p, ppk: overall.pk };
}

/**
 * X̄-R SPC of measurements in time order, subgroups of `n` consecutive values (2 ≤ n ≤ 10); a trailing incomplete
 * subgroup is dropped. FIT_ERR_INSUFFICIENT_DATA with fewer than 2 complete subgroups.
 */
export function spcAnalysis(values: readonly number[], n: number, spec: SpecLimits): SpcResult {
  const c = CONTROL_CONSTANTS[n];
  if (!c || !Number.isInteger(n)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `subgroup size ${n} has no X̄-R constants`, [
      { field: "spec.subgroupSize", value: n, allowed: "an integer from 2 to 10" },
    ]);
  }
  const k = Math.floor(values.length / n);
  if (k < 2) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `SPC needs at least 2 complete subgroups of ${n} measurements, got ${values.length} measurement(s)`,
      [{ field: "measurement", value: values.length, allowed: `≥ ${2 * n} measurements on production rows` }],
    );
  }
  const notes: string[] = [];
  const used = values.slice(0, k * n);
  const dropped = values.length - used.length;
  if (dropped > 0) notes.push(`the last ${dropped} measurement(s) do not fill a subgroup of ${n} and are not used`);
  const xbar: number[] = [];
  const ranges: number[] = [];
  for (let g = 0; g < k; g++) {
    const sub = used.slice(g * n, g * n + n);
    xbar.push(mean(sub));
    ranges.push(Math.max(...sub) - Math.min(...sub));
  }
  const grand = mean(xbar);
  const rBar = mean(ranges);
  const sigmaWithin = rBar / c.d2;
  const sigmaOverall = sampleStandardDeviation(used);
  const sigmaXbar = (c.a2 * rBar) / 3;
  if (!(sigmaXbar > 0)) notes.push("R̄ = 0: the X̄ chart has no zones, run rules are not applied");
  return {
    subgroupSize: n,
    subgroups: k,
    measurements: used.length,
    dropped,
    mean: grand,
    rBar,
    sigmaWithin,
    sigmaOverall,
    capability: capabilityIndices(grand, sigmaWithin, sigmaOverall, spec, notes),
    xbarChart: { centre: grand, ucl: grand + c.a2 * rBar, lcl: grand - c.a2 * rBar, sigmaXbar, points: xbar },
    rChart: { centre: rBar, ucl: c.d4 * rBar, lcl: c.d3 * rBar, points: ranges },
    constants: { n, ...c, source: CONTROL_CONSTANTS_SOURCE },
    violations: ruleViolations(xbar, grand, sigmaXbar),
    notes,
  };
}
