import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { parameterBounds, timeBounds, validateCi } from "./bounds.ts";
import { type DistributionName, distributionFromParams } from "./distributions.ts";
import { EXPONENTIAL, FAMILIES, type Family, logLikelihood } from "./families.ts";
import { type CoreFit, fitFamilyCore, pseudoFailures } from "./fitGeneric.ts";
import type { FitOptions, FitResult } from "./fitTypes.ts";
import { fitWeibull2pCore, fitWeibull3pCore, UNBOUNDED_3P_WARNING } from "./fitWeibull.ts";
import { failureCount, type LifeData, observationCount } from "./lifeData.ts";
import { zForConfidence } from "./special.ts";

export type { Bounded, FitOptions, FitResult, ParamBound } from "./fitTypes.ts";
export { UNBOUNDED_3P_WARNING } from "./fitWeibull.ts";

/**
 * Maximum-likelihood life-data fits with right, left and interval censoring (reliability.md §1.1–1.3) and
 * Fisher-matrix bounds, for Weibull 2P/3P, exponential, lognormal, normal and gamma; `fitBest` ranks them by
 * BIC or AICc like `reliability`'s Fit_Everything, but tolerates a family that cannot be fitted (its issue #57)
 * and records why.
 *
 * Data rules (all distributions): failures = exact + left-censored + interval-censored units. No failure at all
 * (only suspensions) → FIT_ERR_INSUFFICIENT_DATA. A single failure: the exponential fits (λ = r/Σt, the
 * classic one-failure estimate); every 2-parameter family refuses with FIT_ERR_INSUFFICIENT_DATA, because one
 * failure cannot identify a shape or a spread — we prefer a clear error to a guessed β. Weibull 3P needs three.
 */

export const DISTRIBUTIONS: readonly DistributionName[] = [
  "weibull2p",
  "weibull3p",
  "exponential",
  "lognormal",
  "normal",
  "gamma",
];

function insufficient(message: string, details: ErrorDetail[] = []): MoldtwinError {
  return new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", message, details);
}

/** Positive-support families need every time > 0 (interval lows may be 0: that is left censoring). */
function checkSupport(d: LifeData, name: DistributionName): void {
  if (name === "normal") return;
  const details: ErrorDetail[] = [];
  const scan = (a: Float64Array, field: string, allowZero = false): void => {
    for (let i = 0; i < a.length && details.length < 10; i++) {
      const v = a[i]!;
      if (!(allowZero ? v >= 0 : v > 0))
        details.push({ field: `${field}[${i}]`, value: v, allowed: allowZero ? "≥ 0" : "> 0" });
    }
  };
  scan(d.failures, "failures");
  scan(d.right, "right");
  scan(d.left, "left");
  scan(d.intervalLow, "interval.low", true);
  if (details.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `${name} is a life distribution on t > 0; the data hold zero or negative times (only the normal accepts them)`,
      details,
    );
  }
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function sd(x: Float64Array, m: number): number {
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / x.length);
}

/** Moment seeds from the stand-in exact times (failures, interval midpoints, half of left-censored times). */
function seedFor(fam: Family, d: LifeData): number[] {
  const x = pseudoFailures(d);
  const m = mean(x);
  switch (fam.name) {
    case "lognormal": {
      const lx = x.map(Math.log);
      const lm = mean(lx);
      const s = sd(lx, lm);
      return [lm, s > 1e-6 ? s : 1];
    }
    case "normal": {
      const s = sd(x, m);
      return [m, s > 1e-9 * Math.abs(m) && s > 0 ? s : Math.max(1, 0.1 * Math.abs(m))];
    }
    case "gamma": {
      const v = sd(x, m) ** 2;
      return v > 0 && m > 0 ? [v / m, (m * m) / v] : [Math.max(m, 1e-9), 1];
    }
    default: {
      let total = 0;
      for (const v of x) total += v;
      for (const v of d.right) total += v;
      return [failureCount(d) / total, 1];
    }
  }
}

function onlyRightCensored(d: LifeData): boolean {
  return d.left.length === 0 && d.intervalLow.length === 0;
}

