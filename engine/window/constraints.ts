import { type MathNode, parse as parseExpression } from "mathjs";
import type { Twin } from "../../twin-models/resolve.ts";
import { MoldtwinError } from "../errors.ts";
import { INPUT_FIELDS, OUTPUT_FIELDS } from "../molding/layout.ts";

/**
 * Feasibility of a setting as a list of constraints, each a continuous margin (> 0 satisfied, ≤ 0 violated),
 * after Moldflow's Molding Window criteria (molding.md §1.1: injection pressure vs the machine limit, flow-front
 * temperature, shear rate and stress vs the material's limits, clamp force, cycle time) and the defect criteria
 * of molding.md §2.6, plus the part's quality targets (critical dimension, part mass) and user expressions
 * (mathjs) over any input or output, e.g. `partMassG >= 12.1 and cycleTimeS <= 18`.
 * The preferred window asks more: every constraint whose margin is a physical distance to a defect must keep
 * at least the preferred margin (Moldflow: "a refinement of a feasible molding window").
 */

export interface Constraint {
  /** Stable id, used in reports and the SVG legend. */
  id: string;
  label: string;
  /** Whether the preferred window requires margin ≥ the preferred threshold (physical margins) or only > 0. */
  preferred: boolean;
  /** Margin of one row, from its column values. */
  margin: (row: RowValues) => number;
}

export interface RowValues {
  get(name: string): number;
}

export interface ConstraintTargets {
  partMassG?: { min?: number; max?: number };
  cycleTimeS?: { max: number };
  energyPerPartKWh?: { max: number };
  expressions?: string[];
}

/** The physical constraints: every defect criterion the kernel reports, the press limits and the part's dimension. */
const PHYSICAL: readonly [id: string, label: string, column: string][] = [
  ["pressure", "injection pressure within the press's usable limit", "pressureMargin"],
  ["flowFrontFreeze", "short shot: flow front freezes", "flowFrontFreezeMargin"],
  ["shotCapacity", "short shot: shot volume of the barrel", "shotCapacityMargin"],
  ["flashOverpack", "flash: over-packing", "overpackMargin"],
  ["sinkShrinkage", "sink: volumetric shrinkage", "shrinkageMargin"],
  ["sinkHoldTime", "sink: hold ends before gate seal", "holdTimeMargin"],
  ["burnShearRate", "burn: wall shear rate", "shearRateMargin"],
  ["burnShearStress", "burn: wall shear stress", "shearStressMargin"],
  ["burnMeltTemp", "burn: melt temperature", "meltTempMargin"],
  ["warpage", "warpage screen", "warpageMarginRaw"],
  ["ejection", "ejected before cooled", "coolingMargin"],
  ["criticalDimension", "critical dimension within tolerance", "criticalDimensionMargin"],
];

const KNOWN = new Set<string>([...INPUT_FIELDS, ...OUTPUT_FIELDS]);

