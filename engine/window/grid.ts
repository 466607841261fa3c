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
