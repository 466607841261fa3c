import { writeFileSync } from "node:fs";
import { MoldtwinError } from "../../../../engine/errors.ts";
import { numeric } from "../../io.ts";

/** Shared pieces of the `moldtwin life …` commands: option checks, file I/O, step plots and compact tables. */

export interface NumberRule {
  /** What is allowed, in words, for the error: "a number > 0". */
  allowed: string;
  ok: (v: number) => boolean;
  unit?: string;
}

export const POSITIVE: NumberRule = { allowed: "a finite number > 0", ok: (v) => Number.isFinite(v) && v > 0 };
export const FINITE: NumberRule = { allowed: "a finite number", ok: Number.isFinite };

/** An optional numeric option: undefined when absent, TWIN_ERR_VALIDATION naming the option when invalid. */
export function numberOption(raw: unknown, option: string, rule: NumberRule): number | undefined {
  if (raw === undefined) return undefined;
  const v = numeric(String(raw));
  if (typeof v !== "number" || !rule.ok(v)) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `invalid option ${option} ${JSON.stringify(raw)}; allowed: ${rule.allowed}`,
      [{ field: option, value: v, ...(rule.unit ? { unit: rule.unit } : {}), allowed: rule.allowed }],
    );
  }
  return v;
}

/** A numeric option the command cannot do without: CLI_ERR_USAGE naming it when absent. */
export function requiredNumber(raw: unknown, option: string, rule: NumberRule): number {
  const v = numberOption(raw, option, rule);
  if (v === undefined) {
    throw new MoldtwinError("CLI_ERR_USAGE", `missing option ${option}`, [
      { field: option, value: undefined, ...(rule.unit ? { unit: rule.unit } : {}), allowed: rule.allowed },
    ]);
  }
  return v;
}

/** One of a fixed set of words; CLI_ERR_USAGE naming the option when unknown or (without a default) absent. */
export function enumOption<T extends string>(raw: unknown, option: string, choices: readonly T[], fallback?: T): T {
  if (raw === undefined && fallback !== undefined) return fallback;
  if (typeof raw !== "string" || !choices.includes(raw as T)) {
    throw new MoldtwinError(
      "CLI_ERR_USAGE",
      raw === undefined ? `missing option ${option}` : `unknown value "${String(raw)}" for ${option}`,
      [{ field: option, value: raw, allowed: `one of: ${choices.join(", ")}` }],
    );
  }
  return raw as T;
}

/** Confidence level of bounds: 0 < ci < 1, default 0.95. */
export function ciOption(raw: unknown): number {
  return (
    numberOption(raw, "--ci", {
      allowed: "a confidence level strictly between 0 and 1, e.g. 0.95",
      ok: (v) => v > 0 && v < 1,
    }) ?? 0.95
  );
}

export function writeSvg(path: string, svg: string): void {
  try {
    writeFileSync(path, svg);
  } catch (e) {
    throw new MoldtwinError("FILE_ERR_READ", `cannot write SVG file ${path}: ${(e as Error).message}`, [
      { field: "--svg", value: path, allowed: "a writable path" },
    ]);
  }
}

/**
 * Points of a right-continuous step function for lineChart (which only draws straight segments): value `start`
 * from x0 to the first step, then each step's value until the next step; the last value is held to `xEnd`.
 */
export function stepPoints(
  steps: ReadonlyArray<readonly [number, number]>,
  start: number,
  x0: number,
  xEnd: number,
): [number, number][] {
  const out: [number, number][] = [[x0, start]];
  let y = start;
  for (const [x, v] of steps) {
    out.push([x, y], [x, v]);
    y = v;
  }
  out.push([Math.max(xEnd, out[out.length - 1]![0]), y]);
  return out;
}

/**
 * A compact text table, columns two spaces apart. `align` has one letter per column, `l` or `r`; by default the
 * first column (a name) is left-aligned and the others (numbers) right-aligned.
 */
export function columns(head: string[], rows: string[][], align?: string, indent = "  "): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const left = (i: number): boolean => (align ? align[i] === "l" : i === 0);
  const line = (cells: string[]): string =>
    `${indent}${cells.map((x, i) => (left(i) ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ")}`.trimEnd();
  return `${[head, ...rows].map(line).join("\n")}\n`;
}
