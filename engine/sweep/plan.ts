import type { Twin } from "../../twin-models/resolve.ts";
import { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import type { Factor } from "../../twin-models/schemas/sweep.ts";
import { parse } from "../../twin-models/validate.ts";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../errors.ts";
import { OUTPUT_FIELDS, type OutputField } from "../molding/layout.ts";
import { checkSettings, toInputs } from "../molding/simulateShot.ts";
import type { NoiseSpec, PointSource, SweepFactor } from "./chunk.ts";
import type { SweepPlan } from "./runSweep.ts";

/**
 * From validated scenario parts to a sweep plan. Every factor's range is checked at both ends against the
 * same schema and twin checks a single shot gets (the checks are bounds on one field each, so the ends suffice):
 * a sweep never starts on settings the twin would refuse, and the error names the factor and the end.
 */

const ADJUSTMENTS = new Set(Object.keys(TwinAdjustments.properties));

export function toSweepFactor(f: Factor): SweepFactor {
  return { input: f.name, min: f.min, max: f.max, log: f.log };
}

export function checkFactors(twin: Twin, settings: ProcessSettings, factors: readonly Factor[], root: string): void {
  const problems: ErrorDetail[] = [];
  factors.forEach((f, i) => {
    const field = `${root}[${i}]`;
    if (!(f.max > f.min)) {
      problems.push({ field: `${field}.max`, value: f.max, allowed: `> min (${f.min}) of ${f.name}` });
      return;
    }
    if (f.log && f.min <= 0) {
      problems.push({ field: `${field}.min`, value: f.min, allowed: `> 0 for a log-spaced factor (${f.name})` });
    }
    const seen = factors.findIndex((g) => g.name === f.name);
    if (seen !== i)
      problems.push({ field: `${field}.name`, value: f.name, allowed: `not already swept by ${root}[${seen}]` });
    for (const end of ["min", "max"] as const) {
      try {
        if (ADJUSTMENTS.has(f.name)) {
          parse(TwinAdjustments, { ...twin.adjustments, [f.name]: f[end] }, "adjustments");
        } else {
          const s = parse(ProcessSettings, { ...settings, [f.name]: f[end] }, "settings");
          checkSettings(twin, f.name === "injectionTimeS" ? { ...s, injectionSpeedMmPerS: undefined } : s);
        }
      } catch (e) {
        if (!(e instanceof MoldtwinError)) throw e;
        for (const d of e.details) {
          if (d.field?.endsWith(`.${f.name}`)) {
            problems.push({ ...d, field: `${field}.${end}`, allowed: `${d.allowed} (${f.name})` });
          }
        }
      }
    }
  });
  if (problems.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_OUT_OF_RANGE",
      `factor ranges do not fit the twin: ${problems.map(describeDetail).join("; ")}`,
      problems,
    );
  }
}

export function checkOutputs(names: readonly string[] | undefined, root: string): OutputField[] {
  if (!names) return [...OUTPUT_FIELDS];
  const bad = names.map((n, i) => [n, i] as const).filter(([n]) => !(OUTPUT_FIELDS as readonly string[]).includes(n));
  if (bad.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `unknown output column ${bad.map(([n]) => JSON.stringify(n)).join(", ")}`,
      bad.map(([n, i]) => ({ field: `${root}[${i}]`, value: n, allowed: `one of: ${OUTPUT_FIELDS.join(", ")}` })),
    );
  }
  return names as OutputField[];
}

/** A sweep plan for a twin at base settings. Settings and factors must already be validated (checkFactors). */
export function buildPlan(
  twin: Twin,
  settings: ProcessSettings,
  factors: readonly Factor[],
  points: PointSource,
  outputs: readonly OutputField[],
  noise?: NoiseSpec,
): SweepPlan {
  // The twin's key only has to tell twins apart within a worker's cache: its JSON does.
  const twinKey = JSON.stringify([twin.material, twin.machine, twin.mold]);
  return {
    twin,
    twinKey,
    baseInputs: toInputs(twin, settings),
    factors: factors.map(toSweepFactor),
    points,
    outputs,
    ...(noise ? { noise } : {}),
  };
}
