import type { Static, TSchema } from "@sinclair/typebox";
import { Value, type ValueError, ValuePointer } from "@sinclair/typebox/value";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../engine/errors.ts";

/**
 * The one validation edge: every file, request and CLI value passes through `parse` against its schema.
 * Defaults are applied to a copy (the caller's object is never mutated), unknown properties are rejected,
 * and nothing is coerced: a string where a number belongs is an error, not a silent conversion.
 */
export function parse<S extends TSchema>(schema: S, value: unknown, root: string): Static<S> {
  const { subnormals } = checkShape(value, root);
  const withDefaults = Value.Default(schema, Value.Clone(value));
  const errors = [...Value.Errors(schema, withDefaults)];
  if (errors.length > 0) {
    const details = dedupe(errors.map((e) => toDetail(e, root)));
    throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize(root, details), details);
  }
  checkNotMerged(value, withDefaults, root);
  if (subnormals) checkSubnormals(schema, withDefaults, root);
  return withDefaults as Static<S>;
}

/** The smallest normal double. Below it (5e-324 …) a positive length, rate or ratio divides into Infinity. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * A subnormal number (0 < |x| < 2.2e-308) passes `exclusiveMinimum: 0`, yet a length, rate or ratio that small
 * divides into Infinity (a 5e-324 mm gate, a 5e-324 rpm screw): refuse it wherever its schema refuses 0, i.e.
 * where the value read as 0 fails. Elsewhere (`minimum: 0`) it is as good as 0 and passes unchanged. The value is
 * valid here, so this runs only when checkShape saw a subnormal.
 */
function checkSubnormals(schema: TSchema, value: unknown, root: string): void {
  const flush = (v: unknown): unknown => {
    if (typeof v === "number") return v !== 0 && Math.abs(v) < SMALLEST_NORMAL ? 0 : v;
    if (Array.isArray(v)) return v.map(flush);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flush(x)]));
    }
    return v;
  };
  const errors = [...Value.Errors(schema, flush(value))];
  if (errors.length === 0) return;
  const details = dedupe(
    errors.map((e) => {
      const d = toDetail({ ...e, value: ValuePointer.Get(value, e.path) }, root);
      return { ...d, allowed: `${d.allowed} (a subnormal number below 2.2e-308 counts as 0)` };
    }),
  );
  throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize(root, details), details);
}

/** Deeper than any file or request nests (a scenario: 7 levels); TypeBox walks values recursively. */
export const MAX_DEPTH = 64;

/**
 * What TypeBox cannot be trusted with, found without recursion: nesting deep enough to overflow its recursive walk
 * (a RangeError, not a validation error), and an own `__proto__` key (JSON.parse makes one), which its clone turns
 * into the copy's prototype, so the key escaped the unknown-property check and its members passed for the object's.
 * Also notes whether any number is subnormal (checkSubnormals).
 */
