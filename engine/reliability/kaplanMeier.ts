/**
 * Kaplan–Meier product-limit estimate of the survival (reliability) function from failures and right-censored
 * times, with Greenwood's variance (Kaplan & Meier, JASA 53, 1958; Greenwood 1926).
 *
 *   S(t)   = Π_{t_i ≤ t} (1 − d_i/n_i)
 *   Var S  = S(t)² · Σ_{t_i ≤ t} d_i / (n_i·(n_i − d_i))
 *
 * n_i is the number at risk just before t_i and d_i the failures at t_i. At a time shared by failures and
 * censorings the failures come first: items censored at t_i are still at risk at t_i (the usual convention,
 * and the one the Python `reliability` library's table follows).
 *
 * Bounds. The default ("plain") is what `reliability` prints (docs "Kaplan-Meier.rst": "Greenwood method with
 * Normal approximation", Minitab's formula): S ± Z·√Var, clipped to [0, 1]. "log-log" is the
 * Kalbfleisch–Prentice exponential-Greenwood interval S^exp(±Z·√v), v = Σ d/(n(n−d)) / (ln S)², which stays
 * inside (0, 1) and is lifelines' and R survival's `conf.type = "log-log"`. Where every item at risk fails
 * (S = 0) Greenwood's sum is undefined; both bounds are then 0, as `reliability` reports.
 */

import { MoldtwinError } from "../errors.ts";
import { zForConfidence } from "./special.ts";

export type KaplanMeierBounds = "plain" | "log-log";

export interface KaplanMeierRow {
  /** A distinct failure or censoring time (the data's time unit). */
  time: number;
  /** Items at risk just before `time`. */
  atRisk: number;
  failures: number;
  censored: number;
  /** S(time): the estimate just after `time`. */
  survival: number;
  lower: number;
  upper: number;
  /** Greenwood variance of S(time); 0 where S is 1 or 0. */
  variance: number;
}

export interface KaplanMeierResult {
  rows: KaplanMeierRow[];
  ci: number;
  bounds: KaplanMeierBounds;
  /** Step-function value of S at any time (1 before the first failure). */
  survivalAt(t: number): number;
}

function readTimes(name: string, values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name}[${i}] must be a finite time ≥ 0`, [
        { field: `${name}[${i}]`, value: v, allowed: "finite, ≥ 0" },
      ]);
    }
    out.push(v);
  }
  return out;
}

export function kaplanMeier(
  failures: ArrayLike<number>,
  rightCensored: ArrayLike<number> = [],
  ci = 0.95,
  opts: { bounds?: KaplanMeierBounds } = {},
): KaplanMeierResult {
  const f = readTimes("failures", failures);
  const c = readTimes("rightCensored", rightCensored);
  if (!(ci > 0 && ci < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "ci must lie strictly between 0 and 1", [
      { field: "ci", value: ci, allowed: "0 < ci < 1" },
    ]);
  }
  if (f.length === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "Kaplan–Meier needs at least one failure", [
      { field: "failures", value: f.length, unit: "failures", allowed: "≥ 1" },
    ]);
  }
  const bounds = opts.bounds ?? "plain";
  const z = zForConfidence(ci, 2);

  // Count failures and censorings per distinct time.
  const byTime = new Map<number, { d: number; c: number }>();
  for (const t of f) {
    const e = byTime.get(t) ?? { d: 0, c: 0 };
    e.d++;
    byTime.set(t, e);
  }
  for (const t of c) {
    const e = byTime.get(t) ?? { d: 0, c: 0 };
    e.c++;
    byTime.set(t, e);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);

  let atRisk = f.length + c.length;
  let s = 1;
  let greenwood = 0; // Σ d/(n(n−d))
  let exhausted = false; // every item at risk has failed: S = 0 from here on
  const rows: KaplanMeierRow[] = [];
  for (const time of times) {
    const { d, c: cens } = byTime.get(time)!;
    if (d > 0) {
      s *= 1 - d / atRisk;
      if (d === atRisk) exhausted = true;
      else greenwood += d / (atRisk * (atRisk - d));
    }
    let lower: number;
    let upper: number;
    let variance: number;
    if (exhausted || s <= 0) {
      s = 0;
      lower = 0;
      upper = 0;
      variance = 0;
    } else {
      variance = s * s * greenwood;
      if (bounds === "plain") {
        const half = z * Math.sqrt(variance);
        lower = Math.max(0, s - half);
        upper = Math.min(1, s + half);
      } else if (greenwood === 0) {
        lower = s;
        upper = s;
      } else {
        const lnS = Math.log(s);
        const v = greenwood / (lnS * lnS);
        lower = s ** Math.exp(z * Math.sqrt(v));
        upper = s ** Math.exp(-z * Math.sqrt(v));
      }
    }
    rows.push({ time, atRisk, failures: d, censored: cens, survival: s, lower, upper, variance });
    atRisk -= d + cens;
  }

  const survivalAt = (t: number): number => {
    let value = 1;
    for (const row of rows) {
      if (row.time > t) break;
      value = row.survival;
    }
    return value;
  };
  return { rows, ci, bounds, survivalAt };
}
