import type { SweepFactor } from "../sweep/chunk.ts";
import { gridValue } from "../sweep/chunk.ts";
import { CLASS_FEASIBLE, CLASS_INFEASIBLE, CLASS_PREFERRED, type Constraint } from "./constraints.ts";
import { type Grid, levelOf } from "./grid.ts";

/**
 * What a process engineer reads off a window: per setting, the feasible and preferred ranges; per side of each
 * setting, whether the window is closed there and which constraint closes it. "A passing point on the edge of
 * the range tested means the window was never closed on that side" (Future Micro Mold `cosmetic_window`,
 * molding.md §1.3): a side is closed only if no feasible point lies on that edge of the swept range.
 */

export interface Side {
  closed: boolean;
  /** Constraint id that bounds the window on this side most often, or "range" when it is open. */
  limitedBy: string;
  limitedByLabel: string;
  /** Share of the boundary crossings on this side that each constraint accounts for. */
  shares: Record<string, number>;
}

export interface FactorWindow {
  name: string;
  sweptMin: number;
  sweptMax: number;
  levels: number;
  /** Levels are spaced geometrically. */
  log: boolean;
  feasible: { min: number; max: number } | null;
  preferred: { min: number; max: number } | null;
  low: Side;
  high: Side;
}

export const VALIDITY = { id: "modelValidity", label: "outside the model's validity (non-finite physics)" };

export function constraintName(constraints: readonly Constraint[], index: number): { id: string; label: string } {
  if (index < 0) return VALIDITY;
  const c = constraints[index]!;
  return { id: c.id, label: c.label };
}

export function analyzeFactors(
  g: Grid,
  factors: readonly SweepFactor[],
  cls: Uint8Array,
  limiter: Int16Array,
  constraints: readonly Constraint[],
): FactorWindow[] {
  return factors.map((f, j) => {
    const levels = g.levels[j]!;
    const stride = g.strides[j]!;
    let fLo = levels;
    let fHi = -1;
    let pLo = levels;
    let pHi = -1;
    const counts = [new Map<number, number>(), new Map<number, number>()];
    const open = [0, 0];
    for (let i = 0; i < g.size; i++) {
      if (cls[i]! < CLASS_FEASIBLE) continue;
      const k = levelOf(g, i, j);
      if (k < fLo) fLo = k;
      if (k > fHi) fHi = k;
      if (cls[i] === CLASS_PREFERRED) {
        if (k < pLo) pLo = k;
        if (k > pHi) pHi = k;
      }
      for (const side of [0, 1] as const) {
        const atEdge = side === 0 ? k === 0 : k === levels - 1;
        if (atEdge) {
          open[side]!++;
          continue;
        }
        const q = side === 0 ? i - stride : i + stride;
        if (cls[q] === CLASS_INFEASIBLE && limiter[q]! > -2) {
          const m = counts[side]!;
          m.set(limiter[q]!, (m.get(limiter[q]!) ?? 0) + 1);
        }
      }
    }
    const side = (s: 0 | 1): Side => {
      const m = counts[s]!;
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      const shares: Record<string, number> = {};
      let best = -3;
      let bestCount = -1;
      for (const [c, n] of [...m.entries()].sort((a, b) => a[0] - b[0])) {
        shares[constraintName(constraints, c).id] = n / total;
        if (n > bestCount) {
          best = c;
          bestCount = n;
        }
      }
      if (open[s]! > 0) {
        const end = s === 0 ? "min" : "max";
        return {
          closed: false,
          limitedBy: "range",
          limitedByLabel: `not closed: feasible at the swept ${end} of ${f.input}; extend the range to find the limit`,
          shares,
        };
      }
      if (best === -3) return { closed: true, limitedBy: "none", limitedByLabel: "no feasible point", shares };
      const n = constraintName(constraints, best);
      return { closed: true, limitedBy: n.id, limitedByLabel: n.label, shares };
    };
    const value = (k: number): number => gridValue(f, k, levels);
    return {
      name: f.input,
      sweptMin: f.min,
      sweptMax: f.max,
      levels,
      log: Boolean(f.log),
      feasible: fHi >= 0 ? { min: value(fLo), max: value(fHi) } : null,
      preferred: pHi >= 0 ? { min: value(pLo), max: value(pHi) } : null,
      low: side(0),
      high: side(1),
    };
  });
}

/**
 * The feasible run along each axis through one point (the others held): what a setter can move one knob by
 * without leaving the window — the one-factor-at-a-time window of a process-window study (aprios, §1.4).
 */
export function runsThrough(
  g: Grid,
  factors: readonly SweepFactor[],
  cls: Uint8Array,
  index: number,
): { name: string; min: number; max: number }[] {
  return factors.map((f, j) => {
    const stride = g.strides[j]!;
    const k0 = levelOf(g, index, j);
    let lo = k0;
    let hi = k0;
    while (lo > 0 && cls[index - (k0 - lo + 1) * stride]! >= CLASS_FEASIBLE) lo--;
    while (hi < g.levels[j]! - 1 && cls[index + (hi - k0 + 1) * stride]! >= CLASS_FEASIBLE) hi++;
    return { name: f.input, min: gridValue(f, lo, g.levels[j]!), max: gridValue(f, hi, g.levels[j]!) };
  });
}

/**
 * Distance of each feasible point to the nearest infeasible point or edge of the swept range, in units of the
 * range (each axis scaled to [0, 1]): how far the setting can drift before it leaves the window.
 */
export function boundaryDistance(g: Grid, cls: Uint8Array): Float64Array {
  const d = g.levels.length;
  const dist = new Float64Array(g.size);
  const walls: number[][] = [];
  for (let i = 0; i < g.size; i++) {
    if (cls[i] !== CLASS_INFEASIBLE) continue;
    // Only infeasible points next to a feasible one can be nearest.
    for (let j = 0; j < d; j++) {
      const k = levelOf(g, i, j);
      const s = g.strides[j]!;
      if ((k > 0 && cls[i - s]! >= CLASS_FEASIBLE) || (k < g.levels[j]! - 1 && cls[i + s]! >= CLASS_FEASIBLE)) {
        walls.push(g.levels.map((l, jj) => levelOf(g, i, jj) / (l - 1)));
        break;
      }
    }
  }
  for (let i = 0; i < g.size; i++) {
    if (cls[i]! < CLASS_FEASIBLE) continue;
    const u = g.levels.map((l, j) => levelOf(g, i, j) / (l - 1));
    let best = Number.POSITIVE_INFINITY;
    for (const x of u) best = Math.min(best, x, 1 - x);
    for (const w of walls) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (u[j]! - w[j]!) ** 2;
      if (s < best * best) best = Math.sqrt(s);
    }
    dist[i] = best;
  }
  return dist;
}
