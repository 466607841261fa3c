import { type Static, Type } from "@sinclair/typebox";
import type { Command } from "commander";
import { clampForce, DEFAULT_CLAMP_SAFETY_FACTOR } from "../../../engine/physics/clamp.ts";
import { coolingTimeS } from "../../../engine/physics/cooling.ts";
import {
  diskPressureDropPa,
  diskWallShearRate1s,
  stripPressureDropPa,
  stripWallShearRate1s,
  tubePressureDropPa,
  tubeWallShearRate1s,
} from "../../../engine/physics/pressureDrop.ts";
import { M_PER_MM } from "../../../engine/units.ts";
import { Num, Positive } from "../../../twin-models/schemas/common.ts";
import { outOfRange, parse } from "../../../twin-models/validate.ts";
import { numeric, printJson, run, table } from "../io.ts";

const CoolingInput = Type.Object(
  {
    thicknessMm: Positive("mm", "wall thickness (plate) or diameter (cylinder)", 500),
    diffusivityM2s: Positive("m²/s", "thermal diffusivity k/(ρ·cp)", 1e-3),
    meltC: Num({ unit: "°C", minimum: -50, maximum: 500 }),
    moldC: Num({ unit: "°C", minimum: -50, maximum: 500 }),
    ejectC: Num({ unit: "°C", minimum: -50, maximum: 500 }),
    shape: Type.Union([Type.Literal("plate"), Type.Literal("cylinder")], { default: "plate" }),
    criterion: Type.Union([Type.Literal("centre"), Type.Literal("mean")], { default: "centre" }),
  },
  { additionalProperties: false },
);

const PressureDropInput = Type.Object(
  {
    geometry: Type.Union([Type.Literal("strip"), Type.Literal("tube"), Type.Literal("disk")]),
    flowM3s: Positive("m³/s", "volumetric flow rate", 1),
    viscosityPaS: Type.Optional(Positive("Pa·s", "Newtonian viscosity", 1e9)),
    kPaSn: Type.Optional(Positive("Pa·sⁿ", "power-law consistency K", 1e9)),
    n: Type.Optional(Num({ unit: "1", exclusiveMinimum: 0, maximum: 1.5, description: "power-law index" })),
    lengthMm: Type.Optional(Positive("mm", undefined, 1e5)),
    widthMm: Type.Optional(Positive("mm", undefined, 1e5)),
    thicknessMm: Type.Optional(Positive("mm", undefined, 1e3)),
    radiusMm: Type.Optional(Positive("mm", undefined, 1e4)),
    innerRadiusMm: Type.Optional(Positive("mm", undefined, 1e5)),
    outerRadiusMm: Type.Optional(Positive("mm", undefined, 1e5)),
  },
  { additionalProperties: false },
);

const ClampInput = Type.Object(
  {
    areaCm2: Positive("cm²", "projected area of parts and runner", 1e6),
    pressureMPa: Positive("MPa", "mean cavity pressure", 1000),
    safetyFactor: Num({ unit: "1", minimum: 1, maximum: 3, default: DEFAULT_CLAMP_SAFETY_FACTOR }),
  },
  { additionalProperties: false },
);

export function coolingCalc(raw: Record<string, unknown>): {
  coolingTimeS: number;
  inputs: Static<typeof CoolingInput>;
} {
  const i = parse(CoolingInput, raw, "calc cooling");
  if (!(i.ejectC > i.moldC))
    throw outOfRange(
      "ejectC",
      i.ejectC,
      "°C",
      `> moldC (${i.moldC} °C)`,
      "the part never reaches its ejection temperature",
    );
  if (!(i.meltC > i.ejectC))
    throw outOfRange("meltC", i.meltC, "°C", `> ejectC (${i.ejectC} °C)`, "the melt is already cold enough");
  const t = coolingTimeS(i.shape, i.criterion, i.thicknessMm * M_PER_MM, i.diffusivityM2s, i.meltC, i.moldC, i.ejectC);
  return { coolingTimeS: t, inputs: i };
}

export function pressureDropCalc(raw: Record<string, unknown>) {
  const i = parse(PressureDropInput, raw, "calc pressure-drop");
  const newtonian = i.viscosityPaS !== undefined;
  if (newtonian === (i.kPaSn !== undefined || i.n !== undefined)) {
    throw outOfRange(
      "viscosityPaS",
      i.viscosityPaS ?? Number.NaN,
      "Pa·s",
      "either --viscosity-pas, or --k-pasn with --n",
      "rheology",
    );
  }
  const k = newtonian ? (i.viscosityPaS as number) : need(i.kPaSn, "kPaSn", "Pa·sⁿ");
  const n = newtonian ? 1 : need(i.n, "n", "1");
  const q = i.flowM3s;
  let dp: number;
  let rate: number;
  if (i.geometry === "strip") {
    const l = need(i.lengthMm, "lengthMm", "mm") * M_PER_MM;
    const w = need(i.widthMm, "widthMm", "mm") * M_PER_MM;
    const h = need(i.thicknessMm, "thicknessMm", "mm") * M_PER_MM;
    dp = stripPressureDropPa(k, n, q, l, w, h);
    rate = stripWallShearRate1s(n, q, w, h);
  } else if (i.geometry === "tube") {
    const l = need(i.lengthMm, "lengthMm", "mm") * M_PER_MM;
    const r = need(i.radiusMm, "radiusMm", "mm") * M_PER_MM;
    dp = tubePressureDropPa(k, n, q, l, r);
    rate = tubeWallShearRate1s(n, q, r);
  } else {
    const r1 = need(i.innerRadiusMm, "innerRadiusMm", "mm") * M_PER_MM;
    const r2 = need(i.outerRadiusMm, "outerRadiusMm", "mm") * M_PER_MM;
    const h = need(i.thicknessMm, "thicknessMm", "mm") * M_PER_MM;
    if (!(r2 > r1))
      throw outOfRange("outerRadiusMm", r2 / M_PER_MM, "mm", `> innerRadiusMm (${r1 / M_PER_MM} mm)`, "disk");
    dp = diskPressureDropPa(k, n, q, r1, r2, h);
    rate = diskWallShearRate1s(n, q, r1, h);
  }
  return {
    geometry: i.geometry,
    rheology: newtonian ? "newtonian" : "power-law",
    pressureDropMPa: dp / 1e6,
    wallShearRate1s: rate,
    wallShearRateAt: i.geometry === "disk" ? "inner radius (highest)" : "wall",
    inputs: i,
  };
}

