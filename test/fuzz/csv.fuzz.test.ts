import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readCycleCsv } from "../../adapters/cli/commands/calibrate.ts";
import { readDemandCsv } from "../../adapters/cli/commands/demandForecast.ts";
import { fitLifeJson } from "../../adapters/cli/commands/fitLife.ts";
import { kpiOptionsFromCli, kpisForCli, readPressEventsCsv } from "../../adapters/cli/commands/kpi.ts";
import { readAltCsv } from "../../adapters/cli/commands/life/alt.ts";
import { readGrowthCsv } from "../../adapters/cli/commands/life/growth.ts";
import { readMcfCsv } from "../../adapters/cli/commands/life/mcf.ts";
import { parseCsvTable } from "../../adapters/cli/csvTable.ts";
import { loadPlantRef } from "../../adapters/plantFile.ts";
import { calibrate } from "../../engine/calibrate/calibrate.ts";
import { MoldtwinError } from "../../engine/errors.ts";
import { fitBest, fitDistribution } from "../../engine/reliability/fit.ts";
import { crowAmsaa } from "../../engine/reliability/growth.ts";
import { kaplanMeier } from "../../engine/reliability/kaplanMeier.ts";
import { parseLifeCsv } from "../../engine/reliability/lifeData.ts";
import { fitWeibullLifeStress } from "../../engine/reliability/lifeStress.ts";
import { mcfNonparametric } from "../../engine/reliability/mcf.ts";
import { classifyDemand, forecastIntermittent, rollingOriginBacktest } from "../../engine/spares/intermittent.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { PRESS_STATES } from "../../twin-models/schemas/kpi.ts";
import { moldtwin } from "../runCli.ts";
import { expectCodedError, expectFinite, runs, Tally } from "./arbitraries.ts";

/**
 * Every CSV the CLI reads (issue 9, "bad input"): random bytes and random CSV-ish text — quotes, separators, a BOM,
 * CRLF and lone CR, blank and comment lines, missing and repeated columns, non-numeric cells, NaN/Infinity/1e999,
 * huge and negative numbers — through the command's own reader and then the engine the command runs. The outcome is
 * a success (engine output without NaN or ±Infinity) or a MoldtwinError with a known code naming what is wrong; a
 * reader's own error names the row and column (or the header, or the file). Two cases go through the real CLI to
 * check its exit code 2 and message.
 */

const tally = new Tally();
const dir = mkdtempSync(join(tmpdir(), "moldtwin-fuzz-csv-"));
afterAll(() => {
  if (process.env.FUZZ_STATS) console.log(`csv fuzz outcomes\n${tally}`);
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------
// Cells, rows, files

const number = fc.oneof(
  fc.double({ min: 1e-3, max: 1e5, noNaN: true }).map((x) => String(x)),
  fc.integer({ min: 0, max: 5000 }).map(String),
);
/** Cells no column wants: non-numbers, non-finite spellings, extremes, quoting, control and odd characters. */
const badCell = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-1e999",
    "1e-400",
    "1e308",
    "-1",
    "-0",
    "0",
    "0x1A",
    "1_000",
    "1.2.3",
    "1e",
    ".",
    '"1,5"',
    '"a ""quoted"" cell"',
    '"unterminated',
    '""',
    "\u0000",
    "\t",
    "😀",
    "\uD800",
    "=cmd|' /C calc'!A0",
    "x".repeat(10_000),
  ),
  fc.double().map(String),
  fc.string({ maxLength: 12 }),
);

/**
 * CSV text of a table (a header and rows of cells, as a good file would have them), then spoiled the ways real
 * exports are: a few cells replaced by bad ones (in half the files none), a column dropped from the header
 * (sometimes), extra and repeated columns, upper case, short and long rows, blank and comment lines, a BOM, and
 * LF / CRLF / lone CR line ends.
 */
