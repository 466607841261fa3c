/**
 * Input checks shared by the spares-stocking modules (stocking, METRIC, METRIC simulation). Every failure is a
 * TWIN_ERR_VALIDATION naming the field, the value, its unit and what is allowed.
 */
import { MoldtwinError } from "../errors.ts";

function fail(field: string, value: unknown, allowed: string, unit?: string): never {
  const shown = typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be ${allowed}`, [
    { field, value: shown, ...(unit ? { unit } : {}), allowed },
  ]);
}

export function requireNonNegative(field: string, value: number, unit?: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(field, value, "finite, ≥ 0", unit);
}

export function requirePositive(field: string, value: number, unit?: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(field, value, "finite, > 0", unit);
}

export function requireCount(field: string, value: number, min: number, unit?: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(field, value, `an integer ≥ ${min}`, unit);
  }
}

/** A probability target strictly inside (0, 1), or (0, 1] when `allowOne`. */
export function requireTarget(field: string, value: number, allowOne = false): void {
  const ok = typeof value === "number" && Number.isFinite(value) && value > 0 && (allowOne ? value <= 1 : value < 1);
  if (!ok) fail(field, value, allowOne ? "0 < x ≤ 1" : "0 < x < 1", "fraction");
}

export function requireSeed(field: string, value: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 0xffffffff) {
    fail(field, value, "an integer |x| ≤ 2³² − 1");
  }
}

export function invalid(field: string, value: unknown, allowed: string, unit?: string): never {
  return fail(field, value, allowed, unit);
}

/** Refuses a non-finite engine output (never emitted silently). */
export function assertFiniteOutput(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new MoldtwinError("SIM_ERR_NON_FINITE", `${field} is not finite; refused`, [{ field, value: String(value) }]);
  }
  return value;
}
