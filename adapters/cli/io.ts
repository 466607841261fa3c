import { readFileSync } from "node:fs";
import { describeDetail, MoldtwinError } from "../../engine/errors.ts";

/**
 * Command-line edge: reading files, turning option strings into values for schema validation, printing results
 * and errors. `--json` always prints exactly one JSON object on stdout, for success and for failure alike.
 */

/**
 * Option strings become numbers only when they are numbers; anything else stays a string so the schema can
 * report "settings.meltTempC = "hot"; allowed: a finite number" rather than a silent NaN.
 */
export function numeric(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : raw;
}

/** A text file (scenario, CSV), or FILE_ERR_READ naming what it is for. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new MoldtwinError("FILE_ERR_READ", `cannot read ${what} file ${path}: ${(e as Error).message}`, [
      { field: what, value: path, allowed: "a readable file" },
    ]);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MoldtwinError("FILE_ERR_READ", `${what} file ${path} is not valid JSON: ${(e as Error).message}`, [
      { field: what, value: path, allowed: "a JSON document" },
    ]);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a command body; on failure prints a clear error (never a stack trace) and sets the exit code. */
export async function run(json: boolean, body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const err =
      e instanceof MoldtwinError
        ? e
        : new MoldtwinError("INTERNAL_ERR", `internal error: ${(e as Error).message ?? String(e)}`);
    if (process.env.MOLDTWIN_DEBUG && !(e instanceof MoldtwinError)) console.error(e);
    if (json) printJson(err.toJSON());
    else {
      process.stderr.write(`error ${err.code}: ${err.message}\n`);
      for (const d of err.details.slice(0, 12)) process.stderr.write(`  - ${describeDetail(d)}\n`);
    }
    process.exitCode = err.exitCode;
  }
}

/** Formats a number for people: 4 significant digits, no exponent for everyday magnitudes. */
export function fmt(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

/** A two-column table of an object's numeric leaves: nested keys joined with dots. */
export function table(title: string, obj: Record<string, unknown>, indent = "  "): string {
  const rows: [string, string][] = [];
  const walk = (o: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === "number") rows.push([key, fmt(v)]);
      else if (typeof v === "boolean" || typeof v === "string") rows.push([key, String(v)]);
      else if (v && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>, key);
    }
  };
  walk(obj, "");
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${title}\n${rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}

/** A share as a percentage with the given decimals: 0.9521 → "95.21 %". */
export const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)} %`;

export const eur = (x: number): string => `${Math.round(x).toLocaleString("en-US")} EUR`;

/** Rows under a header, each column padded to its widest cell, indented for a report. */
export function columns(head: string[], rows: string[][], indent = "    "): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => `${indent}${cells.map((c, k) => c.padEnd(widths[k]!)).join("  ")}\n`;
  return line(head) + rows.map(line).join("");
}
