import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const PILOT = new URL("../scenarios/case-a-pilot.json", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-pilot-"));

describe("moldtwin pilot (Case A demo logs)", () => {
  const html = join(dir, "pilot.html");
  const r = moldtwin("pilot", PILOT, "--runs", "300", "--json", "--report", html);
  const out = JSON.parse(r.stdout);

  it("compares 3 baseline months with 6 shadow months: fewer breakdowns, no waiting for parts, lower TCO", () => {
    expect(r.code).toBe(0);
    expect(out.periods.baseline.months).toHaveLength(3);
    expect(out.periods.shadow.months).toHaveLength(6);
    const perMonth = (ms: { breakdowns: number }[]) => ms.reduce((a, m) => a + m.breakdowns, 0) / ms.length;
    expect(perMonth(out.periods.shadow.months)).toBeLessThan(perMonth(out.periods.baseline.months));
    expect(out.tco.shadow.perPressMonthEur).toBeLessThan(out.tco.baseline.perPressMonthEur);
    expect(out.energy.savingShare).toBeGreaterThan(0);
    expect(out.contractPnl.marginEur).toBeCloseTo(out.contractPnl.revenueEur - out.contractPnl.costEur, 3);
    // The ISO 22400 / SEMI E10 KPIs of each period come along.
    expect(out.periods.shadow.kpis.semiE10.supplierDependentUptime).toBeGreaterThan(
      out.periods.baseline.kpis.semiE10.supplierDependentUptime,
    );
  });

  it("says whether reality fell inside the projection's P10–P90, month by month", () => {
    expect(out.projection.runs).toBe(300);
    expect(out.projection.months).toHaveLength(6);
    for (const k of ["availability", "goodParts", "kWhPerPart", "marginEur"]) {
      expect(out.projection.insideShare[k]).toBeGreaterThanOrEqual(0);
      expect(out.projection.insideShare[k]).toBeLessThanOrEqual(1);
    }
    const page = readFileSync(html, "utf8");
    expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(5);
    expect(page).toContain("Reality against the projection");
  });

  it("names a missing event log and a bad scenario field", () => {
    const path = join(dir, "missing.json");
    const scenario = JSON.parse(readFileSync(PILOT, "utf8"));
    writeFileSync(
      path,
      JSON.stringify({
        ...scenario,
        contract: join(dirname(PILOT), scenario.contract),
        shadow: "nope.csv",
        baseline: join(dirname(PILOT), scenario.baseline),
      }),
    );
    const missing = moldtwin("pilot", path, "--json");
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.code).toBe("FILE_ERR_READ");
    const bad = moldtwin("pilot", PILOT, "--runs", "5", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.details[0].field).toBe("scenario.projectionRuns");
  });
});
