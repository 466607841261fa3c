import type { Static, TSchema } from "@sinclair/typebox";
import { Value, type ValueError } from "@sinclair/typebox/value";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../engine/errors.ts";

/**
 * The one validation edge: every file, request and CLI value passes through `parse` against its schema.
 * Defaults are applied to a copy (the caller's object is never mutated), unknown properties are rejected,
 * and nothing is coerced: a string where a number belongs is an error, not a silent conversion.
 */
export function parse<S extends TSchema>(schema: S, value: unknown, root: string): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(value));
  const errors = [...Value.Errors(schema, withDefaults)];
  if (errors.length > 0) {
    const details = dedupe(errors.map((e) => toDetail(e, root)));
    throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize(root, details), details);
  }
  return withDefaults as Static<S>;
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
