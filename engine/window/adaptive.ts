import { CLASS_FEASIBLE, CLASS_INFEASIBLE, CLASS_PREFERRED } from "./constraints.ts";
import { type Grid, indexOf, levelOf, makeGrid } from "./grid.ts";

/**
 * Adaptive window search: reach the resolution of a full grid while evaluating only along the window's boundary.
 * 1. Evaluate a coarse lattice (about 6 intervals per axis, always including both ends).
 * 2. Predict every other point's class by multilinear interpolation of the corner scores of its coarse box (the
 *    scores are continuous margins, so the interpolated zero crossing is a first guess of the boundary).
 * 3. Evaluate every unevaluated point that has an axis neighbour of another class (evaluated or predicted),
 *    batch by batch, until no such point is left. A wrong guess shows up as a class change between an evaluated
 *    point and its predicted neighbour, so the evaluated front walks onto the true boundary.
 * At the end, every point next to a class change has been simulated (so the limiting constraint on each side is
 * read from real shots, as on the full grid) and the regions between are filled with the class their evaluated
 * boundary encloses. Like any sampling of a smooth field it cannot see an island smaller than the coarse
 * lattice; tests compare it with the full grid on the demo scenarios.
 */

export interface PointEvaluation {
  cls: Uint8Array;
  limiter: Int16Array;
  /** Signed scores whose sign changes where the class changes: feasibility, then preference. */
  feasibleScore: Float64Array;
  preferredScore: Float64Array;
  /** Every constraint's margin (constraint-major, aligned with the evaluated indices). */
  margins: readonly Float64Array[];
  /** Per constraint, the margin the preferred window asks of it (0 when only feasibility applies). */
  preferredOffsets: readonly number[];
}

export type Evaluator = (indices: readonly number[]) => Promise<PointEvaluation>;

export interface AdaptiveResult {
  cls: Uint8Array;
  limiter: Int16Array;
  evaluated: Uint8Array;
  evaluations: number;
  waves: number;
}

/** Coarse lattice: about this many intervals per axis. */
const COARSE_INTERVALS = 6;
/** Rounds of front walking before giving up on economy and evaluating what is left of the front at once. */
const MAX_ROUNDS = 64;

export async function adaptiveSearch(g: Grid, evaluate: Evaluator): Promise<AdaptiveResult> {
  const d = g.levels.length;
  const cls = new Uint8Array(g.size);
  const limiter = new Int16Array(g.size).fill(-2);
  const evaluated = new Uint8Array(g.size);
  const feasibleScore = new Float64Array(g.size);
  const preferredScore = new Float64Array(g.size);
  let evaluations = 0;
  let waves = 0;
  let margins: Float64Array[] = [];
  let offsets: readonly number[] = [];

  const run = async (indices: readonly number[]): Promise<void> => {
    const todo = [...new Set(indices)].filter((i) => !evaluated[i]).sort((a, b) => a - b);
    if (todo.length === 0) return;
    const r = await evaluate(todo);
    if (margins.length === 0) {
      margins = r.margins.map(() => new Float64Array(g.size));
      offsets = r.preferredOffsets;
    }
    todo.forEach((idx, k) => {
      for (let c = 0; c < margins.length; c++) margins[c]![idx] = r.margins[c]![k]!;
      cls[idx] = r.cls[k]!;
      limiter[idx] = r.limiter[k]!;
      feasibleScore[idx] = r.feasibleScore[k]!;
      preferredScore[idx] = r.preferredScore[k]!;
      evaluated[idx] = 1;
    });
    evaluations += todo.length;
    waves++;
  };

  // 1. Coarse lattice per axis: 0, s, 2s, …, and always the last level.
  const axes = g.levels.map((l) => {
    const s = Math.max(1, Math.round((l - 1) / COARSE_INTERVALS));
    const ks: number[] = [];
    for (let k = 0; k < l - 1; k += s) ks.push(k);
    ks.push(l - 1);
    return ks;
  });
  const lattice = makeGrid(axes.map((a) => a.length));
  const coarse: number[] = [];
  for (let i = 0; i < lattice.size; i++)
    coarse.push(
      indexOf(
        g,
        axes.map((a, j) => a[levelOf(lattice, i, j)]!),
      ),
    );
  await run(coarse);

  // 2. Predicted classes of the rest, from the coarse box around each point.
  const bracket = axes.map((a, j) => {
    const lo = new Int32Array(g.levels[j]!);
    let c = 0;
    for (let k = 0; k < g.levels[j]!; k++) {
      while (c < a.length - 2 && k >= a[c + 1]!) c++;
      lo[k] = c;
    }
    return lo;
  });
  // Each constraint's margin is interpolated on its own and the class taken from their minimum: the minimum of
  // smooth margins has kinks where the limiting constraint changes, which interpolating the minimum would blur.
  const ks = new Array<number>(d).fill(0);
  const cornerIdx = new Int32Array(1 << d);
  const cornerW = new Float64Array(1 << d);
  for (let i = 0; i < g.size; i++) {
    if (evaluated[i]) continue;
    for (let m = 0; m < 1 << d; m++) {
      let w = 1;
      for (let j = 0; j < d; j++) {
        const k = levelOf(g, i, j);
        const c = bracket[j]![k]!;
        const a = axes[j]![c]!;
        const b = axes[j]![c + 1]!;
        const t = (k - a) / (b - a);
        const hi = (m >> j) & 1;
        ks[j] = hi ? b : a;
        w *= hi ? t : 1 - t;
      }
      cornerIdx[m] = indexOf(g, ks);
      cornerW[m] = w;
    }
    let fs = Number.POSITIVE_INFINITY;
    let ps = Number.POSITIVE_INFINITY;
    for (let c = 0; c < margins.length; c++) {
      const mc = margins[c]!;
      let v = 0;
      for (let m = 0; m < 1 << d; m++) v += cornerW[m]! * mc[cornerIdx[m]!]!;
      if (v < fs) fs = v;
      if (v - offsets[c]! < ps) ps = v - offsets[c]!;
    }
    cls[i] = fs <= 0 ? CLASS_INFEASIBLE : ps >= 0 ? CLASS_PREFERRED : CLASS_FEASIBLE;
  }

  // 3. Walk the front until every point beside a class change is a real shot.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const front: number[] = [];
    for (let i = 0; i < g.size; i++) {
      if (evaluated[i]) continue;
      for (let j = 0; j < d; j++) {
        const k = levelOf(g, i, j);
        const s = g.strides[j]!;
        if ((k > 0 && cls[i - s] !== cls[i]) || (k < g.levels[j]! - 1 && cls[i + s] !== cls[i])) {
          front.push(i);
          break;
        }
      }
    }
    if (front.length === 0) break;
    await run(front);
  }
  return { cls, limiter, evaluated, evaluations, waves };
}
