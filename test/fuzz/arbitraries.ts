import { readFileSync } from "node:fs";
import fc from "fast-check";
import { expect } from "vitest";
import { ERROR_CODES, MoldtwinError } from "../../engine/errors.ts";

/**
 * Shared pieces of the fuzz suite (issue 9, "bad input"): generators of hostile values, mutations of a valid
 * document (a demo scenario, plant or card) and the checks every property makes of what comes back.
 */

export const REPO = new URL("../../", import.meta.url).pathname;

export const readJson = (path: string): unknown => JSON.parse(readFileSync(`${REPO}${path}`, "utf8"));

/**
 * Every fuzz property runs with a fixed seed (reproducible) and a bounded number of runs. To explore beyond them:
 * FUZZ_SEED=<n> picks another seed, FUZZ_SCALE=<k> multiplies the runs (e.g. FUZZ_SCALE=10 for a long session).
 */
export const runs = (numRuns: number, seed = 42): fc.Parameters<unknown> => ({
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : seed,
  numRuns: Math.ceil(numRuns * Number(process.env.FUZZ_SCALE ?? 1)),
  endOnFailure: true,
});

// ---------------------------------------------------------------------------------------------------------------
// Hostile values

/** Numbers a schema must refuse or the engine must survive: non-finite, huge, tiny, negative, unsafe integers. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0,
    -0,
    -1,
    1,
    0.5,
    1e308,
    -1e308,
    Number.MIN_VALUE,
    2 ** 53 + 2,
    2 ** 31,
    -(2 ** 31),
    4294967296,
    1e21,
    1e-9,
  ),
  fc.double(),
  fc.integer(),
);

const LONG = "x".repeat(100_000);

/** Strings with path separators, traversal, prototype names, control and unpaired surrogate characters, huge ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "../../etc/passwd",
    "../../../../../../etc/passwd.json",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "/dev/zero.json",
    "a/b.json",
    "C:\\temp\\x.json",
    "seeds/case-a-automotive.json",
    "../seeds/case-a-automotive.json",
    "case-a-automotive",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "NaN",
    "Infinity",
    "1e999",
    "-0",
    "2026-02-30",
    "9999-99-99",
    "0000-00-00",
    "\u0000",
    "a\u0000b",
    "\uD800",
    "😀",
    "\r\n",
    '"',
    "<script>alert(1)</script>",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, as text
    "${process.exit(1)}",
    LONG,
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

/** Keys that trip naive objects: the prototype's own names. */
export const protoKey: fc.Arbitrary<string> = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
);

/** Nested arrays or objects `depth` levels deep, built without recursion (so any depth can be built). */
export function nested(depth: number, kind: "array" | "object", leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

/**
 * A placeholder for nesting `depth` levels deep, built when a mutation is applied: fast-check prints it as
 * `deep(3000, "array")` where printing the value itself would overflow the stack.
 */
export class Deep {
  readonly depth: number;
  readonly kind: "array" | "object";
  constructor(depth: number, kind: "array" | "object") {
    this.depth = depth;
    this.kind = kind;
  }
  [fc.toStringMethod](): string {
    return `deep(${this.depth}, "${this.kind}")`;
  }
}

/** The value a generated one stands for (a Deep placeholder becomes its nesting). */
export const materialize = (v: unknown): unknown => (v instanceof Deep ? nested(v.depth, v.kind) : v);

/** Deeply nested garbage: shallow random JSON, or nesting far beyond anything a scenario has. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .tuple(fc.integer({ min: 10, max: 100_000 }), fc.constantFrom("array" as const, "object" as const))
    .map(([d, k]) => new Deep(d, k)),
);

/** Any hostile value. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyNumber },
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], { "": null }) },
  { weight: 2, arbitrary: garbage },
);

// ---------------------------------------------------------------------------------------------------------------
// Mutations of a valid document

type Key = string | number;
type Path = Key[];

/** One edit at one node of the document; `at` picks the node (modulo the number of nodes). */
export type Mutation =
  | { at: number; op: "delete" }
  | { at: number; op: "replace"; value: unknown }
  | { at: number; op: "scale"; factor: number }
  | { at: number; op: "addKey"; key: string; value: unknown }
  | { at: number; op: "repeat"; times: number }
  | { at: number; op: "empty" }
  | { at: number; op: "retype" }
  | { at: number; op: "tweak"; factor: number };

/**
 * One edit. Hostile edits (garbage, wrong types, unknown keys, non-finite and extreme numbers) mix with plausible
 * ones (`tweak`: a number scaled by ¼…4, integers kept whole, a boolean flipped, an array reversed), so that a good
 * share of the mutated documents is still valid and reaches the engine with values off its beaten track.
 */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      at: fc.nat(),
      op: fc.constant("tweak" as const),
      factor: fc.oneof(fc.double({ min: 0.25, max: 4, noNaN: true }), fc.constantFrom(0, 1, 0.999, 1.001)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ at: fc.nat(), op: fc.constant("delete" as const) }) },
  { weight: 4, arbitrary: fc.record({ at: fc.nat(), op: fc.constant("replace" as const), value: nastyValue }) },
  {
    weight: 3,
    arbitrary: fc.record({
      at: fc.nat(),
      op: fc.constant("scale" as const),
      factor: fc.oneof(
        fc.constantFrom(-1, 0, 0.5, 1.0001, 2, 10, 1e3, 1e6, 1e-6, 1e300, Number.NaN),
        fc.double({ min: -10, max: 10, noNaN: true }),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      at: fc.nat(),
      op: fc.constant("addKey" as const),
      key: fc.oneof(protoKey, fc.string({ minLength: 1, maxLength: 12 })),
      value: nastyValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ at: fc.nat(), op: fc.constant("repeat" as const), times: fc.integer({ min: 1, max: 300 }) }),
  },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), op: fc.constant("empty" as const) }) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), op: fc.constant("retype" as const) }) },
);

