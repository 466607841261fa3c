import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const FORECAST = new URL("../scenarios/case-a-forecast.json", import.meta.url).pathname;
const PDM = new URL("../scenarios/case-a-pdm-backtest.json", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-forecast-"));

/** A copy of the Case A forecast scenario with changes, written next to the test's other files. */
function scenario(changes: Record<string, unknown>): string {
  const path = join(dir, `forecast-${Object.keys(changes).join("-")}.json`);
  const base = JSON.parse(readFileSync(FORECAST, "utf8"));
  writeFileSync(path, JSON.stringify({ ...base, plant: "case-a-automotive", runs: 300, ...changes }));
  return path;
}

describe("moldtwin forecast", () => {
  const csv = join(dir, "orders.csv");
  const svg = join(dir, "failures.svg");
  const r = moldtwin("forecast", scenario({}), "--json", "--work-orders", csv, "--svg", svg);
  const out = JSON.parse(r.stdout);

  it("forecasts every press and wear part of the demo plant with risk, remaining life and a preventive policy", () => {
    expect(r.code).toBe(0);
    expect(out.presses).toBe(20);
    const presses = new Set(out.components.map((c: { press: string }) => c.press));
    expect(presses.size).toBe(20);
    for (const c of out.components) {
      expect(c.failureProbability).toBeGreaterThanOrEqual(0);
      expect(c.failureProbability).toBeLessThanOrEqual(1);
      expect(c.expectedFailuresPerMonth).toHaveLength(12);
      expect(c.remainingLifeDays.p10).toBeLessThanOrEqual(c.remainingLifeDays.p50);
      expect(c.remainingLifeDays.p50).toBeLessThanOrEqual(c.remainingLifeDays.p90);
      expect(c.preventive.costUnplannedEur).toBeGreaterThan(c.preventive.costPreventiveEur);
    }
    // Hydraulic oil exists only on hydraulic and servo-hydraulic presses (a13–a20), never on the electrics.
    const oil = out.components.filter((c: { kind: string }) => c.kind === "hydraulic-oil");
    expect(oil.length).toBe(8);
    expect(oil.every((c: { press: string }) => c.press >= "a13")).toBe(true);
    expect(out.fleet.expectedFailuresPerMonth).toHaveLength(12);
    expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity|null,"expectedFailures"/);
  });

  it("writes work orders as CSV for an EAM/CMMS import and a chart as SVG", () => {
    const lines = readFileSync(csv, "utf8").trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,asset,assetName,cell,component,componentName,partNumber,quantity,dueDate,orderPartsBy,labourHours,estimatedCostEur,priority,trigger,failureProbabilityByDue,reason",
    );
    expect(lines.length - 1).toBe(out.workOrders.length);
    for (const w of out.workOrders) {
      expect(w.dueDate >= out.asOf).toBe(true);
      expect(w.orderPartsBy <= w.dueDate).toBe(true);
    }
    const chart = readFileSync(svg, "utf8");
    expect(chart).toMatch(/^<svg/);
    expect(chart).toContain("expected failures");
  });

  it("is reproducible: the same scenario and seed give the same JSON, in this thread or on 2 pool workers", () => {
    const again = moldtwin("forecast", scenario({}), "--json", "--workers", "2");
    const { files: _a, workers: w0, ...first } = out;
    const { files: _b, workers: w2, ...second } = JSON.parse(again.stdout);
    expect([w0, w2]).toEqual([0, 2]);
    expect(second).toEqual(first);
  });

  it("rejects a replacement record for a press that is not in the plant, naming the field", () => {
    const bad = moldtwin(
      "forecast",
      scenario({ replacements: [{ press: "zz99", component: "check-ring-std", replacedOn: "2026-01-01" }] }),
      "--json",
    );
    expect(bad.code).toBe(2);
    const err = JSON.parse(bad.stdout).error;
    expect(err.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(err.details[0].field).toBe("replacements[0].press");
  });

  it("rejects an impossible date and a bad horizon with coded errors", () => {
    const date = moldtwin("forecast", scenario({ asOf: "2026-02-30" }), "--json");
    expect(date.code).toBe(2);
    expect(JSON.parse(date.stdout).error.code).toBe("TWIN_ERR_VALIDATION");
    const horizon = moldtwin("forecast", scenario({ horizonMonths: 0 }), "--json");
    expect(JSON.parse(horizon.stdout).error.details[0].field).toBe("scenario.horizonMonths");
  });
});

describe("moldtwin pdm-backtest", () => {
  it("scores the demo fleet against the MPaaS targets and defines its metrics", () => {
    const svg = join(dir, "lead.svg");
    const r = moldtwin("pdm-backtest", PDM, "--json", "--svg", svg);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts.failures).toBeGreaterThan(100);
    expect(out.hitRate).toBeGreaterThanOrEqual(0.7);
    expect(out.precision).toBeGreaterThanOrEqual(0.5);
    expect(out.lead.medianH).toBeGreaterThanOrEqual(72);
    expect(out.targets.met).toBe(true);
    expect(Object.keys(out.definitions)).toEqual(["hitRate", "precision", "leadTime", "phmScore"]);
    expect(out.counts.hits + out.counts.missed).toBe(out.counts.failures);
    expect(readFileSync(svg, "utf8")).toContain("lead time");
  });
});
