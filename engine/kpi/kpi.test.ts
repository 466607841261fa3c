import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import { checkEvents, failureEvents, groupByPress } from "./events.ts";
import { computeKpis, parsePressEvents } from "./index.ts";
import { parseTimestampMs } from "./time.ts";

const H = 3600;

/** One row; counts and energy default to 0 like the schema's defaults. */
function ev(start: string, hours: number, state: PressEvent["state"], extra: Partial<PressEvent> = {}): PressEvent {
  return {
    press: "P1",
    start,
    durationS: hours * H,
    state,
    parts: 0,
    good: 0,
    scrap: 0,
    rework: 0,
    energyKWh: 0,
    ...extra,
  };
}

const prod = (parts: number, good: number, scrap: number, rework: number, energyKWh: number): Partial<PressEvent> => ({
  parts,
  good,
  scrap,
  rework,
  energyKWh,
  plannedUnitS: 12,
  partMassG: 50,
});

/**
 * One press, one day 2026-01-05 06:00 → 2026-01-06 06:00 (24 h), every state, one gap (05:00–05:30 unrecorded).
 * Energy lies exactly on the line P = 6 kW + 1.6 kWh/kg × ṁ for production and idle-on rows.
 */
const DAY: PressEvent[] = [
  ev("2026-01-05T06:00:00Z", 2, "non-scheduled"),
  ev("2026-01-05T08:00:00Z", 1, "setup", { energyKWh: 10 }),
  // 1000 parts × 50 g = 50 kg in 4 h = 12.5 kg/h → 6 + 1.6 × 12.5 = 26 kW × 4 h = 104 kWh
  ev("2026-01-05T09:00:00Z", 4, "production", prod(1000, 960, 30, 10, 104)),
  ev("2026-01-05T13:00:00Z", 0.5, "minor-stop", { energyKWh: 3 }),
  ev("2026-01-05T13:30:00Z", 2, "breakdown", { event: "E1", energyKWh: 4 }),
  ev("2026-01-05T15:30:00Z", 1.5, "waiting-parts", { event: "E1", energyKWh: 3 }),
  // 55 kg / 4 h = 13.75 kg/h → 28 kW → 112 kWh
  ev("2026-01-05T17:00:00Z", 4, "production", prod(1100, 1080, 20, 0, 112)),
  ev("2026-01-05T21:00:00Z", 1, "planned-maintenance"),
  ev("2026-01-05T22:00:00Z", 1, "no-order", { energyKWh: 6 }),
  ev("2026-01-05T23:00:00Z", 0.5, "customer-caused", { energyKWh: 3 }),
  ev("2026-01-05T23:30:00Z", 1, "engineering", { energyKWh: 8 }),
  ev("2026-01-06T00:30:00Z", 0.5, "breakdown"),
  // 57.5 kg / 4 h = 14.375 kg/h → 29 kW → 116 kWh
  ev("2026-01-06T01:00:00Z", 4, "production", prod(1150, 1140, 5, 5, 116)),
  ev("2026-01-06T05:30:00Z", 0.5, "minor-stop", { energyKWh: 3 }),
];