/** Exponential: closed form λ = r/Σt with Var λ = λ²/r (failures + suspensions); numeric otherwise. */
function fitExponentialCore(d: LifeData): CoreFit {
  if (onlyRightCensored(d)) {
    let total = 0;
    for (const t of d.failures) total += t;
    for (const t of d.right) total += t;
    const r = d.failures.length;
    const lambda = r / total;
    return {
      params: [lambda],
      covariance: [[(lambda * lambda) / r]],
      logLikelihood: logLikelihood(EXPONENTIAL, d, lambda, 0),
    };
  }
  return fitFamilyCore(EXPONENTIAL, d, seedFor(EXPONENTIAL, d));
}

function fitTwoParameterCore(fam: Family, d: LifeData): CoreFit {
  if (failureCount(d) < 2) {
    throw insufficient(
      `${fam.name}: ${failureCount(d)} failure(s); a 2-parameter fit needs at least two failures (use the exponential for a single failure)`,
      [{ field: "failures", value: failureCount(d), allowed: "≥ 2 failure events" }],
    );
  }
  const core = fitFamilyCore(fam, d, seedFor(fam, d));
  const spread = core.params[1]!;
  const degenerate =
    fam.name === "gamma" ? spread > 1e8 : spread < 1e-9 * Math.max(1, Math.abs(core.params[0]!)) || spread > 1e8;
  if (degenerate) {
    throw insufficient(`${fam.name}: the likelihood has no interior maximum (the failure times do not spread)`, [
      { field: fam.paramNames[1]!, value: spread, allowed: "a finite, non-degenerate spread" },
    ]);
  }
  return core;
}

function assertFinite(r: FitResult): void {
  const bad: ErrorDetail[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === "number" && !Number.isFinite(v)) bad.push({ field: path, value: String(v) });
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  const { dist: _dist, ...rest } = r;
  walk(rest, "");
  if (bad.length > 0) {
    throw new MoldtwinError("SIM_ERR_NON_FINITE", `${r.distribution} fit produced non-finite numbers; refused`, bad);
  }
}

/** Fits one distribution by maximum likelihood; see the module comment for the data rules. */
export function fitDistribution(data: LifeData, distribution: DistributionName, options: FitOptions = {}): FitResult {
  const ci = validateCi(options.ci ?? 0.95);
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `unknown distribution "${distribution}"`, [
      { field: "distribution", value: distribution, allowed: `one of: ${DISTRIBUTIONS.join(", ")}` },
    ]);
  }
  checkSupport(data, distribution);
  const r = failureCount(data);
  const n = observationCount(data);
  if (r === 0) {
    throw insufficient(
      `no failures: all ${n} unit(s) are right-censored (suspended), so no life distribution can be estimated; at least one failure (two for 2-parameter distributions) is needed`,
      [{ field: "failures", value: 0, allowed: "≥ 1 failure (exact, left- or interval-censored)" }],
    );
  }
  const z = zForConfidence(ci);
  const warnings: string[] = [];
  let paramOrder: string[];
  let values: number[];
  let covariance: number[][];
  let lnL: number;
  let positive: boolean[];
  let k: number;
  const standardErrors: Record<string, number> = {};
  let gamma3p: number | null = null;
  if (distribution === "weibull3p") {
    const c = fitWeibull3pCore(data);
    paramOrder = ["alpha", "beta"];
    values = [c.alpha, c.beta];
    covariance = c.covariance;
    lnL = c.logLikelihood;
    positive = [true, true];
    k = 3;
    gamma3p = c.gamma;
    warnings.push(...c.warnings);
    if (c.gammaStandardError !== null) standardErrors.gamma = c.gammaStandardError;
  } else {
    const core =
      distribution === "weibull2p"
        ? fitWeibull2pCore(data)
        : distribution === "exponential"
          ? fitExponentialCore(data)
          : fitTwoParameterCore(FAMILIES[distribution], data);
    const fam = FAMILIES[distribution];
    paramOrder = [...fam.paramNames];
    values = core.params;
    covariance = core.covariance;
    lnL = core.logLikelihood;
    positive = [...fam.positive];
    k = paramOrder.length;
  }
  const params: Record<string, number> = {};
  const bounds: FitResult["bounds"] = {};
  paramOrder.forEach((name, i) => {
    params[name] = values[i]!;
    standardErrors[name] = Math.sqrt(covariance[i]![i]!);
    bounds[name] = parameterBounds(values[i]!, standardErrors[name]!, positive[i]!, z);
  });
  if (gamma3p !== null) {
    params.gamma = gamma3p;
    const se = standardErrors.gamma;
    // γ ≥ 0: bounded like a positive parameter, as `reliability` does for its location parameters.
    if (se !== undefined) bounds.gamma = parameterBounds(gamma3p, se, true, z);
  }
  const result: FitResult = {
    distribution,
    params,
    standardErrors,
    covariance,
    paramOrder,
    bounds,
    ci,
    logLikelihood: lnL,
    aicc: n - k - 1 > 0 ? 2 * k - 2 * lnL + (2 * k * (k + 1)) / (n - k - 1) : null,
    bic: k * Math.log(n) - 2 * lnL,
    k,
    n,
    failures: r,
    censored: { right: data.right.length, left: data.left.length, interval: data.intervalLow.length },
    warnings,
    b10: { value: 0, lower: 0, upper: 0 },
    dist: distributionFromParams(distribution, params),
  };
  result.b10 = timeBounds(result, 0.9);
  assertFinite(result);
  return result;
}

