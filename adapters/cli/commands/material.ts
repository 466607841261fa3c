import { Type } from "@sinclair/typebox";
import type { Command } from "commander";
import { crossWlfViscosityPaS, zeroShearViscosityPaS } from "../../../engine/physics/crossWlf.ts";
import { specificVolumeM3PerKg } from "../../../engine/physics/tait.ts";
import { cToK } from "../../../engine/units.ts";
import { getMaterial } from "../../../twin-models/library/index.ts";
import { Num } from "../../../twin-models/schemas/common.ts";
import { parse } from "../../../twin-models/validate.ts";
import { numeric, printJson, run, table } from "../io.ts";

const MaterialQuery = Type.Object(
  {
    tempC: Num({ unit: "°C", minimum: -50, maximum: 500 }),
    shearRate1s: Num({ unit: "1/s", minimum: 0, maximum: 1e8 }),
    pressureMPa: Num({ unit: "MPa", minimum: 0, maximum: 400, default: 0 }),
  },
  { additionalProperties: false },
);

/** Cross-WLF viscosity and Tait specific volume of a library material at one state. */
export function materialState(id: string, raw: Record<string, unknown>) {
  const m = getMaterial(id);
  const q = parse(MaterialQuery, raw, "material");
  const tK = cToK(q.tempC);
  const pPa = q.pressureMPa * 1e6;
  const v = specificVolumeM3PerKg(m.tait, tK, pPa);
  return {
    material: m.id,
    trust: m.trust,
    tempC: q.tempC,
    shearRate1s: q.shearRate1s,
    pressureMPa: q.pressureMPa,
    zeroShearViscosityPaS: zeroShearViscosityPaS(m.crossWlf, tK, pPa),
    viscosityPaS: crossWlfViscosityPaS(m.crossWlf, tK, q.shearRate1s, pPa),
    specificVolumeM3PerKg: v,
    densityKgPerM3: 1 / v,
    state: tK > m.tait.b5 + m.tait.b6 * pPa ? "melt" : "solid",
  };
}

export function registerMaterial(program: Command): void {
  program
    .command("material <id>")
    .description("viscosity (Cross-WLF) and specific volume / density (2-domain Tait) of a library material")
    .requiredOption("--temp-c <C>", "temperature, °C")
    .requiredOption("--shear-rate <1/s>", "shear rate, 1/s")
    .option("--pressure-mpa <MPa>", "pressure, MPa", "0")
    .option("--json", "print one JSON object")
    .action(async (id: string, o) =>
      run(Boolean(o.json), () => {
        const r = materialState(id, {
          tempC: numeric(o.tempC),
          shearRate1s: numeric(o.shearRate),
          pressureMPa: numeric(o.pressureMpa),
        });
        if (o.json) printJson(r);
        else {
          const { material, trust, state, ...numbers } = r;
          process.stdout.write(table(`${material} (${trust}) — ${state}`, numbers));
          if (trust !== "traceable")
            process.stdout.write("  note: representative defaults, not grade data; do not use for validation\n");
        }
      }),
    );
}
