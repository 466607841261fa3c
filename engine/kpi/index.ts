import { type PressEvent, PressEventLog } from "../../twin-models/schemas/kpi.ts";
import { parse } from "../../twin-models/validate.ts";

/**
 * The KPI engine: `computeKpis(events, options) → KpiReport` over a press event log (ISO 22400-2, Nakajima OEE,
 * SEMI E10, energy base-load line, SPC). Edges (CLI, HTTP, OPC UA) validate raw input with `parsePressEvents`.
 */
export { KPI_DEFINITIONS } from "./definitions.ts";
export { type EnergyFit, type EnergyPoint, fitEnergyLine, lineEnergyKWh } from "./energyLine.ts";
export {
  computeKpis,
  DEFAULT_SUBGROUP_SIZE,
  type EnergyLineReport,
  type FleetKpis,
  type KpiBlock,
  type KpiCounts,
  type KpiReport,
  type PressKpis,
  pressKpis,
} from "./kpi.ts";
export { RULE_IDS, type RuleId, type RuleViolation, ruleViolations } from "./rules.ts";
export { type Capability, CONTROL_CONSTANTS, capabilityIndices, type SpcResult, spcAnalysis } from "./spc.ts";
export type { Iso22400, Nakajima, SemiE10 } from "./standards.ts";
export { isoOf, parseTimestampMs } from "./time.ts";
export { BUCKETS, type Bucket } from "./totals.ts";

/** Raw input (JSON body, CSV-built objects) → press events with defaults, or TWIN_ERR_VALIDATION naming the field. */
export function parsePressEvents(value: unknown, root = "events"): PressEvent[] {
  return parse(PressEventLog, value, root);
}