export function buildConstraints(twin: Twin, targets: ConstraintTargets = {}, root = "constraints"): Constraint[] {
  const list: Constraint[] = PHYSICAL.map(([id, label, column]) => ({
    id,
    label,
    preferred: true,
    margin: (r) => r.get(column),
  }));
  // The supplier's processing ranges (material card, e.g. MAT4408 "recommended processing"): outside them the
  // physics-lite model may still fill, but the melt is not homogeneous or the mold not in its designed state.
  const range = (id: string, name: "meltTempC" | "moldTempC", what: string): Constraint => {
    const { min, max } = twin.material[name];
    return {
      id,
      label: `${what} within the supplier's ${min}–${max} °C`,
      preferred: false,
      margin: (r) => (2 * Math.min(r.get(name) - min, max - r.get(name))) / (max - min),
    };
  };
  list.unshift(
    range("meltRange", "meltTempC", "melt temperature"),
    range("moldRange", "moldTempC", "mold temperature"),
  );
  // A fill faster than the press's maximum injection rate is not a setting it can run: the kernel fills at the
  // maximum instead, so without this the window would look open towards ever shorter injection times.
  const maxRateCm3PerS = twin.machine.maxInjectionRateCm3PerS;
  list.push({
    id: "injectionRate",
    label: `injection rate within the press's ${maxRateCm3PerS} cm³/s`,
    preferred: false,
    margin: (r) => 1 - (r.get("flowRateCm3PerS") * r.get("fillTimeS")) / r.get("injectionTimeS") / maxRateCm3PerS,
  });
  // Clamp within rating, with the safety factor: required force (F·SF) ≤ rated (molding.md §2.5).
  list.splice(5, 0, {
    id: "clamp",
    label: `clamp force within the ${twin.machine.clampForceKN} kN rating`,
    preferred: true,
    margin: (r) => 1 - r.get("clampUtilisation"),
  });
  const mass = targets.partMassG;
  if (mass && (mass.min !== undefined || mass.max !== undefined)) {
    const { min, max } = mass;
    if (min !== undefined && max !== undefined) {
      if (!(max > min)) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", `${root}.partMassG: max must exceed min`, [
          { field: `${root}.partMassG.max`, value: max, unit: "g", allowed: `> ${min} g (partMassG.min)` },
        ]);
      }
      const mid = (min + max) / 2;
      const half = (max - min) / 2;
      list.push({
        id: "partMass",
        label: `part mass ${min}–${max} g`,
        preferred: true,
        margin: (r) => 1 - Math.abs(r.get("partMassG") - mid) / half,
      });
    } else if (min !== undefined) {
      list.push({
        id: "partMass",
        label: `part mass ≥ ${min} g`,
        preferred: false,
        margin: (r) => (r.get("partMassG") - min) / min,
      });
    } else if (max !== undefined) {
      list.push({
        id: "partMass",
        label: `part mass ≤ ${max} g`,
        preferred: false,
        margin: (r) => (max - r.get("partMassG")) / max,
      });
    }
  }
  if (targets.cycleTimeS) {
    const max = targets.cycleTimeS.max;
    list.push({
      id: "cycleTime",
      label: `cycle time ≤ ${max} s`,
      preferred: false,
      margin: (r) => (max - r.get("cycleTimeS")) / max,
    });
  }
  if (targets.energyPerPartKWh) {
    const max = targets.energyPerPartKWh.max;
    list.push({
      id: "energy",
      label: `energy ≤ ${max} kWh/part`,
      preferred: false,
      margin: (r) => (max - r.get("energyPerPartKWh")) / max,
    });
  }
  (targets.expressions ?? []).forEach((text, i) => {
    list.push({
      id: `expression${i}`,
      label: text,
      preferred: false,
      margin: compileMargin(text, `${root}.expressions[${i}]`),
    });
  });
  return list;
}

/**
 * A user expression as a margin. Comparisons give a signed relative distance ((a − b)/|b| for a ≥ b), `and`
 * the smallest and `or` the largest of their operands' margins, `not` the negation; any other boolean
 * expression gives +1 when true and −1 when false. So `partMassG >= 12.1` is a margin like the physical ones.
 */
export function compileMargin(text: string, field: string): (r: RowValues) => number {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} is longer than ${MAX_EXPRESSION_LENGTH} characters`, [
      {
        field,
        value: `${text.slice(0, 80)}…`,
        allowed: `an expression of at most ${MAX_EXPRESSION_LENGTH} characters`,
      },
    ]);
  }
  let node: MathNode;
  try {
    node = parseExpression(text);
  } catch (e) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} is not a valid expression: ${(e as Error).message}`, [
      { field, value: text, allowed: "a mathjs expression, e.g. partMassG >= 12.1 and cycleTimeS <= 18" },
    ]);
  }
  const unknown: string[] = [];
  const forbidden: string[] = [];
  node.traverse((n) => {
    if (!EXPRESSION_NODES.has(n.type) && !forbidden.includes(n.type)) forbidden.push(n.type);
    if (n.type === "SymbolNode") {
      const name = (n as unknown as { name: string }).name;
      if (!KNOWN.has(name) && !unknown.includes(name)) unknown.push(name);
    }
  });
  if (forbidden.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} uses ${forbidden.join(", ")}`, [
      {
        field,
        value: text,
        allowed:
          "names, numbers, arithmetic, comparisons, and/or/not, parentheses and ?: (no ranges, indexing, assignments, arrays, objects or functions)",
      },
    ]);
  }
  if (unknown.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} uses unknown names: ${unknown.join(", ")}`, [
      { field, value: text, allowed: `names of inputs and outputs: ${[...KNOWN].join(", ")}` },
    ]);
  }
  return marginOf(node, field);
}

/** Longer than any condition a person writes; bounds the depth of mathjs's recursive compile. */
export const MAX_EXPRESSION_LENGTH = 1000;

/**
 * What a condition over one row may contain. Everything else mathjs parses is refused before it runs: a range
 * (`1:1e9`) allocates its whole array on every row, an assignment writes into the row's scope, indexing and property
 * access fail on numbers, and functions are not needed.
 */
const EXPRESSION_NODES = new Set(["ConstantNode", "SymbolNode", "OperatorNode", "ParenthesisNode", "ConditionalNode"]);