/**
 * `fit` is the short name of `fitDistribution`. Call sites use the long name: Biome's noFocusedTests rule
 * mistakes a call to `fit(` for Jasmine's focused test.
 */
export const fit = fitDistribution;

export interface RankingEntry {
  distribution: DistributionName;
  aicc: number | null;
  bic: number | null;
  logLikelihood: number | null;
  k: number | null;
  /** Why the family could not be fitted (its error message and code). */
  error?: { code: string; message: string };
  /** Fitted, but not eligible as best (e.g. a Weibull 3P on an unbounded likelihood). */
  excluded?: string;
}

export interface FitBestOptions extends FitOptions {
  /** Ranking criterion; default "bic" (the `reliability` Fit_Everything default). */
  rankBy?: "bic" | "aicc";
  /** Families to try; default all six. */
  distributions?: readonly DistributionName[];
}

export interface FitBestResult {
  best: FitResult;
  ranking: RankingEntry[];
  fits: Partial<Record<DistributionName, FitResult>>;
}

/** Fits every applicable distribution, ranks by BIC (or AICc), returns the best and the table. */
export function fitBest(data: LifeData, options: FitBestOptions = {}): FitBestResult {
  const rankBy = options.rankBy ?? "bic";
  if (rankBy !== "bic" && rankBy !== "aicc") {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `unknown ranking criterion "${String(rankBy)}"`, [
      { field: "rankBy", value: rankBy, allowed: "bic or aicc" },
    ]);
  }
  validateCi(options.ci ?? 0.95);
  if (failureCount(data) === 0) {
    // Same message as a single fit, once, rather than six times.
    fitDistribution(data, "exponential", options);
  }
  const fits: Partial<Record<DistributionName, FitResult>> = {};
  const ranking: RankingEntry[] = [];
  for (const name of options.distributions ?? DISTRIBUTIONS) {
    try {
      const f = fitDistribution(data, name, options);
      fits[name] = f;
      const entry: RankingEntry = {
        distribution: name,
        aicc: f.aicc,
        bic: f.bic,
        logLikelihood: f.logLikelihood,
        k: f.k,
      };
      if (f.warnings.includes(UNBOUNDED_3P_WARNING)) entry.excluded = UNBOUNDED_3P_WARNING;
      ranking.push(entry);
    } catch (e) {
      const code = e instanceof MoldtwinError ? e.code : "INTERNAL_ERR";
      ranking.push({
        distribution: name,
        aicc: null,
        bic: null,
        logLikelihood: null,
        k: null,
        error: { code, message: (e as Error).message },
      });
    }
  }
  const key = (e: RankingEntry): number => {
    if (e.error) return Number.POSITIVE_INFINITY;
    const v = rankBy === "aicc" ? (e.aicc ?? e.bic) : e.bic;
    return (e.excluded ? 1e300 : 0) + (v ?? Number.POSITIVE_INFINITY);
  };
  ranking.sort((a, b) => key(a) - key(b));
  const top = ranking.find((e) => !e.error && !e.excluded);
  if (!top) {
    throw insufficient(
      "no distribution could be fitted to these data",
      ranking.map((e) => ({ field: e.distribution, value: e.error?.message ?? e.excluded ?? "", allowed: "a fit" })),
    );
  }
  return { best: fits[top.distribution]!, ranking, fits };
}
