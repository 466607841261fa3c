import { linearRegression, rSquared } from "simple-statistics";
import { MoldtwinError } from "../errors.ts";

/**
 * The energy performance characteristic of a press (Kent, Tangram; ptonline.com "External Benchmarking of
 * Injection Molding Energy Efficiency"; contracts-kpi.md §1.4): the press draws a fixed base load while it is on
 * and a process load proportional to its throughput,
 *
 *     P = P_base + k · ṁ      (kW, with ṁ in kg/h and k in kWh/kg)   ⇔   E = P_base · t_on + k · m,
 *
 * so the specific energy consumption falls as throughput rises and a flat kWh/kg (or kWh/part) is never right.
 * Each row in the fit's population is one point (ṁ = parts × mass / duration, P = energy / duration); P_base and k
 * are the ordinary least-squares line through the points (simple-statistics `linearRegression`, `rSquared`).
 */

export interface EnergyPoint {
  /** Throughput during the interval (kg/h). */
  throughputKgPerH: number;
  /** Mean power during the interval (kW). */
  powerKW: number;
}

export interface EnergyFit {
  baseLoadKW: number;
  /** Process energy per kg (kWh/kg). */
  kWhPerKg: number;
  /** Coefficient of determination; null when every point has the same power (R² = 1 − 0/0). */
  rSquared: number | null;
  points: number;
}

/**
 * Least-squares base-load line through the points. FIT_ERR_INSUFFICIENT_DATA when there are fewer than 3 points
 * or the throughput has no spread (every point at the same kg/h: the base load and k cannot be separated).
 */
export function fitEnergyLine(points: readonly EnergyPoint[]): EnergyFit {
  if (points.length < 3) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `energy base-load line needs at least 3 rows with power and throughput, got ${points.length}`,
      [{ field: "energy line points", value: points.length, allowed: "≥ 3 production or idle-on rows" }],
    );
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let yLo = Number.POSITIVE_INFINITY;
  let yHi = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    lo = Math.min(lo, p.throughputKgPerH);
    hi = Math.max(hi, p.throughputKgPerH);
    yLo = Math.min(yLo, p.powerKW);
    yHi = Math.max(yHi, p.powerKW);
  }
  if (!(hi - lo > 1e-9 * Math.max(1, Math.abs(hi)))) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `energy base-load line needs rows at different throughputs, every row runs at ${lo} kg/h: base load and kWh/kg cannot be separated (add idle-on rows or runs at other rates)`,
      [
        {
          field: "energy line throughput",
          value: lo,
          unit: "kg/h",
          allowed: "a spread of throughputs (e.g. idle-on rows at 0 kg/h)",
        },
      ],
    );
  }
  const data = points.map((p) => [p.throughputKgPerH, p.powerKW]);
  const { m, b } = linearRegression(data);
  const r2 = yHi === yLo ? null : rSquared(data, (x: number) => b + m * x);
  return { baseLoadKW: b, kWhPerKg: m, rSquared: r2, points: points.length };
}

/** E = P_base · t_on + k · m (kWh): the line's energy for an on-time and a processed mass. */
export const lineEnergyKWh = (fit: EnergyFit, onTimeH: number, massKg: number): number =>
  fit.baseLoadKW * onTimeH + fit.kWhPerKg * massKg;