function checkShape(value: unknown, root: string): { subnormals: boolean } {
  let subnormals = false;
  type Node = { value: unknown; depth: number; parent: Node | null; key: string | number };
  const fieldOf = (n: Node): string => {
    const keys: (string | number)[] = [];
    for (let x: Node | null = n; x?.parent; x = x.parent) keys.push(x.key);
    return keys.reduceRight<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : `${acc}.${k}`), root);
  };
  const stack: Node[] = [{ value, depth: 0, parent: null, key: "" }];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const v = n.value;
    if (typeof v === "number" && v !== 0 && Math.abs(v) < SMALLEST_NORMAL) subnormals = true;
    if (typeof v !== "object" || v === null) continue;
    if (n.depth >= MAX_DEPTH) {
      const field = fieldOf(n);
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid ${root}: ${field} is nested too deep`, [
        { field, allowed: `at most ${MAX_DEPTH} levels of nested objects and arrays` },
      ]);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], depth: n.depth + 1, parent: n, key: i });
      continue;
    }
    if (Object.hasOwn(v, "__proto__")) {
      const detail = { field: `${fieldOf(n)}.__proto__`, allowed: "no such property" };
      throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize(root, [detail]), [detail]);
    }
    for (const k of Object.keys(v)) {
      stack.push({ value: (v as Record<string, unknown>)[k], depth: n.depth + 1, parent: n, key: k });
    }
  }
  return { subnormals };
}

/**
 * Value.Default merges an object given where an array with a default belongs into that default (and an array given
 * for an object into the object's default), so a wrong type passed validation: `"targets": {"constructor": null}`
 * became an array whose `constructor` broke every later `.map`. Walks the input beside the result (without
 * recursion) and refuses, naming the field, any array that was an object in the input and any object that was an array.
 */
function checkNotMerged(input: unknown, output: unknown, root: string): void {
  type Pair = { input: unknown; output: unknown; field: () => string };
  const stack: Pair[] = [{ input, output, field: () => root }];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const { input: i, output: o } = p;
    if (typeof i !== "object" || i === null || typeof o !== "object" || o === null) continue;
    if (Array.isArray(o) !== Array.isArray(i)) {
      const detail = { field: p.field(), value: i, allowed: Array.isArray(o) ? "an array" : "an object" };
      throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize(root, [detail]), [detail]);
    }
    if (Array.isArray(o)) {
      const a = i as unknown[];
      for (let k = 0; k < o.length && k < a.length; k++) {
        stack.push({ input: a[k], output: o[k], field: () => `${p.field()}[${k}]` });
      }
    } else {
      for (const k of Object.keys(o)) {
        if (!Object.hasOwn(i, k)) continue; // a default: well-formed by construction
        const value = (i as Record<string, unknown>)[k];
        stack.push({ input: value, output: (o as Record<string, unknown>)[k], field: () => `${p.field()}.${k}` });
      }
    }
  }
}

export function summarize(root: string, details: ErrorDetail[]): string {
  const shown = details.slice(0, 5).map(describeDetail).join("; ");
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : "";
  return `invalid ${root}: ${shown}${more}`;
}

function toDetail(e: ValueError, root: string): ErrorDetail {
  const field = pointerToField(root, e.path);
  const schema = e.schema as Record<string, unknown>;
  const unit = typeof schema.unit === "string" && schema.unit !== "1" ? schema.unit : undefined;
  return { field, value: e.value, ...(unit ? { unit } : {}), allowed: allowedText(e, unit) };
}

function pointerToField(root: string, pointer: string): string {
  if (pointer === "") return root;
  return pointer
    .split("/")
    .slice(1)
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : `${acc}.${part}`), root);
}

function allowedText(e: ValueError, unit: string | undefined): string {
  const s = e.schema as Record<string, unknown>;
  const u = unit ? ` ${unit}` : "";
  if (e.value === undefined) return `required${typeDescription(s)}`;
  if (s.const !== undefined) return `exactly ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.anyOf)) {
    const literals = (s.anyOf as Record<string, unknown>[]).map((x) => x.const).filter((x) => x !== undefined);
    if (literals.length > 0) return `one of: ${literals.join(", ")}`;
    return `a value matching one of ${s.anyOf.length} forms${s.description ? ` (${s.description})` : ""}`;
  }
  if (s.type === "number" || s.type === "integer") {
    const kind = s.type === "integer" ? "an integer" : "a finite number";
    const lo =
      s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined ? `≥ ${s.minimum}` : "";
    const hi =
      s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : s.maximum !== undefined ? `≤ ${s.maximum}` : "";
    const range = [lo, hi].filter(Boolean).join(" and ");
    return range ? `${kind} ${range}${u}` : `${kind}${u}`;
  }
  if (s.type === "string") {
    if (typeof s.pattern === "string")
      return `a string matching ${s.pattern}${s.description ? ` (${s.description})` : ""}`;
    if (s.format) return `a string in ${s.format} format`;
    return "a string";
  }
  if (s.type === "object" && e.message.includes("Unexpected property")) return "no such property";
  if (s.type === "object") return "an object";
  if (s.type === "array") {
    const min = s.minItems !== undefined ? ` with at least ${s.minItems} item(s)` : "";
    return `an array${min}`;
  }
  if (s.type === "boolean") return "true or false";
  return e.message;
}

function typeDescription(s: Record<string, unknown>): string {
  if (s.type === "number" || s.type === "integer") {
    const lo = s.exclusiveMinimum ?? s.minimum;
    const hi = s.exclusiveMaximum ?? s.maximum;
    const unit = typeof s.unit === "string" && s.unit !== "1" ? ` ${s.unit}` : "";
    const range = lo !== undefined || hi !== undefined ? `, ${lo ?? "−∞"} … ${hi ?? "∞"}${unit}` : unit;
    return ` (a number${range})`;
  }
  if (typeof s.type === "string") return ` (${s.type})`;
  return "";
}

/** TypeBox reports one error per failed union branch; keep one per field. */
function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.field}|${d.allowed}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** For cross-field physical checks that a schema cannot express. */
export function outOfRange(field: string, value: number, unit: string, allowed: string, why: string): MoldtwinError {
  const detail: ErrorDetail = { field, value, unit, allowed };
  return new MoldtwinError("TWIN_ERR_OUT_OF_RANGE", `${why}: ${describeDetail(detail)}`, [detail]);
}
