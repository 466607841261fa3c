import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDemandCsv } from "../adapters/cli/commands/demandForecast.ts";
import { bestMethod, classifyDemand, rollingOriginBacktest } from "../engine/spares/intermittent.ts";
import { moldtwin } from "./runCli.ts";

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Runs the real CLI in a child process on the same Node (24) as the tests. */

function json(...args: string[]): any {
  const r = moldtwin(...args, "--json");
  return { code: r.code, body: JSON.parse(r.stdout) };
}

const dir = mkdtempSync(join(tmpdir(), "moldtwin-demand-"));
const PMRGN = fixture("demand-pmrgn.csv");
const SPARE = fixture("demand-spare-part.csv");

describe("moldtwin demand-forecast", () => {
  it("reproduces pmrgn/intermittent-forecast's published Croston values (tests/test_croston.py)", () => {
    // Series [0, 0, 3, 0, 4, 0, 0, 0, 2, 0], α = 0.5, β = 0.2: fitted NaN, NaN, NaN, 1, 1, 1.25 ×4, 0.904605;
    // forecast 0.904605 (= 2.75 / 3.04).
    const { code, body } = json("demand-forecast", PMRGN, "--method", "croston", "--alpha", "0.5", "--beta", "0.2");
    expect(code).toBe(0);
    expect(body.method).toBe("croston");
    expect(body.periods).toBe(10);
    expect(body.fitted.slice(0, 9)).toEqual([null, null, null, 1, 1, 1.25, 1.25, 1.25, 1.25]);
    expect(body.fitted[9]).toBeCloseTo(2.75 / 3.04, 14);
    expect(body.forecast).toBeCloseTo(0.904605, 6);
    expect(body.params).toEqual({ alpha: 0.5, beta: 0.2, size: 2.75, interval: 3.04, biasFactor: 1 });
    expect(body.horizon).toBe(1);
    expect(body.forecastPath).toEqual([body.forecast]);
    expect(body.classification).toEqual({ adi: 3, cv2: 1 / 9, nonZero: 3, class: "intermittent" });
    expect(body.notes).toEqual([]);
    expect(Object.keys(body.definitions)).toEqual(
      expect.arrayContaining(["forecast", "fitted", "forecastPath", "mase", "bias", "spis"]),
    );
  });

  it("TSB, SBA and SBJ reproduce the published out-of-sample forecasts; --horizon gives a flat path", () => {
    const tsb = json("demand-forecast", PMRGN, "--method", "tsb", "--alpha", "0.3", "--beta", "0.1", "--horizon", "2");
    expect(tsb.body.forecast).toBeCloseTo(0.9111351, 7);
    expect(tsb.body.forecastPath).toEqual([tsb.body.forecast, tsb.body.forecast]);
    expect(tsb.body.fitted[5]).toBeCloseTo(1.246839, 12);
    const sba = json("demand-forecast", PMRGN, "--method", "sba", "--alpha", "0.5", "--beta", "0.2");
    expect(sba.body.forecast).toBeCloseTo(0.8141447, 7);
    const sbj = json("demand-forecast", PMRGN, "--method", "sbj", "--alpha", "0.5", "--beta", "0.2");
    // pmrgn prints 0.804093 (truncated; it asserts rtol 1e-5): exactly 2.75/3.04 × (1 − 0.2/1.8).
    expect(sbj.body.forecast).toBeCloseTo(0.804093, 5);
    expect(sbj.body.forecast).toBeCloseTo((2.75 / 3.04) * (1 - 0.2 / 1.8), 14);
  });

  it("reports the rolling-origin backtest of the engine, with its definitions", () => {
    const demand = readDemandCsv(readFileSync(SPARE, "utf8"), SPARE);
    expect(demand).toHaveLength(36);
    const { code, body } = json("demand-forecast", SPARE, "--horizon", "3", "--min-train", "12");
    expect(code).toBe(0);
    expect(body.method).toBe("sba");
    expect(body.backtest).toEqual(rollingOriginBacktest(demand, "sba", { horizon: 3, minTrain: 12 }));
    expect(body.backtest.origins).toBe(36 - 3 - 12 + 1);
    expect(body.classification).toEqual(classifyDemand(demand));
    // Demands at 12 periods, the last at index 35: ADI = 36/12 = 3.
    expect(body.classification.adi).toBe(3);
  });

  it("--method best ranks all six by rolling-origin MASE and forecasts with the winner", () => {
    const demand = readDemandCsv(readFileSync(SPARE, "utf8"), SPARE);
    const { code, body } = json("demand-forecast", SPARE, "--method", "best");
    expect(code).toBe(0);
    const engine = bestMethod(demand);
    expect(body.selection).toBe("best");
    expect(body.method).toBe(engine.best);
    expect(body.ranking).toHaveLength(6);
    expect(body.ranking.map((r: any) => r.method)).toEqual(engine.results.map((r) => r.method));
    expect(body.ranking.map((r: any) => r.mase)).toEqual(engine.results.map((r) => r.mase));
    expect(body.ranking[0].forecast).toBe(body.forecast);
    expect(body.backtest).toEqual(engine.results[0]);
  });

  it("human output is a short table with the class and MASE", () => {
    const r = moldtwin("demand-forecast", SPARE, "--method", "best");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("class intermittent (ADI 3 > 1.32");
    expect(r.stdout).toMatch(/method\s+params\s+forecast\/period\s+next 1\s+MASE\s+bias\s+sPIS/);
    for (const m of ["croston", "sba", "sbj", "tsb", "adida", "imapa"]) expect(r.stdout).toContain(m);
    expect(r.stdout).toContain("lowest rolling-origin MASE");
    const one = moldtwin("demand-forecast", PMRGN, "--method", "croston", "--alpha", "0.5", "--beta", "0.2");
    expect(one.stdout).toMatch(/croston\s+α 0\.5 β 0\.2\s+0\.9046\s+0\.9046/);
  });

  it("a series without demand: forecast 0, fitted null, notes; not an error", () => {
    const { code, body } = json("demand-forecast", fixture("demand-zero.csv"), "--method", "imapa");
    expect(code).toBe(0);
    expect(body.forecast).toBe(0);
    expect(body.fitted).toEqual(Array(6).fill(null));
    expect(body.classification).toMatchObject({ nonZero: 0, adi: 7, cv2: 0 });
    expect(body.notes.join(" ")).toContain("no demand");
    expect(body.backtest).toMatchObject({ mase: 0, bias: 0, spis: 0 });
  });

  it("a series too short to backtest still forecasts, with backtest null and a note", () => {
    const file = join(dir, "short.csv");
    writeFileSync(file, "demand\n0\n2\n");
    const { code, body } = json("demand-forecast", file, "--method", "croston");
    expect(code).toBe(0);
    expect(body.forecast).toBeCloseTo(1, 14);
    expect(body.backtest).toBeNull();
    expect(body.notes[0]).toContain("no backtest");
    // --method best needs the backtest: the coded error.
    const best = json("demand-forecast", file, "--method", "best");
    expect(best.code).toBe(2);
    expect(best.body.error.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
  });

  it("a bad CSV exits 2 with TWIN_ERR_VALIDATION naming the row and column of each bad cell", () => {
    const { code, body } = json("demand-forecast", fixture("demand-bad.csv"));
    expect(code).toBe(2);
    expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(body.error.details.map((d: any) => d.field)).toEqual([
      "row 3 column demand",
      "row 4 column demand",
      "row 5 column demand",
      "row 6 column demand",
    ]);
    const human = moldtwin("demand-forecast", fixture("demand-bad.csv"));
    expect(human.code).toBe(2);
    expect(human.stderr).toContain("row 5 column demand");
    expect(human.stdout).toBe("");
  });

  it("usage errors are coded: unknown method, bad α / β / horizon, missing file or column, unknown option", () => {
    const method = json("demand-forecast", PMRGN, "--method", "holt-winters");
    expect(method.code).toBe(2);
    expect(method.body.error.code).toBe("CLI_ERR_USAGE");
    expect(method.body.error.details[0].field).toBe("--method");
    for (const [option, value] of [
      ["--alpha", "0"],
      ["--alpha", "1.5"],
      ["--beta", "x"],
      ["--horizon", "0"],
      ["--horizon", "2.5"],
      ["--min-train", "1"],
      ["--aggregation", "11"],
    ] as const) {
      const r = json("demand-forecast", PMRGN, option, value);
      expect(r.code, `${option} ${value}`).toBe(2);
      expect(r.body.error.code).toBe("TWIN_ERR_VALIDATION");
      expect(r.body.error.details[0].field).toBe(option);
    }
    expect(json("demand-forecast", join(dir, "nope.csv")).body.error.code).toBe("FILE_ERR_READ");
    const noColumn = join(dir, "no-column.csv");
    writeFileSync(noColumn, "qty\n1\n");
    expect(json("demand-forecast", noColumn).body.error.code).toBe("FILE_ERR_READ");
    const unknown = json("demand-forecast", PMRGN, "--smoothing", "0.2");
    expect(unknown.code).toBe(2);
    expect(unknown.body.error.code).toBe("CLI_ERR_USAGE");
  });
});