/** Evaluates a compiled node on a row; mathjs's own errors (a string that is no number, …) name the expression. */
function evaluateIn(compiled: { evaluate(scope: unknown): unknown }, r: RowValues, field: string): unknown {
  try {
    return compiled.evaluate(scopeOf(r));
  } catch (e) {
    if (e instanceof MoldtwinError) throw e;
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} cannot be evaluated: ${(e as Error).message}`, [
      { field, allowed: "an expression over numbers, e.g. partMassG >= 12.1 and cycleTimeS <= 18" },
    ]);
  }
}

type Margin = (r: RowValues) => number;

function marginOf(node: MathNode, field: string): Margin {
  const n = node as unknown as { type: string; fn?: string; args?: MathNode[]; content?: MathNode };
  if (n.type === "ParenthesisNode" && n.content) return marginOf(n.content, field);
  if (n.type === "OperatorNode" && n.args) {
    const args = n.args;
    if (n.fn === "and" || n.fn === "or") {
      const parts = args.map((a) => marginOf(a, field));
      return n.fn === "and" ? (r) => Math.min(...parts.map((p) => p(r))) : (r) => Math.max(...parts.map((p) => p(r)));
    }
    if (n.fn === "not" && args[0]) {
      const inner = marginOf(args[0], field);
      return (r) => -inner(r);
    }
    const sign = n.fn === "larger" || n.fn === "largerEq" ? 1 : n.fn === "smaller" || n.fn === "smallerEq" ? -1 : 0;
    if (sign !== 0 && args.length === 2) {
      const a = numeric(args[0]!, field);
      const b = numeric(args[1]!, field);
      return (r) => {
        const av = a(r);
        const bv = b(r);
        const scale = Math.max(Math.abs(bv), Math.abs(av), 1e-12);
        return (sign * (av - bv)) / scale;
      };
    }
  }
  const compiled = node.compile();
  return (r) => (truthy(evaluateIn(compiled, r, field), field) ? 1 : -1);
}

function numeric(node: MathNode, field: string): Margin {
  const compiled = node.compile();
  return (r) => {
    const v = evaluateIn(compiled, r, field);
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field}: an operand is not a finite number`, [
        { field, value: String(v), allowed: "operands that evaluate to finite numbers" },
      ]);
    }
    return v;
  };
}

function truthy(v: unknown, field: string): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number" && Number.isFinite(v)) return v !== 0;
  throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} does not evaluate to true or false`, [
    { field, value: String(v), allowed: "a condition, e.g. cycleTimeS <= 18" },
  ]);
}

/** mathjs reads names through `get`/`has` on a Map-like scope, so rows need no object per evaluation. */
function scopeOf(r: RowValues): Map<string, number> {
  return new Proxy(new Map<string, number>(), {
    get(target, prop) {
      if (prop === "get") return (k: string) => r.get(k);
      if (prop === "has") return (k: string) => KNOWN.has(k);
      return Reflect.get(target, prop);
    },
  });
}

/** Margins of every constraint for every row: constraint-major Float64Arrays. */
export function marginsOf(
  constraints: readonly Constraint[],
  columns: Record<string, Float64Array>,
  rows: number,
  constants: Record<string, number> = {},
) {
  const margins = constraints.map(() => new Float64Array(rows));
  let row = 0;
  const values: RowValues = {
    get(name: string): number {
      const col = columns[name];
      if (col) return col[row]!;
      const c = constants[name];
      if (c === undefined) throw new Error(`column ${name} missing from the sweep`);
      return c;
    },
  };
  for (row = 0; row < rows; row++) {
    for (let c = 0; c < constraints.length; c++) margins[c]![row] = constraints[c]!.margin(values);
  }
  return margins;
}

export const CLASS_INFEASIBLE = 0;
export const CLASS_FEASIBLE = 1;
export const CLASS_PREFERRED = 2;

/**
 * Class of each row (infeasible, feasible, preferred) and, for infeasible rows, the constraint that fails worst
 * (its limiter); for feasible rows, the constraint with the least margin.
 */
export function classify(
  constraints: readonly Constraint[],
  margins: readonly Float64Array[],
  valid: Uint8Array,
  rows: number,
  preferredMargin: number,
): { cls: Uint8Array; limiter: Int16Array; minMargin: Float64Array } {
  const cls = new Uint8Array(rows);
  const limiter = new Int16Array(rows);
  const minMargin = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    if (!valid[i]) {
      cls[i] = CLASS_INFEASIBLE;
      limiter[i] = -1;
      minMargin[i] = -1;
      continue;
    }
    let worst = Number.POSITIVE_INFINITY;
    let worstAt = 0;
    let preferred = true;
    for (let c = 0; c < constraints.length; c++) {
      const m = margins[c]![i]!;
      if (m < worst) {
        worst = m;
        worstAt = c;
      }
      if (constraints[c]!.preferred ? m < preferredMargin : m <= 0) preferred = false;
    }
    limiter[i] = worstAt;
    minMargin[i] = worst;
    cls[i] = worst <= 0 ? CLASS_INFEASIBLE : preferred ? CLASS_PREFERRED : CLASS_FEASIBLE;
  }
  return { cls, limiter, minMargin };
}
