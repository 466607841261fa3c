/**
 * A full-factorial grid in mixed radix, dimension 0 varying fastest (the same order as the grid design), and
 * the geometric questions a window asks of it: neighbours along an axis, level of a point on an axis.
 */
export interface Grid {
  levels: readonly number[];
  strides: readonly number[];
  size: number;
}

export function makeGrid(levels: readonly number[]): Grid {
  const strides: number[] = [];
  let size = 1;
  for (const l of levels) {
    strides.push(size);
    size *= l;
  }
  return { levels, strides, size };
}

export function levelOf(g: Grid, index: number, dim: number): number {
  return Math.floor(index / g.strides[dim]!) % g.levels[dim]!;
}

export function indexOf(g: Grid, ks: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < ks.length; d++) i += ks[d]! * g.strides[d]!;
  return i;
}

/** Calls `f` with every index in the box [lo, hi] (inclusive, per dimension). */
export function forEachInBox(g: Grid, lo: readonly number[], hi: readonly number[], f: (index: number) => void): void {
  const d = g.levels.length;
  const k = [...lo];
  for (;;) {
    f(indexOf(g, k));
    let j = 0;
    while (j < d) {
      if (k[j]! < hi[j]!) {
        k[j]!++;
        break;
      }
      k[j] = lo[j]!;
      j++;
    }
    if (j === d) return;
  }
}
