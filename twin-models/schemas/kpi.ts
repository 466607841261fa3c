import { type Static, Type } from "@sinclair/typebox";
import { Num, Positive } from "./common.ts";

/**
 * The press event log of the KPI engine (engine/kpi/): one row per state interval of one press, as an MES or a
 * EUROMAP 77 history exports it. The same rows feed `moldtwin kpi` and (later) the shadow-pilot command, the HTTP
 * and the OPC UA edges; the CSV reading lives in adapters/cli/commands/kpi.ts.
 *
 * Cross-field rules a schema cannot express are checked by the engine (engine/kpi/events.ts): good + scrap +
 * rework = parts, rows of one press must not overlap, the timestamp must be a real calendar instant.
 */

/** Press states of the log; engine/kpi/standards.ts maps each to ISO 22400-2, Nakajima and SEMI E10. */
export const PRESS_STATES = [
  "production",
  "setup",
  "minor-stop",
  "breakdown",
  "waiting-parts",
  "planned-maintenance",
  "no-order",
  "customer-caused",
  "engineering",
  "non-scheduled",
] as const;
export type PressState = (typeof PRESS_STATES)[number];

export const PressStateSchema = Type.Union(
  PRESS_STATES.map((s) => Type.Literal(s)),
  { description: "state of the press during the interval" },
);

/**
 * ISO 8601 instant with a date, hours and minutes, optional seconds and milliseconds, and `Z` (UTC) or an explicit
 * offset: 2026-01-05T06:00:00Z, 2026-01-05T07:00:00.250+01:00. The engine resolves time to the millisecond.
 */
export const ISO_TIMESTAMP_PATTERN =
  "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$";

export const IsoTimestamp = (description: string) =>
  Type.String({
    pattern: ISO_TIMESTAMP_PATTERN,
    description: `ISO 8601 timestamp, UTC (Z) or with an offset, e.g. 2026-01-05T06:00:00Z: ${description}`,
  });

/**
 * Counts of one interval. The bounds on counts and on the per-part values below are far beyond any press (10⁹ parts,
 * a part planned for a year); past them, PRU × PQ or energy sums overflow to Infinity and the KPI run is refused.
 */
const Count = (description: string) => Type.Integer({ unit: "1", minimum: 0, maximum: 1e9, default: 0, description });

/** One state interval of one press. */
export const PressEvent = Type.Object(
  {
    press: Type.String({ minLength: 1, maxLength: 64, description: "press (work unit) id" }),
    start: IsoTimestamp("start of the interval"),
    durationS: Num({
      unit: "s",
      minimum: 0.001,
      maximum: 31_622_400,
      description: "length of the interval (> 0; resolved to the millisecond, at most 366 days)",
    }),
    state: PressStateSchema,
    parts: Count("produced quantity PQ in the interval (ISO 22400-2)"),
    good: Count("good quantity GQ"),
    scrap: Count("scrap quantity SQ"),
    rework: Count("rework quantity RQ; good + scrap + rework = parts"),
    energyKWh: Num({
      unit: "kWh",
      minimum: 0,
      maximum: 1e9,
      default: 0,
      description: "energy drawn by the press in the interval",
    }),
    plannedUnitS: Type.Optional(
      Positive("s", "planned runtime per unit PRU (ISO 22400-2; the ideal cycle per part for Nakajima)", 31_622_400),
    ),
    partMassG: Type.Optional(Positive("g", "mass of one part (kg throughput, kWh/kg, the energy base-load line)", 1e9)),
    measurement: Type.Optional(
      Type.Number({
        minimum: -1e9,
        maximum: 1e9,
        description: "one sampled quality characteristic (e.g. a part mass or a dimension) for SPC",
      }),
    ),
    event: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "failure event id: consecutive breakdown + waiting-parts rows with one id are one failure",
      }),
    ),
    row: Type.Optional(
      Type.Integer({ unit: "1", minimum: 1, description: "line of the source file, used only to name rows in errors" }),
    ),
  },
  { additionalProperties: false },
);
export type PressEvent = Static<typeof PressEvent>;

export const PressEventLog = Type.Array(PressEvent, { minItems: 1, description: "press event log" });

/** Options of a KPI run (HTTP body / CLI options). */
export const KpiOptions = Type.Object(
  {
    from: Type.Optional(IsoTimestamp("window start (default: first start per press)")),
    to: Type.Optional(IsoTimestamp("window end (default: last end per press)")),
    presses: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, description: "only these presses" }),
    ),
    spec: Type.Optional(
      Type.Object(
        {
          lsl: Type.Optional(Type.Number({ description: "lower specification limit of `measurement`" })),
          usl: Type.Optional(Type.Number({ description: "upper specification limit of `measurement`" })),
          subgroupSize: Type.Optional(
            Type.Integer({ unit: "1", minimum: 2, maximum: 10, description: "X̄-R subgroup size n (default 5)" }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type KpiOptions = Static<typeof KpiOptions>;