describe("computeKpis: one press, one day, every number by hand", () => {
  const r = computeKpis(DAY);
  const p = r.presses[0]!;

  it("time buckets reconcile to the 24 h window to the millisecond, the gap is unrecorded", () => {
    expect(r.presses).toHaveLength(1);
    expect(p.press).toBe("P1");
    expect(p.window).toEqual({ from: "2026-01-05T06:00:00.000Z", to: "2026-01-06T06:00:00.000Z", calendarH: 24 });
    // production 4+4+4; minor 0.5+0.5; breakdown 2+0.5; gap 05:00–05:30
    expect(p.bucketsH).toEqual({
      production: 12,
      setup: 1,
      "minor-stop": 1,
      breakdown: 2.5,
      "waiting-parts": 1.5,
      "planned-maintenance": 1,
      "no-order": 1,
      "customer-caused": 0.5,
      engineering: 1,
      "non-scheduled": 2,
      unrecorded: 0.5,
    });
    expect(p.reconciliation).toEqual({ calendarMs: 86_400_000, bucketSumMs: 86_400_000, differenceMs: 0 });
    expect(p.notes.join(" ")).toContain("0.5 h of the window are unrecorded");
  });

  it("counts: PQ 3250, GQ 3180, SQ 55, RQ 15, 162.5 kg, FE 2 (E1 = breakdown + waiting-parts; the id-less breakdown)", () => {
    expect(p.counts).toEqual({
      rows: 14,
      producedParts: 3250, // 1000 + 1100 + 1150
      goodParts: 3180, // 960 + 1080 + 1140
      scrapParts: 55, // 30 + 20 + 5
      reworkParts: 15, // 10 + 0 + 5
      producedMassKg: 162.5, // 3250 × 50 g
      goodMassKg: 159, // 3180 × 50 g
      failureEvents: 2,
      assists: 2,
    });
  });

  it("ISO 22400-2 time elements and KPIs", () => {
    const iso = p.iso22400;
    // POT = 24 − 2 (NST) = 22; PDT = PM 1 + engineering 1 = 2; PBT = 20; APT = 12; ASUT = 1; AUPT = 13;
    // ADET = minor 1 + breakdown 2.5 + waiting 1.5 = 5; ADOT = no-order 1 + customer 0.5 = 1.5; AUBT = 12 + 1 + 5 = 18
    // PBT = AUBT + ADOT + unrecorded = 18 + 1.5 + 0.5 = 20 ✓
    expect(iso.timesH).toEqual({
      POT: 22,
      PDT: 2,
      PBT: 20,
      APT: 12,
      ASUT: 1,
      AUPT: 13,
      ADET: 5,
      ADOT: 1.5,
      AUBT: 18,
      unrecorded: 0.5,
    });
    expect(iso.availability).toBeCloseTo(12 / 20, 14); // 0.6
    expect(iso.effectiveness).toBeCloseTo((12 * 3250) / (12 * H), 14); // 39000 s / 43200 s = 0.902778
    expect(iso.qualityRatio).toBeCloseTo(3180 / 3250, 14); // 0.978462
    expect(iso.oee).toBeCloseTo(0.53, 14); // = PRU·GQ/PBT = 12 × 3180 / 72000 = 0.53
    expect(iso.nee).toBeCloseTo(((13 / 20) * (12 * 3180)) / (12 * H), 14); // 0.65 × 0.883333 = 0.574167
    expect(iso.technicalEfficiency).toBeCloseTo(12 / 17, 14);
    expect(iso.setupRate).toBeCloseTo(1 / 13, 14);
    expect(iso.utilisationEfficiency).toBeCloseTo(12 / 18, 14);
    expect(iso.allocationEfficiency).toBeCloseTo(18 / 20, 14);
    expect(iso.scrapRatio).toBeCloseTo(55 / 3250, 14);
    expect(iso.reworkRatio).toBeCloseTo(15 / 3250, 14);
    expect(iso.mtbfH).toBe(6); // APT 12 h / FE 2
    expect(iso.mttrH).toBe(2); // (E1: 2 + 1.5 h; E2: 0.5 h) / 2
    // energy 10 + 104 + 3 + 4 + 3 + 112 + 6 + 3 + 8 + 116 + 3 = 372 kWh
    expect(p.energy.totalKWh).toBe(372);
    expect(iso.comprehensiveEnergyKWhPerPart).toBeCloseTo(372 / 3250, 14);
    expect(iso.energyKWhPerKg).toBeCloseTo(372 / 162.5, 14);
  });

  it("Nakajima: loading 19 h, the six big losses (+ external stops) close the waterfall", () => {
    const n = p.nakajima;
    // loading = 24 − NST 2 − PM 1 − engineering 1 − no-order 1 = 19
    // operating = 19 − breakdowns (2.5 + 1.5) − external (customer 0.5 + unrecorded 0.5) − setup 1 = 13 = 12 + 1
    // net = ideal time of 3250 parts × 12 s = 39000 s = 10.8333 h; reduced speed = 12 − 10.8333 = 1.1667 h
    // scrap 55 × 12 s = 0.18333 h; rework 15 × 12 s = 0.05 h; valuable = 3180 × 12 s = 10.6 h
    expect(n.timesH.loading).toBe(19);
    expect(n.timesH.operating).toBe(13);
    expect(n.timesH.netOperating).toBeCloseTo(39000 / H, 12);
    expect(n.timesH.valuableOperating).toBeCloseTo(10.6, 12);
    expect(n.lossesH.breakdowns).toBe(4);
    expect(n.lossesH.externalStops).toBe(1);
    expect(n.lossesH.setupAdjustment).toBe(1);
    expect(n.lossesH.minorStops).toBe(1);
    expect(n.lossesH.reducedSpeed).toBeCloseTo(12 - 39000 / H, 12);
    expect(n.lossesH.scrap).toBeCloseTo(660 / H, 12);
    expect(n.lossesH.reworkStartup).toBeCloseTo(180 / H, 12);
    const l = n.lossesH;
    const lost =
      l.breakdowns + l.externalStops + l.setupAdjustment + l.minorStops + l.reducedSpeed! + l.scrap! + l.reworkStartup!;
    expect(n.timesH.loading - lost).toBeCloseTo(n.timesH.valuableOperating!, 12);
    expect(n.availability).toBeCloseTo(13 / 19, 14);
    expect(n.performance).toBeCloseTo(39000 / (13 * H), 14); // 0.8333
    expect(n.quality).toBeCloseTo(3180 / 3250, 14);
    expect(n.oee).toBeCloseTo(10.6 / 19, 14); // 0.557895
  });

  it("SEMI E10: six states, uptimes, supplier-dependent uptime, MTBF_p / MTTR / MTBA", () => {
    const e = p.semiE10;
    // PRD 12; SBY no-order 1; ENG 1; SDT setup 1 + PM 1 = 2; UDT minor 1 + breakdown 2.5 + waiting 1.5
    // + customer 0.5 + unrecorded 0.5 = 6; NST 2 → 24 ✓
    expect(e.statesH).toEqual({ PRD: 12, SBY: 1, ENG: 1, SDT: 2, UDT: 6, NST: 2 });
    expect(e.udtH).toEqual({ user: 0.5, supplier: 5.5, maintenanceDelay: 1.5 });
    expect(e.operationsTimeH).toBe(22);
    expect(e.uptimeH).toBe(14); // 12 + 1 + 1
    expect(e.totalUptime).toBeCloseTo(14 / 24, 14);
    expect(e.operationalUptime).toBeCloseTo(14 / 22, 14);
    expect(e.equipmentDependentUptime).toBeCloseTo(14 / (22 - 0.5 - 1.5), 14); // 0.7
    // (PRD + ENG) / (OT − customer − no-order) = 13 / (22 − 0.5 − 1) = 13 / 20.5 = (12 + 1) / (13 + SDT 2 + 5.5)
    expect(e.supplierDependentUptime).toBeCloseTo(13 / 20.5, 14);
    expect(e.totalUtilisation).toBeCloseTo(0.5, 14);
    expect(e.operationalUtilisation).toBeCloseTo(12 / 22, 14);
    expect(e.mtbfPH).toBe(6); // 12 h / 2
    expect(e.mttrH).toBe(1.25); // active repair (2 + 0.5) / 2; waiting for parts is maintenance delay
    expect(e.mtbaPH).toBe(6); // 12 h / 2 minor stops
    expect(e.inherentAvailability).toBeCloseTo(6 / 7.25, 14);
  });

  it("the fleet of one press equals the press; no NaN anywhere", () => {
    expect(r.fleet.presses).toEqual(["P1"]);
    expect(r.fleet.iso22400).toEqual(p.iso22400);
    expect(r.fleet.semiE10).toEqual(p.semiE10);
    expect(r.fleet.energy.line).toBeNull();
    expect(r.fleet.spc).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(Object.keys(r.definitions)).toEqual(
      expect.arrayContaining(["iso22400.availability", "semiE10.supplierDependentUptime", "nakajima", "energy.line"]),
    );
  });
});

