import { type ErrorDetail, MoldtwinError } from "../errors.ts";

/**
 * Life data with every kind of censoring (reliability.md §1.1): exact failures, right-censored survivors
 * (suspensions), left-censored units (found failed at an inspection, failed before t) and interval-censored
 * units (failed in (low, high]). `reliability` fits right-censored data only; lifelines handles all three, and
 * so does moldtwin. Typed arrays keep the likelihood loops allocation-free.
 */
export interface LifeData {
  failures: Float64Array;
  right: Float64Array;
  left: Float64Array;
  intervalLow: Float64Array;
  intervalHigh: Float64Array;
}

export type IntervalInput =
  | ReadonlyArray<readonly [number, number]>
  | { low: ArrayLike<number>; high: ArrayLike<number> };

export interface LifeDataInput {
  failures: ArrayLike<number>;
  right?: ArrayLike<number>;
  left?: ArrayLike<number>;
  /** Failed in (low, high]: pairs, or two parallel arrays. low = 0 is the same as left-censored at high. */
  interval?: IntervalInput;
}

export interface LifeDataOptions {
  /** Allow zero and negative times (only the normal distribution has support below 0). Default false. */
  allowNonPositive?: boolean;
}

const MAX_DETAILS = 20;

/**
 * Below the smallest normal double a time is as good as 0 for the fits (a failure at 2e-323 h made the Weibull fit's
 * bounds non-finite): where times must be > 0, a subnormal one is refused like 0.
 */
const SMALLEST_NORMAL = 2.2250738585072014e-308;
const positiveTime = (v: number): boolean => v >= SMALLEST_NORMAL;

/** Failure events: exact, left-censored and interval-censored units all failed at some (known-range) time. */
export function failureCount(d: LifeData): number {
  return d.failures.length + d.left.length + d.intervalLow.length;
}

export function observationCount(d: LifeData): number {
  return failureCount(d) + d.right.length;
}

function intervalArrays(iv: IntervalInput | undefined): [ArrayLike<number>, ArrayLike<number>] {
  if (iv === undefined) return [[], []];
  if ("low" in iv) return [iv.low, iv.high];
  const pairs = iv as ReadonlyArray<readonly [number, number]>;
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/** Builds validated life data: every time finite and (unless allowed) > 0; each interval low < high. */
export function lifeData(input: LifeDataInput, options: LifeDataOptions = {}): LifeData {
  const allowNonPositive = options.allowNonPositive ?? false;
  const details: ErrorDetail[] = [];
  const bad = (field: string, value: unknown, allowed: string): void => {
    if (details.length < MAX_DETAILS) details.push({ field, value, allowed });
  };
  const positive = allowNonPositive ? "a finite number" : "a finite number > 0";
  const copy = (name: string, src: ArrayLike<number> | undefined): Float64Array => {
    const out = new Float64Array(src?.length ?? 0);
    for (let i = 0; i < out.length; i++) {
      const v = src![i]!;
      if (typeof v !== "number" || !Number.isFinite(v) || (!allowNonPositive && !positiveTime(v)))
        bad(`${name}[${i}]`, v, positive);
      out[i] = v;
    }
    return out;
  };
  if (input === null || typeof input !== "object" || input.failures === undefined) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "life data needs a failures array (it may be empty)", [
      { field: "failures", value: undefined, allowed: "an array of failure times" },
    ]);
  }
  const failures = copy("failures", input.failures);
  const right = copy("right", input.right);
  const left = copy("left", input.left);
  const [lowSrc, highSrc] = intervalArrays(input.interval);
  if (lowSrc.length !== highSrc.length) {
    bad("interval", { low: lowSrc.length, high: highSrc.length }, "as many upper as lower bounds");
  }
  const n = Math.min(lowSrc.length, highSrc.length);
  const intervalLow = new Float64Array(n);
  const intervalHigh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = lowSrc[i]!;
    const hi = highSrc[i]!;
    intervalLow[i] = lo;
    intervalHigh[i] = hi;
    if (typeof lo !== "number" || !Number.isFinite(lo) || (!allowNonPositive && lo < 0)) {
      bad(`interval[${i}].low`, lo, allowNonPositive ? "a finite number" : "a finite number ≥ 0");
    } else if (typeof hi !== "number" || !Number.isFinite(hi) || !(hi > lo)) {
      bad(`interval[${i}].high`, hi, `a finite number > low (${lo})`);
    }
  }
  if (details.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `life data has ${details.length} invalid time(s)`, details);
  }
  return { failures, right, left, intervalLow, intervalHigh };
}

