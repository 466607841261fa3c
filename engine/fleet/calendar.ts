/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC): fleet ages count in calendar days, the engine works in
 * operating hours, and reports go back to dates. A month is the mean Gregorian month (engine/units.ts).
 */

import { MoldtwinError } from "../errors.ts";

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of an ISO date; rejects impossible dates such as 2026-02-30. */
export function dayNumber(isoDate: string, field = "date"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== isoDate) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} is not a valid date: ${JSON.stringify(isoDate)}`, [
      { field, value: isoDate, allowed: "a calendar date YYYY-MM-DD" },
    ]);
  }
  return ms / MS_PER_DAY;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The ISO date `days` (rounded down to whole days) after `isoDate`. */
export function addDays(isoDate: string, days: number): string {
  return new Date((dayNumber(isoDate) + Math.floor(days)) * MS_PER_DAY).toISOString().slice(0, 10);
}
