import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const CASE_A = new URL("../scenarios/case-a-contract.json", import.meta.url).pathname;
const CASE_B = new URL("../scenarios/case-b-contract.json", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-contract-"));

describe("moldtwin contract", () => {
  const html = join(dir, "contract.html");
  const r = moldtwin("contract", CASE_A, "--runs", "300", "--seed", "5", "--workers", "0", "--json", "--report", html);
  const out = JSON.parse(r.stdout);

  it("prints one JSON object with risk, cost, margin and their standard errors", () => {
    expect(r.code).toBe(0);
    expect(out.runs).toBe(300);
    expect(out.seed).toBe(5);
    expect(out.presses).toBe(20);
    expect(out.availability.breachProbability.se).toBeGreaterThan(0);
    expect(out.marginEur.p10).toBeLessThanOrEqual(out.marginEur.p90);
    expect(out.tornado.length).toBeGreaterThan(5);
    expect(out.files).toEqual({ report: html });
  });

  it("writes an HTML report with the charts and the conventions", () => {
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(page).toContain("non-exceedance");
  });

  it("runs Case B (fixed fee + per-part fee, yearly window, quality guarantee) as a readable report", () => {
    const b = moldtwin("contract", CASE_B, "--runs", "200", "--no-tornado");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/SLA 95\.0 % per year \(step\)/);
    expect(b.stdout).toContain("yield credits");
  });

  it("refuses bad input with coded errors naming the field", () => {
    const runs = moldtwin("contract", CASE_A, "--runs", "many", "--json");
    expect(runs.code).toBe(2);
    expect(JSON.parse(runs.stdout).error.details[0].field).toBe("scenario.runs");
    const path = join(dir, "bad.json");
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(readFileSync(CASE_A, "utf8")), sla: { availabilityTarget: 1.5 } }),
    );
    const bad = moldtwin("contract", path, "--json");
    expect(bad.code).toBe(2);
    const err = JSON.parse(bad.stdout).error;
    expect(err.code).toBe("TWIN_ERR_VALIDATION");
    expect(JSON.stringify(err.details)).toContain("scenario.sla.availabilityTarget");
  });
});

describe("moldtwin price and moldtwin schema", () => {
  it("prices the three tiers side by side and meets the stated risk", () => {
    const html = join(dir, "price.html");
    const r = moldtwin("price", CASE_A, "--runs", "300", "--workers", "0", "--json", "--report", html);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tiers.map((t: { tier: string }) => t.tier)).toEqual(["standard", "advanced", "performance"]);
    const perf = out.tiers[2];
    expect(perf.feasible).toBe(true);
    expect(perf.at.shortfallProbability.p).toBeLessThanOrEqual(out.constraint.maxShortfallProbability);
    // The price is the lowest such fee: 1 % less misses the constraint.
    const below = perf.curve.filter((p: { feeEur: number }) => p.feeEur < perf.at.feeEur * 0.99);
    expect(below.length).toBeGreaterThan(0);
    for (const p of below) expect(p.shortfallProbability.p).toBeGreaterThan(out.constraint.maxShortfallProbability);
    expect(out.customerView.performanceServiceEur).toBeGreaterThan(0);
    expect(readFileSync(html, "utf8")).toContain("Price vs risk");
  });

  it("prints the contract scenario's JSON Schema", () => {
    const r = moldtwin("schema", "contract");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.sla.properties.availabilityTarget.default).toBe(0.95);
    expect(schema.properties.price.properties.feePerGoodPartEur.unit).toBe("EUR");
    const bad = moldtwin("schema", "nope", "--json");
    expect(bad.code).toBe(2);
  });
});