/** One to three edits: most runs hit one field, some combine. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 3 });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every node's path, root first, depth-first; containers deeper than 12 levels are not entered (garbage). */
function paths(v: unknown): Path[] {
  const out: Path[] = [];
  const walk = (x: unknown, p: Path): void => {
    out.push(p);
    if (p.length > 12) return;
    if (Array.isArray(x)) for (const [i, y] of x.slice(0, 50).entries()) walk(y, [...p, i]);
    else if (isRecord(x)) for (const k of Object.keys(x)) walk(x[k], [...p, k]);
  };
  walk(v, []);
  return out;
}

/** Sets an own property, even `__proto__` (as JSON.parse does), never the prototype. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function edit(node: unknown, m: Mutation): { replace: true; value: unknown } | { replace: false } {
  switch (m.op) {
    case "replace":
      return { replace: true, value: materialize(m.value) };
    case "scale":
      return { replace: true, value: typeof node === "number" ? node * m.factor : m.factor };
    case "addKey":
      if (isRecord(node)) {
        setOwn(node, m.key, materialize(m.value));
        return { replace: false };
      }
      return { replace: true, value: { [m.key]: materialize(m.value) } };
    case "repeat":
      if (Array.isArray(node) && node.length > 0) {
        // The same element again (not a copy: a copy of deep garbage would overflow the test's own stack).
        for (let i = 0; i < m.times; i++) node.push(node[i % node.length]);
        return { replace: false };
      }
      return { replace: true, value: Array.from({ length: m.times }, () => node) };
    case "empty":
      return {
        replace: true,
        value: Array.isArray(node) ? [] : isRecord(node) ? {} : typeof node === "string" ? "" : 0,
      };
    case "retype":
      return {
        replace: true,
        value:
          typeof node === "number"
            ? String(node)
            : typeof node === "string"
              ? Number(node) || node.length
              : typeof node === "boolean"
                ? Number(node)
                : Array.isArray(node)
                  ? Object.fromEntries(node.map((x, i) => [String(i), x]))
                  : isRecord(node)
                    ? Object.values(node)
                    : "null",
      };
    case "tweak":
      if (typeof node === "number") {
        const v = node * m.factor;
        return { replace: true, value: Number.isInteger(node) ? Math.round(v) : v };
      }
      if (typeof node === "boolean") return { replace: true, value: !node };
      if (Array.isArray(node)) node.reverse();
      return { replace: false };
    case "delete":
      return { replace: false };
  }
}

/** Applies the mutations to a deep copy of `doc` (a JSON document); the original is never changed. */
export function mutate(doc: unknown, ms: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const m of ms) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    if (path.length === 0) {
      if (m.op === "delete") root = undefined;
      else {
        const r = edit(root, m);
        if (r.replace) root = r.value;
      }
      continue;
    }
    let parent: unknown = root;
    for (const k of path.slice(0, -1)) parent = (parent as Record<Key, unknown>)[k];
    const key = path[path.length - 1]!;
    const node = (parent as Record<Key, unknown>)[key];
    if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key as string];
      continue;
    }
    const r = edit(node, m);
    if (!r.replace) continue;
    if (Array.isArray(parent)) parent[key as number] = r.value;
    else setOwn(parent as Record<string, unknown>, key as string, r.value);
  }
  return root;
}

/**
 * JSON text of a document, as JSON.stringify writes it (NaN and ±Infinity as null, undefined members left out) but
 * without recursion, so garbage nested 20 000 deep can be written to a file or a request body. The root undefined
 * (the whole document deleted) is the empty text.
 */
