import { describe, expect, it } from "vitest";
import { RULE_IDS, ruleViolations } from "./rules.ts";

/** Rules fired by a sequence of z-values (centre 0, σ 1), sorted. */
const fired = (z: number[]): string[] => [...new Set(ruleViolations(z, 0, 1).map((v) => v.rule))].sort();

describe("Western Electric and Nelson rules on hand-made sequences", () => {
  // Within each family every sequence triggers exactly one rule. WE1 = N1, WE2 = N5 and WE3 = N6 are the same
  // tests, so those pairs fire together; 9 in a row on one side (N2) necessarily contains 8 (WE4).
  it("WE1 / N1: one point beyond 3σ", () => {
    expect(fired([0.5, -0.5, 3.5, -0.5, 0.5])).toEqual(["N1", "WE1"]);
    expect(fired([0.5, -0.5, -3.01, -0.5, 0.5])).toEqual(["N1", "WE1"]);
    expect(fired([0.5, -0.5, 3, -0.5, 0.5])).toEqual([]); // exactly 3σ is not beyond
  });
  it("WE2 / N5: 2 of 3 beyond 2σ on one side", () => {
    expect(fired([0.5, 2.5, -0.5, 2.5, -0.5])).toEqual(["N5", "WE2"]);
    expect(fired([0.5, 2.5, -0.5, -2.5, -0.5])).toEqual([]); // opposite sides
  });
  it("WE3 / N6: 4 of 5 beyond 1σ on one side", () => {
    expect(fired([1.5, 1.5, -0.5, 1.5, 1.5])).toEqual(["N6", "WE3"]);
  });
  it("WE4: 8 in a row on one side (not 9: no N2)", () => {
    expect(fired([-0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.5, 0.4, 0.6, -0.5])).toEqual(["WE4"]);
  });
  it("N2: 9 in a row on one side (and so WE4)", () => {
    expect(fired([-0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.5, 0.4, 0.6, 0.5, -0.5])).toEqual(["N2", "WE4"]);
  });
  it("N3: 6 in a row steadily increasing or decreasing", () => {
    expect(fired([-0.5, -0.4, -0.2, 0.1, 0.3, 0.6])).toEqual(["N3"]);
    expect(fired([0.6, 0.3, 0.1, -0.2, -0.4, -0.5])).toEqual(["N3"]);
    expect(fired([-0.5, -0.4, -0.2, -0.2, 0.3, 0.6])).toEqual([]); // a tie breaks the trend
  });
  it("N4: 14 in a row alternating up and down", () => {
    const z = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 0.5 : -0.5) * (1 + (i % 3) * 0.1));
    expect(fired(z)).toEqual(["N4"]);
    expect(fired(z.slice(0, 13))).toEqual([]);
  });
  it("N7: 15 in a row within 1σ (no trend, no alternation, no long one-sided run)", () => {
    const z = [0.5, 0.2, -0.3, -0.6, -0.2, 0.3, 0.6, 0.2, -0.3, -0.6, -0.2, 0.3, 0.6, 0.2, -0.3];
    expect(fired(z)).toEqual(["N7"]);
    expect(fired(z.slice(0, 14))).toEqual([]);
  });
  it("N8: 8 in a row none within 1σ, on both sides", () => {
    expect(fired([1.5, -1.5, 1.5, -1.5, 1.5, -1.5, 1.5, -1.5])).toEqual(["N8"]);
  });
  it("overlapping hits of one rule are one violation listing the points involved (0-based)", () => {
    const run = [-0.5, ...Array(12).fill(0.5), -0.5];
    const v = ruleViolations(run, 0, 1);
    expect(v.map((x) => x.rule).sort()).toEqual(["N2", "WE4"]);
    for (const x of v) expect(x.points).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // two separate excursions are two violations; k-of-m rules list only the points beyond
    const two = ruleViolations([2.5, 2.5, 0, 0, 0, 0, -2.5, 0, -2.5], 0, 1).filter((x) => x.rule === "WE2");
    expect(two.map((x) => x.points)).toEqual([
      [0, 1],
      [6, 8],
    ]);
  });
  it("zones are in units of σ around the centre; σ = 0 applies no rule", () => {
    expect(fired([10, 10, 13.5].map((x) => (x - 10) / 1))).toEqual(["N1", "WE1"]);
    expect(ruleViolations([10, 16.5, 10], 10, 2).map((v) => v.rule)).toEqual(["WE1", "N1"]);
    expect(ruleViolations([1, 2, 3], 2, 0)).toEqual([]);
    expect(RULE_IDS).toHaveLength(12);
  });
});
