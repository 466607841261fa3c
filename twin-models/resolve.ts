import { getMachine, getMaterial, getMold } from "./library/index.ts";
import { Machine } from "./schemas/machine.ts";
import { Material } from "./schemas/material.ts";
import { Mold } from "./schemas/mold.ts";
import { type TwinAdjustments as Adjustments, TwinAdjustments } from "./schemas/process.ts";
import { type TwinRef, TwinWear } from "./schemas/scenario.ts";
import { parse } from "./validate.ts";

/** A resolved twin: full cards, validated, with adjustments defaulted. */
export interface Twin {
  material: Material;
  machine: Machine;
  mold: Mold;
  adjustments: Adjustments;
  /** Operating age of the wear parts; the engine applies it (engine/molding/simulateShot.ts toInputs). */
  wear?: TwinWear;
}

/** Resolves library ids or inline cards (validated against their schema) into a twin. */
export function resolveTwin(ref: TwinRef, root = "twin"): Twin {
  return {
    material:
      typeof ref.material === "string" ? getMaterial(ref.material) : parse(Material, ref.material, `${root}.material`),
    machine: typeof ref.machine === "string" ? getMachine(ref.machine) : parse(Machine, ref.machine, `${root}.machine`),
    mold: typeof ref.mold === "string" ? getMold(ref.mold) : parse(Mold, ref.mold, `${root}.mold`),
    adjustments: parse(TwinAdjustments, ref.adjustments ?? {}, `${root}.adjustments`),
    ...(ref.wear === undefined ? {} : { wear: parse(TwinWear, ref.wear, `${root}.wear`) }),
  };
}
