import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { type ShotResult, simulateShot } from "./simulateShot.ts";

/** Fill times a first recipe chooses from, s: a geometric ladder as a setter's speed steps would be. */
const FILL_TIME_LADDER_S = [0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1, 1.4, 2, 3] as const;
/** Hold pressure as a share of the fill pressure: 50–70 % is the usual starting point (Rosato, ch. 4). */
const STARTER_HOLD_SHARE = 0.6;
/** Hold a little past gate seal, as a gate-freeze study would set it. */
const STARTER_HOLD_OVER_SEAL = 1.2;
/** Cooling head-room over the computed minimum. */
const STARTER_COOLING_MARGIN = 1.1;

/**
 * A first recipe for a twin, derived from its own physics the way a setter would start: recommended melt and
 * mold temperatures, the fill time from a ladder of 0.15–3 s with the best worst margin against short shot and
 * burn (too slow freezes off, too fast shears the melt), hold at 60 % of the resulting fill pressure until
 * just past gate seal, cooling to the ejection temperature with 10 % head-room. Deterministic.
 */
export function starterSettings(twin: Twin): ProcessSettings {
  const first: ProcessSettings = {
    meltTempC: twin.material.meltTempC.recommended,
    moldTempC: twin.material.moldTempC.recommended,
    injectionTimeS: FILL_TIME_LADDER_S[0],
    vpSwitchoverPct: 98,
    holdPressureMPa: 30,
    holdTimeS: 5,
    coolingTimeS: 10,
    backPressureMPa: 5,
    screwSpeedRpm: 100,
  };
  // The first rung seeds the search; each later rung replaces it only with a better worst margin.
  const worstMargin = (r: ShotResult): number => Math.min(r.defects.shortShot.margin, r.defects.burn.margin);
  let probe = simulateShot(twin, first);
  let best = worstMargin(probe);
  for (const injectionTimeS of FILL_TIME_LADDER_S.slice(1)) {
    const trial = simulateShot(twin, { ...first, injectionTimeS });
    if (worstMargin(trial) > best) {
      best = worstMargin(trial);
      probe = trial;
      first.injectionTimeS = injectionTimeS;
    }
  }
  const holdPressureMPa = clamp(
    STARTER_HOLD_SHARE * probe.fill.peakInjectionPressureMPa,
    5,
    twin.machine.maxInjectionPressureMPa,
  );
  const holdTimeS = STARTER_HOLD_OVER_SEAL * probe.pack.gateFreezeTimeS;
  const coolingTimeS = Math.max(1, STARTER_COOLING_MARGIN * probe.cooling.requiredCoolingTimeS - holdTimeS);
  return {
    ...first,
    holdPressureMPa: round(holdPressureMPa, 1),
    holdTimeS: round(holdTimeS, 1),
    coolingTimeS: round(coolingTimeS, 1),
  };
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