export function clampCalc(raw: Record<string, unknown>) {
  const i = parse(ClampInput, raw, "calc clamp");
  return { ...clampForce(i.areaCm2, i.pressureMPa, i.safetyFactor), safetyFactor: i.safetyFactor, inputs: i };
}

function need(v: number | undefined, field: string, unit: string): number {
  if (v === undefined)
    throw outOfRange(field, Number.NaN, unit, "required for this geometry/rheology", "missing input");
  return v;
}

export function registerCalc(program: Command): void {
  const calc = program.command("calc").description("process engineer's calculator (closed forms, molding.md §2)");

  calc
    .command("cooling")
    .description("cooling time of a plate or cylinder (one-term Fourier solution)")
    .requiredOption("--thickness-mm <mm>", "wall thickness; for a cylinder the diameter")
    .requiredOption("--diffusivity-m2s <m2s>", "thermal diffusivity α = k/(ρ·cp), m²/s")
    .requiredOption("--melt-c <C>", "melt temperature, °C")
    .requiredOption("--mold-c <C>", "mold wall temperature, °C")
    .requiredOption("--eject-c <C>", "ejection temperature, °C")
    .option("--shape <shape>", "plate | cylinder", "plate")
    .option("--criterion <c>", "centre (centreline reaches eject) | mean (mean temperature does)", "centre")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), () => {
        const r = coolingCalc({
          thicknessMm: numeric(o.thicknessMm),
          diffusivityM2s: numeric(o.diffusivityM2s),
          meltC: numeric(o.meltC),
          moldC: numeric(o.moldC),
          ejectC: numeric(o.ejectC),
          shape: o.shape,
          criterion: o.criterion,
        });
        if (o.json) printJson(r);
        else
          process.stdout.write(
            table(`cooling time (${r.inputs.shape}, ${r.inputs.criterion} criterion)`, {
              coolingTimeS: r.coolingTimeS,
            }),
          );
      }),
    );

  calc
    .command("pressure-drop")
    .description("Hele-Shaw pressure drop in a strip, tube or centre-gated disk (Newtonian or power-law)")
    .requiredOption("--geometry <g>", "strip | tube | disk")
    .requiredOption("--flow-m3s <q>", "volumetric flow, m³/s")
    .option("--viscosity-pas <mu>", "Newtonian viscosity, Pa·s")
    .option("--k-pasn <K>", "power-law consistency, Pa·sⁿ")
    .option("--n <n>", "power-law index")
    .option("--length-mm <mm>", "flow length (strip, tube)")
    .option("--width-mm <mm>", "width (strip)")
    .option("--thickness-mm <mm>", "full gap (strip, disk)")
    .option("--radius-mm <mm>", "radius (tube)")
    .option("--inner-radius-mm <mm>", "inner radius (disk)")
    .option("--outer-radius-mm <mm>", "outer radius (disk)")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), () => {
        const raw: Record<string, unknown> = { geometry: o.geometry, flowM3s: numeric(o.flowM3s) };
        for (const key of [
          "viscosityPas",
          "kPasn",
          "n",
          "lengthMm",
          "widthMm",
          "thicknessMm",
          "radiusMm",
          "innerRadiusMm",
          "outerRadiusMm",
        ]) {
          if (o[key] !== undefined)
            raw[key === "viscosityPas" ? "viscosityPaS" : key === "kPasn" ? "kPaSn" : key] = numeric(o[key]);
        }
        const r = pressureDropCalc(raw);
        if (o.json) printJson(r);
        else
          process.stdout.write(
            table(`pressure drop (${r.geometry}, ${r.rheology})`, {
              pressureDropMPa: r.pressureDropMPa,
              wallShearRate1s: r.wallShearRate1s,
            }),
          );
      }),
    );

  calc
    .command("clamp")
    .description("clamp force F = A × p × SF, in kN, metric tonne-force and US ton-force")
    .requiredOption("--area-cm2 <cm2>", "projected area, cm²")
    .requiredOption("--pressure-mpa <MPa>", "mean cavity pressure, MPa")
    .option("--safety-factor <sf>", `safety factor (default ${DEFAULT_CLAMP_SAFETY_FACTOR}, the mfgcalcs default)`)
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), () => {
        const raw: Record<string, unknown> = { areaCm2: numeric(o.areaCm2), pressureMPa: numeric(o.pressureMpa) };
        if (o.safetyFactor !== undefined) raw.safetyFactor = numeric(o.safetyFactor);
        const r = clampCalc(raw);
        if (o.json) printJson(r);
        else
          process.stdout.write(
            table(`clamp force (safety factor ${r.safetyFactor}; 1 tf = 9.80665 kN, 1 US ton = 8.896 kN)`, {
              clampForceKN: r.clampForceKN,
              clampForceMetricTons: r.clampForceMetricTons,
              clampForceUSTons: r.clampForceUSTons,
            }),
          );
      }),
    );
}