function csvText(columns: string[], rows: fc.Arbitrary<string[][]>): fc.Arbitrary<string> {
  return fc
    .record({
      rows,
      spoil: fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.nat(), badCell), { minLength: 1, maxLength: 3 })),
      drop: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat() }),
      extra: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as string[]) },
        { weight: 1, arbitrary: fc.array(fc.constantFrom("extra", "note", columns[0]!, '"x"', ""), { maxLength: 2 }) },
      ),
      upper: fc.boolean(),
      ragged: fc.oneof(
        fc.constant([]),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -2, max: 2 })), { maxLength: 2 }),
      ),
      junk: fc.oneof(
        fc.constant([]),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("", "   ", "# a comment", "#", ",,,", '"', "\uFEFF")), {
          maxLength: 3,
        }),
      ),
      eol: fc.constantFrom("\n", "\n", "\n", "\r\n", "\r\n", "\r"),
      bom: fc.boolean(),
      comment: fc.boolean(),
    })
    .map((f) => {
      const keep = columns.map((_, k) => k).filter((k) => f.drop < 0 || k !== f.drop % columns.length);
      const header = [...keep.map((k) => columns[k]!), ...f.extra].map((c) => (f.upper ? c.toUpperCase() : c));
      const cells = f.rows.map((r) => [...keep.map((k) => r[k] ?? ""), ...f.extra.map(() => "")]);
      for (const [i, j, bad] of f.spoil) {
        const row = cells[i % Math.max(1, cells.length)];
        if (row && row.length > 0) row[j % row.length] = bad;
      }
      for (const [i, d] of f.ragged) {
        const row = cells[i % Math.max(1, cells.length)];
        if (!row) continue;
        if (d < 0) row.splice(d);
        else row.push(...Array.from({ length: d }, () => "z"));
      }
      const lines = cells.map((r) => r.join(","));
      for (const [i, j] of f.junk) lines.splice(i % (lines.length + 1), 0, j);
      const pre = f.comment ? ["# exported by the MES"] : [];
      return `${f.bom ? "\uFEFF" : ""}${[...pre, header.join(","), ...lines].join(f.eol)}`;
    });
}

/** Rows of independent cells, one arbitrary per column. */
const rowsOf = (cells: fc.Arbitrary<string>[], maxLength = 30): fc.Arbitrary<string[][]> =>
  fc.array(fc.tuple(...cells), { maxLength });

/** Random bytes read as UTF-8 (invalid sequences become U+FFFD), or as Latin-1, or just text. */
const randomText = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("utf8")),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.string({ unit: "binary", maxLength: 300 }),
);

/** A reader's own errors name the row and column, the header, or the file. */
const READER_FIELD = /^(row \d+ column \S|.+ row \d+ \(header\)$|.+ header|system "|f\.csv$)/;

/**
 * Runs a reader and then its engine; counts the outcome. The reader's errors must name rows/columns; the engine's
 * errors any field, as usual.
 */
function check<T>(property: string, text: string, read: () => T, engine: (data: T) => unknown): void {
  let data: T;
  try {
    data = read();
  } catch (e) {
    expectCodedError(e);
    expect(
      e.details.some((d) => READER_FIELD.test(d.field ?? "")),
      `${property}: ${e.message} ${JSON.stringify(e.details.slice(0, 2))}\n--- ${JSON.stringify(text.slice(0, 300))}`,
    ).toBe(true);
    tally.add(property, `reader ${e.code}`);
    return;
  }
  try {
    const out = engine(data);
    expectFinite(
      JSON.parse(JSON.stringify(out ?? null, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? `!${v}` : v))),
      property,
    );
    expect(JSON.stringify(out ?? null)).not.toMatch(/"!(NaN|-?Infinity)"/);
    tally.add(property, "ok");
  } catch (e) {
    expectCodedError(e);
    tally.add(property, `engine ${e.code}`);
  }
}

const ok = (p: string) => tally.get(p, "ok");

// ---------------------------------------------------------------------------------------------------------------

const F = "f.csv";
const status = fc.constantFrom("F", "S", "f", "s", "F", "F");
const T0 = Date.UTC(2026, 0, 5, 6);

/** Mostly tables of the kind, sometimes random text. */
const files = (table: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: randomText }, { weight: 6, arbitrary: table });

