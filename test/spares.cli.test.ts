import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const CASE_A = new URL("../scenarios/case-a-spares.json", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-spares-"));

function scenario(name: string, changes: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(CASE_A, "utf8")), ...changes }));
  return path;
}

describe("moldtwin spares", () => {
  const csv = join(dir, "requisitions.csv");
  const svg = join(dir, "curve.svg");
  const r = moldtwin("spares", CASE_A, "--json", "--svg", svg, "--requisitions", csv);
  const out = JSON.parse(r.stdout);

  it("prints one JSON object with the demand, the 95 % and 99 % plans and the requisitions", () => {
    expect(r.code).toBe(0);
    expect(out.scenario).toBe("Case A — spare parts for the automotive plant");
    expect(out.plans.map((p: { label: string }) => p.label)).toEqual(["95 %", "99 %"]);
    for (const p of out.plans) {
      expect(p.targetMet).toBe(true);
      expect(p.stockValueEur).toBeGreaterThan(0);
    }
    expect(out.demand.partNumbers.length).toBeGreaterThan(10);
    expect(out.files).toEqual({ svg, requisitions: csv });
  });

  it("writes the requisitions as CSV and the cost-vs-availability curve as SVG", () => {
    const lines = readFileSync(csv, "utf8").trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,partNumber,name,location,quantity,unitCostEur,valueEur,orderDate,expectedDelivery,plan,reason",
    );
    expect(lines.length - 1).toBe(out.requisitions.length);
    expect(lines[1]).toMatch(/^PR-0001,/);
    const chart = readFileSync(svg, "utf8");
    expect(chart).toMatch(/^<svg/);
    expect(chart).toContain("target 99 %");
  });

  it("writes the requisitions as JSON too", () => {
    const json = join(dir, "requisitions.json");
    const small = scenario("small", { runs: 50, simulation: { days: 200, replications: 3 } });
    const s = moldtwin("spares", small, "--requisitions", json);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("stock plans");
    expect(s.stdout).toMatch(/95 % +\d+\.\d+ %/);
    const rows = JSON.parse(readFileSync(json, "utf8"));
    expect(rows[0].id).toBe("PR-0001");
    expect(rows[0].reason).toMatch(/forecast/);
  });

  it("names the field, the value and what is allowed for bad input", () => {
    const bad = moldtwin("spares", scenario("bad-target", { targets: [0.95, 1.2] }), "--json");
    expect(bad.code).toBe(2);
    const err = JSON.parse(bad.stdout).error;
    expect(err.code).toBe("TWIN_ERR_VALIDATION");
    expect(JSON.stringify(err.details)).toContain("scenario.targets");
    const plant = moldtwin(
      "spares",
      scenario("bad-plant", { sites: [{ id: "site-x", plant: "no-such-plant" }], requisitionTarget: 0.95 }),
      "--json",
    );
    expect(plant.code).toBe(2);
    expect(JSON.parse(plant.stdout).error.code).toBe("TWIN_ERR_UNKNOWN_ID");
  });
});
