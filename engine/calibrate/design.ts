import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { MoldtwinError } from "../errors.ts";
import { checkSettings } from "../molding/simulateShot.ts";

/**
 * A calibration trial around a running recipe: one factor at a time, the way a process engineer runs an
 * in-press viscosity curve and a pressure-drop study (molding.md §3: move one factor at a time around nominal).
 * Each step moves what separates the parameters: injection time (shear rate: viscosity vs the frozen skin of heat
 * transfer vs the isothermal nozzle), melt and mold temperature, hold pressure (leakage via mass and cushion),
 * a cooling time long enough that recovery no longer sets the cycle (screw output vs the rest), screw speed.
 * Settings the twin refuses (outside the material's melt range, …) are left out.
 */
export function calibrationDesign(twin: Twin, recipe: ProcessSettings): ProcessSettings[] {
  const m = twin.material;
  const t = recipe.injectionTimeS;
  const steps: Partial<ProcessSettings>[] = [
    {},
    ...(t === undefined ? [] : [{ injectionTimeS: t * 0.5 }, { injectionTimeS: t * 1.8 }]),
    { meltTempC: Math.min(recipe.meltTempC + 12, m.maxMeltTempC - 5) },
    { meltTempC: recipe.meltTempC - 12 },
    { moldTempC: recipe.moldTempC + 10 },
    { holdPressureMPa: recipe.holdPressureMPa * 1.3 },
    { coolingTimeS: recipe.coolingTimeS + 3 },
    { screwSpeedRpm: recipe.screwSpeedRpm * 0.7 },
  ];
  const out: ProcessSettings[] = [];
  for (const step of steps) {
    const s = { ...recipe, ...step };
    try {
      checkSettings(twin, s);
      out.push(s);
    } catch (e) {
      if (!(e instanceof MoldtwinError)) throw e;
    }
  }
  return out;
}