export function jsonText(root: unknown): string {
  let s = "";
  const todo: ({ raw: string } | { value: unknown })[] = [{ value: root }];
  while (todo.length > 0) {
    const item = todo.pop()!;
    if ("raw" in item) {
      s += item.raw;
      continue;
    }
    const v = item.value;
    const parts: ({ raw: string } | { value: unknown })[] = [];
    if (Array.isArray(v)) {
      parts.push({ raw: "[" });
      v.forEach((x, i) => {
        if (i > 0) parts.push({ raw: "," });
        parts.push({ value: x === undefined ? null : x });
      });
      parts.push({ raw: "]" });
    } else if (isRecord(v)) {
      parts.push({ raw: "{" });
      Object.keys(v)
        .filter((k) => v[k] !== undefined)
        .forEach((k, i) => {
          parts.push({ raw: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` }, { value: v[k] });
        });
      parts.push({ raw: "}" });
    } else {
      s += v === undefined ? (v === root ? "" : "null") : JSON.stringify(v);
      continue;
    }
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!);
  }
  return s;
}

/**
 * The mutated document as a file would carry it: JSON text, parsed again. NaN and ±Infinity become null there,
 * exactly what a scenario file or a request body can hold.
 */
export function asJson(v: unknown): unknown {
  const text = jsonText(v);
  return text === "" ? undefined : JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

/**
 * A failure is acceptable only as a MoldtwinError with a registered code, a message and at least one detail whose
 * `field` names what is wrong; `codes` narrows the codes allowed (never INTERNAL_ERR or SIM_ERR_NON_FINITE).
 */
export function expectCodedError(
  e: unknown,
  codes: readonly string[] = [
    "TWIN_ERR_VALIDATION",
    "TWIN_ERR_OUT_OF_RANGE",
    "TWIN_ERR_UNKNOWN_ID",
    "FILE_ERR_READ",
    "CLI_ERR_USAGE",
    "FIT_ERR_INSUFFICIENT_DATA",
  ],
): asserts e is MoldtwinError {
  if (!(e instanceof MoldtwinError)) {
    throw new Error(`expected a MoldtwinError, got ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
  expect(Object.keys(ERROR_CODES)).toContain(e.code);
  expect(codes, `code ${e.code}: ${e.message}`).toContain(e.code);
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.details.length, `no details: ${e.message}`).toBeGreaterThan(0);
  expect(
    e.details.some((d) => typeof d.field === "string" && d.field.length > 0),
    `no detail names a field: ${e.message}`,
  ).toBe(true);
}

/** Paths of every number in `v` that is NaN or ±Infinity (nested objects, arrays and typed arrays). */
export function nonFinite(v: unknown, path = "$", out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) out.push(`${path} = ${v}`);
    return out;
  }
  if (typeof v !== "object" || v === null || seen.has(v) || out.length > 10) return out;
  seen.add(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    Array.from(v as unknown as ArrayLike<number | bigint>).forEach((x, i) => {
      nonFinite(typeof x === "bigint" ? 0 : x, `${path}[${i}]`, out, seen);
    });
  } else if (Array.isArray(v)) for (const [i, x] of v.entries()) nonFinite(x, `${path}[${i}]`, out, seen);
  else if (v instanceof Map) for (const [k, x] of v) nonFinite(x, `${path}.${String(k)}`, out, seen);
  else for (const [k, x] of Object.entries(v)) nonFinite(x, `${path}.${k}`, out, seen);
  return out;
}

export function expectFinite(v: unknown, what: string): void {
  const bad = nonFinite(v);
  expect(bad, `${what} has non-finite numbers`).toEqual([]);
}

/**
 * Outcomes per property, so each can check it was not vacuous (some mutated documents must still be valid and go
 * on to the engine) and report what it did: `tally.ok("shot")`, `tally.refused("shot", code)`.
 */
export class Tally {
  readonly counts = new Map<string, Map<string, number>>();
  add(property: string, outcome: string): void {
    const m = this.counts.get(property) ?? new Map<string, number>();
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
    this.counts.set(property, m);
  }
  get(property: string, outcome: string): number {
    return this.counts.get(property)?.get(outcome) ?? 0;
  }
  toString(): string {
    return [...this.counts].map(([p, m]) => `${p}: ${[...m].map(([o, n]) => `${o} ${n}`).join(", ")}`).join("\n");
  }
}

/** Runs `f`: its result, or (having checked that what it threw is a coded error naming a field) the error's code. */
export function outcome<T>(
  f: () => T,
  codes?: readonly string[],
): { ok: true; value: T; code: "ok" } | { ok: false; code: string } {
  try {
    return { ok: true, value: f(), code: "ok" };
  } catch (e) {
    expectCodedError(e, codes);
    return { ok: false, code: e.code };
  }
}

export async function outcomeAsync<T>(
  f: () => Promise<T>,
  codes?: readonly string[],
): Promise<{ ok: true; value: T; code: "ok" } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await f(), code: "ok" };
  } catch (e) {
    expectCodedError(e, codes);
    return { ok: false, code: e.code };
  }
}