describe("CSV imports: a coded error naming row and column, or a result without NaN", () => {
  it("the CSV table itself (csvTable.ts): any text", () => {
    fc.assert(
      fc.property(files(csvText(["a", "b"], rowsOf([number, number]))), (text) => {
        check(
          "table",
          text,
          () => parseCsvTable(text, F, "test", ["a"]),
          (t) => t.rows.map((r) => [r.row, r.cell("a"), r.cell("b"), r.cell("zz")]),
        );
      }),
      runs(300),
    );
  });

  it("life data (fit-life, life km): fit and Kaplan–Meier", () => {
    const row = fc
      .tuple(
        number,
        status,
        fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.boolean() }),
      )
      .map(([t, st, censor]) => [t, st, censor ? (st === "S" || st === "s" ? "" : String(Number(t) / 2)) : ""]);
    fc.assert(
      fc.property(
        files(csvText(["time", "status", "time_left"], fc.array(row, { maxLength: 30 }))),
        fc.constantFrom("weibull2p", "weibull2p", "normal", "lognormal", "best"),
        (text, dist) => {
          const normal = dist === "normal" || dist === "best";
          check(
            "life",
            text,
            () => parseLifeCsv(text, F, { allowNonPositive: normal }),
            (data) => {
              const fit =
                dist === "best"
                  ? fitBest(data, { ci: 0.95, rankBy: "bic" }).ranking.map((e) => ({ ...e, error: undefined }))
                  : fitLifeJson(fitDistribution(data, dist, { ci: 0.95 }));
              const km =
                data.left.length + data.intervalLow.length === 0 && !normal
                  ? kaplanMeier(data.failures, data.right, 0.95)
                  : null;
              return { fit, km };
            },
          );
        },
      ),
      runs(300),
    );
    expect(ok("life")).toBeGreaterThan(10);
  });

  it("accelerated life data (life alt)", () => {
    const stress = fc.constantFrom("323.15", "343.15", "363.15", "400");
    fc.assert(
      fc.property(
        files(csvText(["time", "status", "stress"], rowsOf([number, status, stress]))),
        fc.constantFrom("arrhenius" as const, "eyring" as const, "power" as const),
        (text, model) => {
          check(
            "alt",
            text,
            () => readAltCsv(text, F),
            (data) => fitWeibullLifeStress(data, model, { ci: 0.95 }),
          );
        },
      ),
      runs(200),
    );
    expect(ok("alt")).toBeGreaterThan(5);
  });

  it("failure times (life growth)", () => {
    fc.assert(
      fc.property(files(csvText(["time"], rowsOf([number]))), (text) => {
        check(
          "growth",
          text,
          () => readGrowthCsv(text, F),
          (times) => crowAmsaa(times, {}),
        );
      }),
      runs(300),
    );
    expect(ok("growth")).toBeGreaterThan(10);
  });

  it("repairable systems (life mcf)", () => {
    // Each system: failures before its retirement row (as an MCF file must be), in any order of rows.
    const system = fc
      .tuple(
        fc.constantFrom("1", "2", "3", "A", "__proto__", "constructor"),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 5 }),
        fc.double({ min: 1000, max: 2000, noNaN: true }),
      )
      .map(([id, fails, end]) => [...fails.map((t) => [id, String(t), "F"]), [id, String(end), "R"]]);
    const rows = fc
      .uniqueArray(system, { maxLength: 4, selector: (x) => x[0]![0] })
      .chain((systems) => fc.shuffledSubarray(systems.flat(), { minLength: systems.flat().length }));
    fc.assert(
      fc.property(files(csvText(["system", "time", "event"], rows)), (text) => {
        check(
          "mcf",
          text,
          () => readMcfCsv(text, F),
          (systems) => mcfNonparametric(systems, 0.95),
        );
      }),
      runs(300),
    );
    expect(ok("mcf")).toBeGreaterThan(10);
  });

  it("demand series (demand-forecast)", () => {
    const demand = fc.oneof(fc.constantFrom("0", "0", "0", "1", "2", "5"), number);
    fc.assert(
      fc.property(files(csvText(["period", "demand"], rowsOf([number, demand]))), (text) => {
        check(
          "demand",
          text,
          () => readDemandCsv(text, F),
          (d) => {
            const out: Record<string, unknown> = {
              classification: classifyDemand(d),
              sba: forecastIntermittent(d, "sba", {}),
            };
            try {
              out.backtest = rollingOriginBacktest(d, "sba", { horizon: 1 });
            } catch (e) {
              // The command reports a series too short to backtest as a note, not a failure.
              if (!(e instanceof MoldtwinError && e.code === "FIT_ERR_INSUFFICIENT_DATA")) throw e;
            }
            return out;
          },
        );
      }),
      runs(300),
    );
    expect(ok("demand")).toBeGreaterThan(10);
  });

  it("press event logs (kpi, pilot)", () => {
    // Rows one after another (no overlaps) with counts that add up, as an MES exports them.
    const columns = [
      "press",
      "start",
      "durationS",
      "state",
      "parts",
      "good",
      "scrap",
      "rework",
      "energyKWh",
      "plannedUnitS",
      "partMassG",
      "measurement",
      "event",
    ];
    const row = fc
      .record({
        press: fc.constantFrom("a01", "a02", "b01"),
        minutes: fc.constantFrom(1, 10, 60, 600),
        state: fc.constantFrom(...PRESS_STATES, "Production", "PRODUCTION"),
        good: fc.integer({ min: 0, max: 500 }),
        scrap: fc.integer({ min: 0, max: 20 }),
        rework: fc.integer({ min: 0, max: 5 }),
        energy: fc.constantFrom("", "0", "1.5", "12"),
        unit: fc.constantFrom("", "6", "20"),
        mass: fc.constantFrom("", "2.6"),
        measurement: fc.oneof(fc.constant(""), fc.double({ min: 11.9, max: 12.1, noNaN: true }).map(String)),
        event: fc.constantFrom("", "e1", "e2"),
      })
      .map((r) => ({ ...r, production: r.state.toLowerCase() === "production" }));
    const rows = fc.array(row, { maxLength: 25 }).map((rs) => {
      let t = T0;
      return rs.map((r) => {
        const start = new Date(t).toISOString();
        t += r.minutes * 60_000;
        const [g, s, w] = r.production ? [r.good, r.scrap, r.rework] : [0, 0, 0];
        return [
          r.press,
          start,
          String(r.minutes * 60),
          r.state,
          String(g + s + w),
          String(g),
          String(s),
          String(w),
          r.energy,
          r.unit,
          r.mass,
          r.measurement,
          r.event,
        ];
      });
    });
    fc.assert(
      fc.property(files(csvText(columns, rows)), (text) => {
        check(
          "kpi",
          text,
          () => readPressEventsCsv(text, F),
          (events) => kpisForCli(events, kpiOptionsFromCli({})),
        );
      }),
      runs(250),
    );
    expect(ok("kpi")).toBeGreaterThan(10);
  });

  it("cycle files (calibrate --cycles)", () => {
    const plant = loadPlantRef("case-a-automotive", join(dir, "calibrate"));
    const press = plant.cells[0]!.presses[0]!;
    const twin = resolveTwin({ material: press.material, machine: press.machine, mold: press.mold });
    const columns = [
      "press",
      "cycle",
      "melt_temp_c",
      "hold_pressure_mpa",
      "peak_injection_pressure_mpa",
      "cycle_time_s",
      "part_mass_g",
      "cushion_mm",
      "cushion_ref_mm",
    ];
    const rows = rowsOf(
      [
        fc.constantFrom("a01", "a01", "a02"),
        fc.integer({ min: 0, max: 100 }).map(String),
        fc.constantFrom("220", "228", "235"),
        fc.constantFrom("10", "11.9", "14"),
        fc.double({ min: 20, max: 60, noNaN: true }).map(String),
        fc.double({ min: 8, max: 12, noNaN: true }).map(String),
        fc.double({ min: 2.4, max: 2.7, noNaN: true }).map(String),
        fc.constantFrom("", "3", "3.2"),
        fc.constantFrom("", "3.5"),
      ],
      12,
    );
    let fits = 0;
    fc.assert(
      fc.property(files(csvText(columns, rows)), (text) => {
        check(
          "calibrate",
          text,
          () => readCycleCsv(text, F, press.id, press.settings),
          (cycles) => {
            // The automatic parameter choice simulates hundreds of shots: a few files get it, the rest a 1-parameter fit.
            if (fits >= 3 || cycles.length < 3) return calibrate(twin, cycles, { parameters: ["viscosityFactor"] });
            fits++;
            return calibrate(twin, cycles);
          },
        );
      }),
      runs(150),
    );
    expect(tally.get("calibrate", "ok")).toBeGreaterThan(3);
  });

  it("the real CLI: exit code 2 and the coded message on stderr", () => {
    const file = join(dir, "bad.csv");
    writeFileSync(file, "time,status\r\n100,F\r\n1e999,S\r\n\uFEFFNaN,X\r\n");
    const r = moldtwin("fit-life", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error TWIN_ERR_VALIDATION: .*row 3 column time/);
    const k = moldtwin("kpi", file, "--json");
    expect(k.code).toBe(2);
    expect((JSON.parse(k.stdout) as { error: { code: string } }).error.code).toBe("FILE_ERR_READ");
  });
});
