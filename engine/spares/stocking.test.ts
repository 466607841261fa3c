import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import { uniform01 } from "../sweep/random.ts";
import { poissonCdf, poissonExpectedBackorders } from "./poisson.ts";
import {
  baseStockForAvailability,
  baseStockForFillRate,
  baseStockForServiceLevel,
  baseStockFromSamples,
  evaluateBaseStock,
  sherbrookeAvailability,
} from "./stocking.ts";

describe("single-site base stock (S − 1, S)", () => {
  it("fill rate = P(D ≤ S − 1): m = 2, target 90 % needs S = 5 (P(D ≤ 4) = 7e⁻² = 0.9473)", () => {
    const r = baseStockForFillRate({ meanLeadTimeDemand: 2, targetFillRate: 0.9 });
    const e2 = Math.exp(-2);
    expect(r.baseStock).toBe(5);
    expect(r.distribution).toBe("poisson");
    // P(D ≤ 4) = e⁻²(1 + 2 + 2 + 4/3 + 2/3) = 7e⁻²; S = 4 gives P(D ≤ 3) = (19/3)e⁻² = 0.857 < 0.9.
    expect(r.fillRate).toBeCloseTo(7 * e2, 15);
    expect(poissonCdf(3, 2)).toBeCloseTo((19 / 3) * e2, 15);
    expect(r.serviceLevel).toBeCloseTo((7 + 4 / 15) * e2, 15); // + p(5) = (32/120)e⁻²
    expect(r.expectedBackorders).toBeCloseTo(poissonExpectedBackorders(5, 2), 15);
    expect(r.expectedOnHand).toBeCloseTo(5 - 2 + r.expectedBackorders, 15);
    expect(r.availability).toBeNull();
  });

  it("service level = P(D ≤ S) (reliability.md §1.9): Stevenson's roses, Poisson mean 4, SL 0.60 → stock 4", () => {
    // Stevenson, Operations Management 14e, ch. 12 Example 15: cumulative Poisson(4) .018 .092 .238 .433 .629 …;
    // "to attain a service level of at least .60, it is necessary to stock four dozen".
    const r = baseStockForServiceLevel({ meanLeadTimeDemand: 4, targetServiceLevel: 0.6 });
    expect(r.baseStock).toBe(4);
    expect(r.serviceLevel).toBeCloseTo(0.629, 3);
    // The fill-rate convention needs one unit more for the same number: P(D ≤ 4) ≥ 0.6 → S = 5.
    expect(baseStockForFillRate({ meanLeadTimeDemand: 4, targetFillRate: 0.6 }).baseStock).toBe(5);
  });

  it("availability (1 − EBO/(N·Z))^Z: 0.05/day × 40 d, 10 presses × 2 sockets, 95 % → S = 3", () => {
    const r = baseStockForAvailability({
      demandPerDay: 0.05,
      leadTimeDays: 40,
      installedSockets: 2,
      presses: 10,
      targetAvailability: 0.95,
    });
    // m = 2: S = 2 gives EBO = 4e⁻² = 0.5413 and A = (1 − 0.5413/20)² = 0.9466 < 0.95; S = 3: EBO = 9e⁻² − 1.
    expect(sherbrookeAvailability(4 * Math.exp(-2), 10, 2)).toBeCloseTo((1 - (4 * Math.exp(-2)) / 20) ** 2, 15);
    expect(sherbrookeAvailability(4 * Math.exp(-2), 10, 2)).toBeLessThan(0.95);
    expect(r.baseStock).toBe(3);
    expect(r.expectedBackorders).toBeCloseTo(9 * Math.exp(-2) - 1, 15);
    expect(r.availability).toBeCloseTo((1 - (9 * Math.exp(-2) - 1) / 20) ** 2, 15);
    expect(sherbrookeAvailability(30, 10, 2)).toBe(0);
  });

  it("negative binomial lead-time demand needs more stock than the Poisson at the same mean", () => {
    const p = baseStockForFillRate({ meanLeadTimeDemand: 3, targetFillRate: 0.95 });
    const nb = baseStockForFillRate({ meanLeadTimeDemand: 3, varianceLeadTimeDemand: 7.5, targetFillRate: 0.95 });
    expect(nb.distribution).toBe("negative-binomial");
    expect(p.baseStock).toBe(7); // P(D ≤ 5 | 3) = 0.9161 < 0.95 ≤ P(D ≤ 6) = 0.9665, and fill = P(D ≤ S − 1)
    expect(poissonCdf(5, 3)).toBeCloseTo(0.9161, 4);
    expect(poissonCdf(6, 3)).toBeCloseTo(0.9665, 4);
    expect(nb.baseStock).toBe(9);
    expect(nb.fillRate).toBeGreaterThanOrEqual(0.95);
  });

  it("large means: m = 5000 at 99.9 % fill needs S = 5221", () => {
    const r = baseStockForFillRate({ meanLeadTimeDemand: 5000, targetFillRate: 0.999 });
    expect(r.baseStock).toBe(5221);
    expect(r.fillRate).toBeGreaterThanOrEqual(0.999);
    expect(poissonCdf(5219, 5000)).toBeLessThan(0.999);
  });

  it("from simulated samples: Poisson(2.5) draws reproduce the Poisson answer; a small sample by hand", () => {
    // 200 000 Poisson(2.5) draws by inversion of counter-based uniforms.
    const n = 200_000;
    const m = 2.5;
    const samples = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = uniform01(42, 0, i, 0);
      let x = 0;
      let p = Math.exp(-m);
      let c = p;
      while (u > c) {
        x++;
        p *= m / x;
        c += p;
      }
      samples[i] = x;
    }
    const emp = baseStockFromSamples({ samples, targetFillRate: 0.95 });
    const ana = baseStockForFillRate({ meanLeadTimeDemand: m, targetFillRate: 0.95 });
    expect(emp.distribution).toBe("empirical");
    expect(emp.baseStock).toBe(ana.baseStock);
    expect(emp.meanLeadTimeDemand).toBeCloseTo(m, 2);
    expect(Math.abs(emp.expectedBackorders - ana.expectedBackorders)).toBeLessThan(0.005);
    // Ten samples: 0 1 1 2 2 2 3 4 5 7 → P(D ≤ 4) = 0.8 so S = 5 for 80 % fill; EBO(5) = (7 − 5)/10 = 0.2.
    const small = baseStockFromSamples({ samples: [0, 1, 1, 2, 2, 2, 3, 4, 5, 7], targetFillRate: 0.8 });
    expect(small.baseStock).toBe(5);
    expect(small.fillRate).toBeCloseTo(0.8, 15);
    expect(small.serviceLevel).toBeCloseTo(0.9, 15);
    expect(small.expectedBackorders).toBeCloseTo(0.2, 15);
    expect(small.backorderVariance).toBeCloseTo(0.4 - 0.04, 15);
    expect(small.expectedOnHand).toBeCloseTo(5 - 2.7 + 0.2, 14);
    expect(baseStockFromSamples({ samples: [0, 1, 1, 2, 2, 2, 3, 4, 5, 7], targetFillRate: 1 }).baseStock).toBe(8);
    const av = baseStockFromSamples({
      samples: [0, 1, 1, 2, 2, 2, 3, 4, 5, 7],
      targetAvailability: 0.95,
      presses: 4,
      installedSockets: 1,
    });
    // S = 4: EBO = (1 + 3)/10 = 0.4 → A = 0.9; S = 5: EBO 0.2 → 0.95.
    expect(av.baseStock).toBe(5);
    expect(av.availability).toBeCloseTo(0.95, 15);
  });

  it("evaluateBaseStock gives the metrics of a given S", () => {
    const r = evaluateBaseStock({ meanLeadTimeDemand: 2, baseStock: 1, presses: 2, installedSockets: 1 });
    expect(r.expectedBackorders).toBeCloseTo(1 + Math.exp(-2), 15);
    expect(r.fillRate).toBeCloseTo(Math.exp(-2), 15);
    expect(r.availability).toBeCloseTo(1 - (1 + Math.exp(-2)) / 2, 15);
  });

  it("refuses bad input with coded errors naming the field", () => {
    const cases: [() => unknown, string][] = [
      [() => baseStockForFillRate({ meanLeadTimeDemand: 2, targetFillRate: 1 }), "targetFillRate"],
      [() => baseStockForFillRate({ meanLeadTimeDemand: Number.NaN, targetFillRate: 0.9 }), "meanLeadTimeDemand"],
      [
        () =>
          baseStockForAvailability({
            demandPerDay: 1,
            leadTimeDays: 2,
            installedSockets: 0,
            presses: 1,
            targetAvailability: 0.9,
          }),
        "installedSockets",
      ],
      [() => baseStockFromSamples({ samples: [1, 2.5], targetFillRate: 0.9 }), "samples[1]"],
      [() => baseStockFromSamples({ samples: [1, 2] }), "target"],
    ];
    for (const [f, field] of cases) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(MoldtwinError);
        expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
        expect((e as MoldtwinError).details[0]!.field).toBe(field);
      }
    }
  });
});
