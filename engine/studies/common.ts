import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { compiledTwin } from "../molding/simulateShot.ts";

/**
 * Helpers shared by the in-silico studies: option checks that name the option, rounding for stable JSON, and the
 * guard that no study ever returns NaN or Infinity.
 */

/** Rounds to `digits` significant decimals (stable, JSON-friendly output). */
export const round = (x: number, digits = 6): number => {
  if (x === 0 || !Number.isFinite(x)) return x;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * scale) / scale;
};

/** Fixed decimals (times in s, percentages). */
export const fixed = (x: number, decimals: number): number => Math.round(x * 10 ** decimals) / 10 ** decimals;

export interface NumberRule {
  min?: number;
  max?: number;
  exclusiveMin?: number;
  integer?: boolean;
  unit?: string;
}

function describeRule(r: NumberRule): string {
  const parts: string[] = [];
  if (r.exclusiveMin !== undefined) parts.push(`> ${r.exclusiveMin}`);
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  const unit = r.unit ? ` ${r.unit}` : "";
  return `${r.integer ? "an integer" : "a finite number"}${parts.length ? ` ${parts.join(" and ")}` : ""}${unit}`;
}

/** Why a value breaks the rule, or undefined when it is fine. */
export function ruleViolation(value: unknown, r: NumberRule): string | undefined {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!r.integer || Number.isInteger(value)) &&
    (r.min === undefined || value >= r.min) &&
    (r.max === undefined || value <= r.max) &&
    (r.exclusiveMin === undefined || value > r.exclusiveMin);
  return ok ? undefined : describeRule(r);
}

/** Checks one study option; throws TWIN_ERR_VALIDATION naming the option, the value and what is allowed. */
export function checkNumber(field: string, value: unknown, r: NumberRule): void {
  const allowed = ruleViolation(value, r);
  if (allowed === undefined) return;
  const d: ErrorDetail = { field, value, ...(r.unit ? { unit: r.unit } : {}), allowed };
  throw new MoldtwinError(
    "TWIN_ERR_VALIDATION",
    `invalid study option: ${field} = ${JSON.stringify(value)}${r.unit ? ` ${r.unit}` : ""}; allowed: ${allowed}`,
    [d],
  );
}

/** Checks a per-item list (e.g. one value per cavity), with an exact length when given. */
export function checkList(field: string, values: readonly unknown[], r: NumberRule, length?: number): void {
  if (length !== undefined && values.length !== length) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `invalid study option: ${field} has ${values.length} value(s); allowed: exactly ${length} (one per cavity)`,
      [{ field, value: values, allowed: `exactly ${length} values (one per cavity), each ${describeRule(r)}` }],
    );
  }
  values.forEach((v, i) => {
    checkNumber(`${field}[${i}]`, v, r);
  });
}

/** Throws SIM_ERR_NON_FINITE if any number in a result is NaN or ±Infinity (studies never emit them). */
export function assertFinite<T>(value: T, path = "result"): T {
  const walk = (v: unknown, at: string): void => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new MoldtwinError("SIM_ERR_NON_FINITE", `study output ${at} is ${v}: input outside the model's validity`, [
        { field: at, value: String(v), allowed: "a finite number" },
      ]);
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${at}[${i}]`);
      });
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(value, path);
  return value;
}

/** The press's shortest fill at this shot size: V/P volume ÷ max injection rate, s. */
export function minimumFillTimeS(twin: Twin, settings: ProcessSettings): number {
  const c = compiledTwin(twin);
  const vpVolumeCm3 = (c.coldRunnerVolumeM3 + c.partsVolumeM3) * 1e6 * (settings.vpSwitchoverPct / 100);
  return vpVolumeCm3 / twin.machine.maxInjectionRateCm3PerS;
}

/** Available velocity-phase pressure: max injection pressure × usable fraction (the kernel's short-shot limit). */
export const availablePressureMPa = (twin: Twin): number =>
  twin.machine.maxInjectionPressureMPa * twin.machine.usablePressureFraction;

/** The settings with the fill set by time (a study that steps the fill drops a speed setting). */
export function withInjectionTime(settings: ProcessSettings, injectionTimeS: number): ProcessSettings {
  const { injectionSpeedMmPerS: _speed, ...rest } = settings;
  return { ...rest, injectionTimeS };
}

/** n values geometric from a to b inclusive. */
export function geometricLadder(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const r = (b / a) ** (1 / (n - 1));
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a * r ** i));
}