describe("computeKpis: special cases", () => {
  it("effectiveness above 100 % is not clamped; reduced speed goes negative with a note", () => {
    // 400 parts × PRU 10 s = 4000 s planned in 3600 s of production: 1.1111
    const r = computeKpis([ev("2026-01-05T06:00:00Z", 1, "production", { parts: 400, good: 400, plannedUnitS: 10 })]);
    const p = r.presses[0]!;
    expect(p.iso22400.effectiveness).toBeCloseTo(4000 / 3600, 14);
    expect(p.iso22400.oee).toBeCloseTo(4000 / 3600, 14);
    expect(p.nakajima.performance).toBeCloseTo(4000 / 3600, 14);
    expect(p.nakajima.lossesH.reducedSpeed).toBeCloseTo(1 - 4000 / 3600, 14);
    expect(p.notes.join(" ")).toContain("reduced-speed loss is negative");
  });

  it("zero denominators give null with a note, never NaN", () => {
    const r = computeKpis([ev("2026-01-05T06:00:00Z", 8, "non-scheduled")]);
    const p = r.presses[0]!;
    // POT = PBT = 0, PQ = 0, FE = 0, operations time = 0
    expect(p.iso22400.availability).toBeNull();
    expect(p.iso22400.qualityRatio).toBeNull();
    expect(p.iso22400.oee).toBeNull();
    expect(p.iso22400.effectiveness).toBeNull(); // APT = 0
    expect(p.iso22400.mtbfH).toBeNull();
    expect(p.iso22400.comprehensiveEnergyKWhPerPart).toBeNull();
    expect(p.nakajima.availability).toBeNull();
    expect(p.semiE10.totalUptime).toBe(0); // 0 / 8 h is defined
    expect(p.semiE10.operationalUptime).toBeNull();
    expect(p.semiE10.supplierDependentUptime).toBeNull();
    expect(p.notes).toEqual(
      expect.arrayContaining([
        "ISO 22400 availability APT/PBT is null: PBT = 0",
        "ISO 22400 quality ratio GQ/PQ is null: PQ = 0",
      ]),
    );
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it("rows with parts but no plannedUnitS: effectiveness and the speed/quality losses are null, named row", () => {
    const r = computeKpis([ev("2026-01-05T06:00:00Z", 1, "production", { parts: 10, good: 10, row: 2 })]);
    const p = r.presses[0]!;
    expect(p.iso22400.effectiveness).toBeNull();
    expect(p.iso22400.availability).toBe(1);
    expect(p.iso22400.qualityRatio).toBe(1);
    expect(p.nakajima.lossesH.reducedSpeed).toBeNull();
    expect(p.counts.producedMassKg).toBeNull();
    expect(p.notes.join(" ")).toContain("first: row 2");
  });

  it("a window with a gap and rows clipped at both edges: pro-rata counts, exact reconciliation", () => {
    const events: PressEvent[] = [
      // 05:00–07:00, half inside [06:00, 12:00): 50 parts, 45 good, 5 scrap, 10 kWh
      ev("2026-01-05T05:00:00Z", 2, "production", { parts: 100, good: 90, scrap: 10, energyKWh: 20, plannedUnitS: 60 }),
      ev("2026-01-05T07:00:00Z", 1, "setup"),
      // gap 08:00–09:30
      ev("2026-01-05T09:30:00Z", 1.5, "production", { parts: 90, good: 90, energyKWh: 15, plannedUnitS: 60 }),
      // 11:00–13:00 breakdown, 1 h inside
      ev("2026-01-05T11:00:00Z", 2, "breakdown"),
      // another press entirely outside the window: all unrecorded
      { ...ev("2026-01-04T00:00:00Z", 3, "production"), press: "P2" },
    ];
    const r = computeKpis(events, { from: "2026-01-05T06:00:00Z", to: "2026-01-05T12:00:00Z" });
    const p = r.presses.find((x) => x.press === "P1")!;
    expect(p.bucketsH.production).toBe(2.5); // 1 + 1.5
    expect(p.bucketsH.setup).toBe(1);
    expect(p.bucketsH.unrecorded).toBe(1.5);
    expect(p.bucketsH.breakdown).toBe(1);
    expect(p.reconciliation).toEqual({ calendarMs: 6 * 3_600_000, bucketSumMs: 6 * 3_600_000, differenceMs: 0 });
    expect(p.counts).toMatchObject({ producedParts: 140, goodParts: 135, scrapParts: 5, failureEvents: 1 });
    expect(p.energy.totalKWh).toBe(25);
    expect(p.iso22400.mttrH).toBe(1); // clipped restoration time
    expect(p.iso22400.mtbfH).toBe(2.5);
    const p2 = r.presses.find((x) => x.press === "P2")!;
    expect(p2.bucketsH.unrecorded).toBe(6);
    expect(p2.notes[0]).toContain("no rows in the window");
    // fleet = sums of buckets: 12 press-hours
    expect(r.fleet.window.calendarH).toBe(12);
    expect(r.fleet.bucketsH.unrecorded).toBe(7.5);
    expect(r.fleet.reconciliation.differenceMs).toBe(0);
  });

  it("reconciles to the millisecond with odd instants, fractional seconds and offsets", () => {
    const r = computeKpis([
      ev("2026-01-05T06:00:00.123Z", 0, "production", { durationS: 1000.001 }), // → 06:16:40.124
      ev("2026-01-05T06:16:40.124Z", 0, "setup", { durationS: 0.999 }), // → 06:16:41.123
      ev("2026-01-05T07:00:00+01:00", 0, "breakdown", { durationS: 0.1 }), // 06:00:00.000 → .100, sorts first
    ]);
    const p = r.presses[0]!;
    // window 06:00:00.000 → 06:16:41.123 = 1,001,123 ms = breakdown 100 + gap 23 + production 1,000,001 + setup 999
    expect(p.window.from).toBe("2026-01-05T06:00:00.000Z");
    expect(p.reconciliation).toEqual({ calendarMs: 1_001_123, bucketSumMs: 1_001_123, differenceMs: 0 });
    expect(p.bucketsH.unrecorded * 3_600_000).toBeCloseTo(23, 9);
    expect(p.bucketsH.production * 3_600_000).toBeCloseTo(1_000_001, 6);
  });

  it("fleet KPIs are ratios of summed buckets, not means of the presses' ratios", () => {
    const r = computeKpis([
      // P1: APT 1 h, PBT 2 h → 0.5;  P2: APT 9 h, PBT 10 h → 0.9;  fleet 10 / 12, not (0.5 + 0.9) / 2
      ev("2026-01-05T00:00:00Z", 1, "production"),
      ev("2026-01-05T01:00:00Z", 1, "breakdown"),
      { ...ev("2026-01-05T00:00:00Z", 9, "production"), press: "P2" },
      { ...ev("2026-01-05T09:00:00Z", 1, "minor-stop"), press: "P2" },
    ]);
    expect(r.presses.map((p) => p.iso22400.availability)).toEqual([0.5, 0.9]);
    expect(r.fleet.iso22400.availability).toBeCloseTo(10 / 12, 14);
    expect(r.fleet.iso22400.mtbfH).toBe(10); // 10 h APT / 1 failure event (minor stops are not failures)
    expect(r.fleet.counts.assists).toBe(1);
    expect(r.fleet.window).toEqual({ from: "2026-01-05T00:00:00.000Z", to: "2026-01-05T10:00:00.000Z", calendarH: 12 });
    const only = computeKpis(
      [ev("2026-01-05T00:00:00Z", 1, "production"), { ...ev("2026-01-05T00:00:00Z", 9, "production"), press: "P2" }],
      { presses: ["P2"] },
    );
    expect(only.presses.map((p) => p.press)).toEqual(["P2"]);
    expect(errorOf(() => computeKpis(DAY, { presses: ["X9"] })).code).toBe("TWIN_ERR_UNKNOWN_ID");
  });
});

describe("failure events (ISO 22400-2 FE)", () => {
  const count = (events: PressEvent[]): number => failureEvents(groupByPress(checkEvents(events)).get("P1")!).length;
  it("with ids: one id = one event even across a gap; a new id starts a new event", () => {
    expect(
      count([
        ev("2026-01-05T00:00:00Z", 1, "breakdown", { event: "E1" }),
        ev("2026-01-05T02:00:00Z", 1, "waiting-parts", { event: "E1" }), // gap 01:00–02:00, same id
        ev("2026-01-05T03:00:00Z", 1, "breakdown", { event: "E2" }),
      ]),
    ).toBe(2);
    // the same id after another row is a new event (not consecutive)
    expect(
      count([
        ev("2026-01-05T00:00:00Z", 1, "breakdown", { event: "E1" }),
        ev("2026-01-05T01:00:00Z", 1, "production"),
        ev("2026-01-05T02:00:00Z", 1, "breakdown", { event: "E1" }),
      ]),
    ).toBe(2);
  });
  it("without ids: a contiguous run is one event; a gap or another row ends it", () => {
    expect(
      count([
        ev("2026-01-05T00:00:00Z", 1, "breakdown"),
        ev("2026-01-05T01:00:00Z", 1, "breakdown"),
        ev("2026-01-05T02:00:00Z", 1, "waiting-parts"),
      ]),
    ).toBe(1);
    expect(count([ev("2026-01-05T00:00:00Z", 1, "breakdown"), ev("2026-01-05T01:30:00Z", 1, "breakdown")])).toBe(2);
  });
});

describe("bad logs are TWIN_ERR_VALIDATION naming rows and columns", () => {
  it("overlapping rows of one press name both rows", () => {
    const e = errorOf(() =>
      computeKpis([
        ev("2026-01-05T06:00:00Z", 2, "production", { row: 2 }),
        ev("2026-01-05T07:00:00Z", 1, "setup", { row: 3 }),
        { ...ev("2026-01-05T07:00:00Z", 1, "setup", { row: 4 }), press: "P2" }, // other press: fine
      ]),
    );
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.message).toContain("row 3 overlaps row 2 (press P1)");
    expect(e.details).toHaveLength(1);
    expect(e.details[0]!.field).toBe("row 3 column start");
    expect(e.details[0]!.allowed).toContain("the end of row 2");
  });

  it("good + scrap + rework ≠ parts names the row and the columns; every bad cell is collected", () => {
    const e = errorOf(() =>
      computeKpis([
        ev("2026-01-05T06:00:00Z", 1, "production", { parts: 10, good: 8, scrap: 1, row: 2 }),
        ev("2026-02-30T06:00:00Z", 1, "production", { row: 3 }),
        { ...ev("2026-01-05T08:00:00Z", 1, "production", { row: 4 }), state: "running" as never },
        ev("2026-01-05T09:00:00Z", 0, "setup", { durationS: 0, energyKWh: -1 }),
      ]),
    );
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual([
      "row 2 columns good, scrap, rework, parts",
      "row 3 column start",
      "row 4 column state",
      "events[3].durationS",
      "events[3].energyKWh",
    ]);
    expect(e.details[0]!.value).toBe("8 + 1 + 0 = 9, parts = 10");
  });

  it("bad options name the option", () => {
    expect(
      errorOf(() => computeKpis(DAY, { from: "2026-01-06T00:00:00Z", to: "2026-01-05T00:00:00Z" })).details[0],
    ).toMatchObject({ field: "to" });
    expect(errorOf(() => computeKpis(DAY, { from: "yesterday" })).details[0]).toMatchObject({ field: "from" });
    expect(errorOf(() => computeKpis(DAY, { spec: { lsl: 5, usl: 4 } })).details[0]).toMatchObject({
      field: "spec.usl",
    });
    expect(errorOf(() => computeKpis(DAY, { spec: { subgroupSize: 11 } })).details[0]).toMatchObject({
      field: "spec.subgroupSize",
    });
    expect(errorOf(() => computeKpis([])).code).toBe("TWIN_ERR_VALIDATION");
  });

  it("timestamps: real calendar instants only; parsePressEvents applies the schema's defaults", () => {
    expect(parseTimestampMs("2026-01-05T06:00:00Z")).toBe(Date.UTC(2026, 0, 5, 6));
    expect(parseTimestampMs("2026-01-05T07:00+01:00")).toBe(Date.UTC(2026, 0, 5, 6));
    expect(parseTimestampMs("2026-01-05T06:00:00.5Z")).toBe(Date.UTC(2026, 0, 5, 6, 0, 0, 500));
    for (const bad of ["2026-02-29T00:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05 06:00:00Z", "2026-01-05T06:00:00"]) {
      expect(parseTimestampMs(bad), bad).toBeUndefined();
    }
    const [e] = parsePressEvents([{ press: "P1", start: "2026-01-05T06:00:00Z", durationS: 60, state: "setup" }]);
    expect(e).toMatchObject({ parts: 0, good: 0, scrap: 0, rework: 0, energyKWh: 0 });
    const bad = errorOf(() => parsePressEvents([{ press: "P1", start: "now", durationS: -1, state: "idle" }]));
    expect(bad.code).toBe("TWIN_ERR_VALIDATION");
    expect(bad.details.map((d) => d.field)).toEqual(
      expect.arrayContaining(["events[0].start", "events[0].durationS", "events[0].state"]),
    );
  });
});
