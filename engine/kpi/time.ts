/**
 * Instants of the press event log as integer milliseconds since the Unix epoch (UTC), so that the time buckets
 * reconcile to the calendar window exactly (integer sums, no rounding). Hours are derived for reporting only.
 */

export const MS_PER_H = 3_600_000;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 instant (pattern ISO_TIMESTAMP_PATTERN of twin-models/schemas/kpi.ts) to epoch ms; undefined
 * for anything else, including impossible calendar values (2026-02-30, 24:00, minute 60) that Date.parse would
 * silently roll over.
 */
export function parseTimestampMs(text: string): number | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const milli = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  if (m[8] === undefined) return local;
  const offH = Number(m[9]);
  const offM = Number(m[10]);
  if (offH > 23 || offM > 59) return undefined;
  const sign = m[8] === "+" ? 1 : -1;
  return local - sign * (offH * 60 + offM) * 60_000;
}

/** Epoch ms → `2026-01-05T06:00:00.000Z`. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** Milliseconds → hours. */
export const hoursOf = (ms: number): number => ms / MS_PER_H;