/** Smallest and largest time that appears anywhere in the data (interval bounds included, low = 0 skipped). */
export function timeRange(d: LifeData): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const scan = (a: Float64Array, skipZero = false): void => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (skipZero && v === 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  };
  scan(d.failures);
  scan(d.right);
  scan(d.left);
  scan(d.intervalLow, true);
  scan(d.intervalHigh);
  return { min, max };
}

/**
 * Parses a life-data CSV. Header required; columns (any order, case-insensitive):
 * - `time` — failure, inspection or suspension time;
 * - `status` — `F` (failed) or `S` (suspended / right-censored), case-insensitive;
 * - `time_left` (optional) — for `F` rows: empty → exact failure at `time`; `0` → left-censored (failed
 *   before `time`); `0 < time_left < time` → interval-censored, failed in (time_left, time]. Must be empty
 *   on `S` rows.
 * Blank lines and lines starting with `#` are skipped. Errors name the file's line number and column
 * (`row 7 column time`, the header being row 1), and all bad cells are reported at once.
 */
export function parseLifeCsv(text: string, fileName: string, options: LifeDataOptions = {}): LifeData {
  const allowNonPositive = options.allowNonPositive ?? false;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let headerRow = -1;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!.trim();
    if (s !== "" && !s.startsWith("#")) {
      headerRow = i;
      break;
    }
  }
  const allowedHeader = "a header row with columns time, status and optionally time_left";
  if (headerRow < 0) {
    throw new MoldtwinError("FILE_ERR_READ", `life-data file ${fileName} is empty`, [
      { field: fileName, value: "", allowed: allowedHeader },
    ]);
  }
  const header = lines[headerRow]!.split(",").map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const iTime = col("time");
  const iStatus = col("status");
  const iLeft = col("time_left");
  if (iTime < 0 || iStatus < 0) {
    const missing = [iTime < 0 ? "time" : "", iStatus < 0 ? "status" : ""].filter(Boolean).join(" and ");
    throw new MoldtwinError("FILE_ERR_READ", `life-data file ${fileName}: header has no ${missing} column`, [
      { field: `${fileName} row ${headerRow + 1} (header)`, value: lines[headerRow]!.trim(), allowed: allowedHeader },
    ]);
  }
  const failures: number[] = [];
  const right: number[] = [];
  const left: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  const details: ErrorDetail[] = [];
  const bad = (row: number, column: string, value: unknown, allowed: string): void => {
    if (details.length < MAX_DETAILS) details.push({ field: `row ${row} column ${column}`, value, allowed });
  };
  const numberCell = (s: string): number | undefined =>
    /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
  for (let i = headerRow + 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const row = i + 1;
    const cells = raw.split(",").map((c) => c.trim());
    const timeText = cells[iTime] ?? "";
    const statusText = (cells[iStatus] ?? "").toUpperCase();
    const leftText = iLeft >= 0 ? (cells[iLeft] ?? "") : "";
    const t = numberCell(timeText);
    let ok = true;
    if (t === undefined || !Number.isFinite(t) || (!allowNonPositive && !positiveTime(t))) {
      bad(row, "time", timeText, allowNonPositive ? "a finite number" : "a finite number > 0");
      ok = false;
    }
    if (statusText !== "F" && statusText !== "S") {
      bad(row, "status", cells[iStatus] ?? "", "F (failed) or S (suspended)");
      ok = false;
    }
    let tl: number | undefined;
    if (leftText !== "") {
      tl = numberCell(leftText);
      if (statusText === "S") {
        bad(row, "time_left", leftText, "empty on S (suspended) rows");
        ok = false;
      } else if (tl === undefined || !Number.isFinite(tl) || (!allowNonPositive && tl < 0)) {
        bad(row, "time_left", leftText, "empty (exact failure), 0 (left-censored) or a number < time (interval)");
        ok = false;
      } else if (t !== undefined && !(tl < t)) {
        bad(row, "time_left", tl, `less than time (${t}): the unit failed in (time_left, time]`);
        ok = false;
      }
    }
    if (!ok) continue;
    if (statusText === "S") right.push(t!);
    else if (tl === undefined) failures.push(t!);
    else if (tl === 0) left.push(t!);
    else {
      low.push(tl);
      high.push(t!);
    }
  }
  if (details.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `life-data file ${fileName}: ${details.length} invalid cell(s), first at ${details[0]!.field}`,
      details,
    );
  }
  return lifeData({ failures, right, left, interval: { low, high } }, options);
}
