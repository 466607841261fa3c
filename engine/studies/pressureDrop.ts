/**
 * Pressure-drop study (molding.md §1.4, after aprios "Defining process stability"): where along the flow path the
 * injection pressure is spent — machine nozzle, sprue + runners, gate(s), cavity — in MPa and % of the peak, the
 * cumulative pressure along the path, against the pressure the press can give in the velocity phase
 * (max injection pressure × usable fraction, the kernel's short-shot limit, molding.md §2.6). Verdict
 * "pressure-limited" when the peak exceeds the available pressure; headroom % = 1 − peak / available.
 * Drops are the kernel's generalized Hele-Shaw march (molding.md §2.3–2.4) at the given settings.
 */
import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { simulateShot } from "../molding/simulateShot.ts";
import {
  assertFinite,
  availablePressureMPa,
  checkList,
  fixed,
  minimumFillTimeS,
  round,
  withInjectionTime,
} from "./common.ts";

export interface PressureDropOptions {
  /** Extra injection times to compare, s (default: half and double the base time, within the press's range). */
  injectionTimesS?: number[];
}

export const PRESSURE_ROLES = ["nozzle", "runner", "gate", "cavity"] as const;
const ROLE_LABEL: Record<(typeof PRESSURE_ROLES)[number], string> = {
  nozzle: "machine nozzle",
  runner: "sprue + runners",
  gate: "gate",
  cavity: "cavity",
};

function breakdown(twin: Twin, settings: ProcessSettings) {
  const r = simulateShot(twin, settings);
  const available = availablePressureMPa(twin);
  const peak = r.fill.peakInjectionPressureMPa;
  let cumulative = 0;
  const segments = PRESSURE_ROLES.map((role) => {
    const dp = r.fill.pressureDropMPa[role];
    cumulative += dp;
    return {
      role,
      label: ROLE_LABEL[role],
      pressureDropMPa: round(dp, 5),
      sharePct: fixed((100 * dp) / peak, 2),
      cumulativeMPa: round(cumulative, 5),
    };
  });
  const headroomPct = 100 * (1 - peak / available);
  return {
    injectionTimeS: round(settings.injectionTimeS ?? r.fill.fillTimeS, 5),
    fillTimeS: round(r.fill.fillTimeS, 5),
    peakInjectionPressureMPa: round(peak, 5),
    hydraulicPressureMPa: round(r.fill.hydraulicPressureMPa, 5),
    sumOfDropsMPa: round(cumulative, 5),
    availablePressureMPa: round(available, 5),
    headroomPct: fixed(headroomPct, 2),
    verdict: peak > available ? ("pressure-limited" as const) : ("not pressure-limited" as const),
    largestLoss: segments.reduce((a, b) => (b.pressureDropMPa > a.pressureDropMPa ? b : a)).role,
    segments,
  };
}

export function pressureDropStudy(twin: Twin, base: ProcessSettings, options: PressureDropOptions = {}) {
  const pressMin = minimumFillTimeS(twin, base);
  const atBase = breakdown(twin, base);
  const baseTime = base.injectionTimeS ?? atBase.fillTimeS;
  const times = options.injectionTimesS ?? [baseTime / 2, baseTime * 2].filter((t) => t >= pressMin && t <= 60);
  checkList("options.injectionTimesS", times, { min: pressMin * (1 - 1e-9), max: 60, unit: "s" });
  const comparison = [...new Set([baseTime, ...times])]
    .sort((a, b) => a - b)
    .map((t) => (t === baseTime ? atBase : breakdown(twin, withInjectionTime(base, t))));
  return assertFinite({
    study: "pressure-drop" as const,
    source:
      "pressure-drop study (aprios; molding.md §1.4); drops from the generalized Hele-Shaw fill march (§2.3–2.4); limit = max injection pressure × usable fraction (§2.6)",
    machine: {
      id: twin.machine.id,
      maxInjectionPressureMPa: twin.machine.maxInjectionPressureMPa,
      usablePressureFraction: twin.machine.usablePressureFraction,
      availablePressureMPa: round(availablePressureMPa(twin), 5),
      intensificationRatio: twin.machine.intensificationRatio,
    },
    atSettings: atBase,
    acrossInjectionTimes: comparison,
    recommendation: {
      verdict: atBase.verdict,
      text:
        atBase.verdict === "pressure-limited"
          ? `pressure-limited: the fill needs ${fixed(atBase.peakInjectionPressureMPa, 1)} MPa of ${fixed(atBase.availablePressureMPa, 1)} MPa available (headroom ${atBase.headroomPct} %); the largest loss is the ${ROLE_LABEL[atBase.largestLoss]}`
          : `not pressure-limited: peak ${fixed(atBase.peakInjectionPressureMPa, 1)} MPa of ${fixed(atBase.availablePressureMPa, 1)} MPa available (headroom ${atBase.headroomPct} %); the largest loss is the ${ROLE_LABEL[atBase.largestLoss]}`,
    },
  });
}

export type PressureDropResult = ReturnType<typeof pressureDropStudy>;
