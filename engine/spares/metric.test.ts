import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import {
  evaluateMetric,
  type MetricAllocation,
  type MetricMethod,
  type MetricProblem,
  metricAllocate,
  metricCurve,
} from "./metric.ts";
import { syntheticFleet, TWO_SITES } from "./metricExamples.ts";
import {
  countDistribution,
  expectedBackorders,
  poissonBackorderVariance,
  poissonExpectedBackorders,
} from "./poisson.ts";
import { evaluateBaseStock } from "./stocking.ts";

const METHODS: MetricMethod[] = ["metric", "vari-metric", "exact"];

describe("METRIC evaluation", () => {
  it("depot: Poisson(λ₀T₀); site pipeline mean λ_j·(T_j + EBO₀/λ₀) (Sherbrooke 1968) under every method", () => {
    const alloc: MetricAllocation = {
      depot: [8, 2],
      sites: [
        [1, 1],
        [1, 1],
      ],
    };
    for (const method of METHODS) {
      const e = evaluateMetric(TWO_SITES, alloc, { method });
      const heater = e.items[0]!;
      // λ₀ = 0.14/day, T₀ = 60 d → μ₀ = 8.4; EBO₀(8) of Poisson(8.4).
      expect(heater.depot.pipelineMean).toBeCloseTo(8.4, 12);
      const ebo0 = poissonExpectedBackorders(8, 8.4);
      expect(heater.depot.expectedBackorders).toBeCloseTo(ebo0, 14);
      expect(heater.depot.averageDelayDays).toBeCloseTo(ebo0 / 0.14, 12);
      // Site A: 0.08·(2 + EBO₀/0.14).
      expect(heater.sites[0]!.pipelineMean).toBeCloseTo(0.08 * (2 + ebo0 / 0.14), 12);
      expect(e.method).toBe(method);
    }
    // VARI-METRIC variance: λT + f(1 − f)·EBO₀ + f²·VBO₀ with f = 0.08/0.14.
    const v = evaluateMetric(TWO_SITES, alloc, { method: "vari-metric" }).items[0]!.sites[0]!;
    const f = 0.08 / 0.14;
    const ebo0 = poissonExpectedBackorders(8, 8.4);
    const vbo0 = poissonBackorderVariance(8, 8.4);
    const variance = 0.16 + f * (1 - f) * ebo0 + f * f * vbo0;
    expect(v.pipelineVariance).toBeCloseTo(variance, 12);
    expect(v.expectedBackorders).toBeCloseTo(expectedBackorders(countDistribution(v.pipelineMean, variance), 1), 12);
    // The exact (Graves) pipeline has the same mean and variance as VARI-METRIC's, only another shape.
    const x = evaluateMetric(TWO_SITES, alloc, { method: "exact" }).items[0]!.sites[0]!;
    expect(x.pipelineVariance).toBeCloseTo(variance, 12);
    // Numbers (the simulation test confirms `exact`): EBO at plant A of the heater band with s = 1.
    expect(evaluateMetric(TWO_SITES, alloc, { method: "metric" }).items[0]!.sites[0]!.expectedBackorders).toBeCloseTo(
      0.3242,
      4,
    );
    expect(v.expectedBackorders).toBeCloseTo(0.4402, 4);
    expect(x.expectedBackorders).toBeCloseTo(0.4588, 4);
  });

  it("reduces to the single-site base stock: one site, no depot stock, no transit (all three methods)", () => {
    const p: MetricProblem = {
      sites: [{ id: "s", presses: 5, resupplyDays: 0 }],
      items: [
        {
          id: "p",
          unitCostEur: 10,
          supplierLeadTimeDays: 30,
          sites: [{ demandPerDay: 0.1, socketsPerPress: 2 }],
        },
      ],
    };
    const single = evaluateBaseStock({ meanLeadTimeDemand: 3, baseStock: 4, presses: 5, installedSockets: 2 });
    for (const method of METHODS) {
      const e = evaluateMetric(p, { depot: [0], sites: [[4]] }, { method });
      const s = e.items[0]!.sites[0]!;
      expect(s.pipelineMean).toBeCloseTo(3, 13);
      expect(s.expectedBackorders).toBeCloseTo(single.expectedBackorders, 13);
      expect(s.fillRate).toBeCloseTo(single.fillRate, 13);
      expect(s.backorderVariance).toBeCloseTo(single.backorderVariance, 12);
      expect(e.sites[0]!.availability).toBeCloseTo(single.availability!, 13);
      expect(e.fleet.availability).toBeCloseTo(single.availability!, 13);
      expect(e.fleet.investmentEur).toBe(40);
    }
  });

  it("a well-stocked depot leaves each site with Poisson(λ_j·T_j): the three methods coincide", () => {
    const alloc: MetricAllocation = {
      depot: [40, 30],
      sites: [
        [1, 0],
        [0, 2],
      ],
    };
    const [a, b, c] = METHODS.map((method) => evaluateMetric(TWO_SITES, alloc, { method }));
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const lt = TWO_SITES.items[i]!.sites[j]!.demandPerDay * TWO_SITES.sites[j]!.resupplyDays;
        const s = alloc.sites[i]![j]!;
        expect(a!.items[i]!.sites[j]!.expectedBackorders).toBeCloseTo(poissonExpectedBackorders(s, lt), 12);
        expect(b!.items[i]!.sites[j]!.expectedBackorders).toBeCloseTo(poissonExpectedBackorders(s, lt), 10);
        expect(c!.items[i]!.sites[j]!.expectedBackorders).toBeCloseTo(poissonExpectedBackorders(s, lt), 10);
      }
    }
    // Availability: Π_i (1 − EBO_ij/(N_j·Z_ij))^{Z_ij} and fleet = press-weighted mean.
    const e = a!;
    for (let j = 0; j < 2; j++) {
      let prod = 1;
      for (let i = 0; i < 2; i++) {
        const z = TWO_SITES.items[i]!.sites[j]!.socketsPerPress;
        prod *= (1 - e.items[i]!.sites[j]!.expectedBackorders / (TWO_SITES.sites[j]!.presses * z)) ** z;
      }
      expect(e.sites[j]!.availability).toBeCloseTo(prod, 14);
    }
    expect(e.fleet.availability).toBeCloseTo((4 * e.sites[0]!.availability + 3 * e.sites[1]!.availability) / 7, 14);
    expect(e.fleet.investmentEur).toBe(300 * 41 + 900 * 32);
    expect(e.fleet.units).toBe(73);
  });
});

/** The same objective the allocator uses, from a full evaluation (all factors above the 1e-6 floor here). */
function objectiveOf(problem: MetricProblem, alloc: MetricAllocation, kind: "availability" | "ebo", m: MetricMethod) {
  const e = evaluateMetric(problem, alloc, { method: m });
  if (kind === "ebo") return { obj: -e.fleet.expectedBackorders, e };
  const total = problem.sites.reduce((s, x) => s + x.presses, 0);
  let obj = 0;
  problem.sites.forEach((site, j) => {
    obj += (site.presses / total) * Math.log(e.sites[j]!.availability);
  });
  return { obj, e };
}

describe("greedy marginal allocation (Sherbrooke's marginal analysis)", () => {
  // Plenty of sockets so that every factor 1 − EBO/(N·Z) stays positive from zero stock on.
  const roomy: MetricProblem = {
    sites: [
      { id: "a", presses: 12, resupplyDays: 2 },
      { id: "b", presses: 8, resupplyDays: 5 },
    ],
    items: TWO_SITES.items.map((it) => ({ ...it, sites: it.sites.map((s) => ({ ...s, socketsPerPress: 2 })) })),
  };

  for (const objective of ["availability", "ebo"] as const) {
    for (const method of ["metric", "vari-metric", "exact"] as MetricMethod[]) {
      it(`picks the best objective gain per EUR at every step and the curve is monotone (${objective}, ${method})`, () => {
        const curve = metricCurve(roomy, { method, objective, maxSteps: 25 });
        expect(curve.points).toHaveLength(26);
        expect(curve.stopReason).toBe("max-steps");
        const depot = [0, 0];
        const sites = [
          [0, 0],
          [0, 0],
        ];
        let prev = objectiveOf(roomy, { depot, sites }, objective, method);
        for (let k = 1; k < curve.points.length; k++) {
          const p = curve.points[k]!;
          const before = curve.points[k - 1]!;
          // Monotone: cost up, availability up, EBO down.
          expect(p.costEur).toBeGreaterThan(before.costEur);
          expect(p.availability).toBeGreaterThanOrEqual(before.availability - 1e-12);
          expect(p.ebo).toBeLessThanOrEqual(before.ebo + 1e-12);
          // Brute force: every candidate unit, evaluated from scratch.
          let bestRatio = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < 2; i++) {
            for (let loc = -1; loc < 2; loc++) {
              const d = [...depot];
              const s = sites.map((r) => [...r]);
              if (loc < 0) d[i]! += 1;
              else s[i]![loc]! += 1;
              const ratio =
                (objectiveOf(roomy, { depot: d, sites: s }, objective, method).obj - prev.obj) /
                roomy.items[i]!.unitCostEur;
              bestRatio = Math.max(bestRatio, ratio);
            }
          }
          const u = p.added!;
          expect(u.ratioPerEur).toBeGreaterThan(0);
          expect(Math.abs(u.ratioPerEur - bestRatio)).toBeLessThanOrEqual(1e-9 * Math.abs(bestRatio));
          if (u.location < 0) depot[u.item]! += 1;
          else sites[u.item]![u.location]! += 1;
          const now = objectiveOf(roomy, { depot, sites }, objective, method);
          expect(now.obj - prev.obj).toBeCloseTo(u.deltaObjective, 10);
          expect(p.availability).toBeCloseTo(now.e.fleet.availability, 10);
          expect(p.ebo).toBeCloseTo(now.e.fleet.expectedBackorders, 10);
          prev = now;
        }
        expect(curve.allocation).toEqual({ depot, sites });
      });
    }
  }

  it("METRIC's classic result: depot stock pays when the supplier is slow (first units and the 95 % allocation)", () => {
    const a = metricAllocate(TWO_SITES, { targetAvailability: 0.95 }, { method: "vari-metric" });
    expect(a.targetMet).toBe(true);
    expect(a.stopReason).toBe("target");
    expect(a.availability).toBeGreaterThanOrEqual(0.95);
    expect(a.evaluation.fleet.availability).toBeCloseTo(a.availability, 10);
    expect(a.evaluation.fleet.investmentEur).toBe(a.costEur);
    // Every unit has its reason (its marginal value per EUR when it was bought).
    let units = 0;
    for (const it of a.items) {
      for (const loc of [it.depot, ...it.sites]) {
        expect(loc.units).toHaveLength(loc.stock);
        units += loc.stock;
      }
      expect(it.depot.stock).toBeGreaterThan(0);
    }
    expect(units).toBe(a.steps);
    // With T₀ = 45–60 d against T_j = 2–4 d most of the money goes to the depot: one unit per plant, the rest
    // pooled (the first heater-band unit at the depot is worth 1.17e-3 log-availability per EUR, a plant unit 2.5e-4).
    expect(a.allocation).toEqual({
      depot: [12, 4],
      sites: [
        [1, 1],
        [1, 1],
      ],
    });
    expect(a.costEur).toBe(14 * 300 + 6 * 900);
    expect(a.availability).toBeCloseTo(0.9611, 4);
    expect(a.items[0]!.depot.units[0]!.ratioPerEur).toBeCloseTo(1.173e-3, 6);
    expect(a.items[0]!.sites[0]!.units[0]!.ratioPerEur).toBeCloseTo(2.549e-4, 7);
    expect(a.items[0]!.sites[0]!.units[0]!.step).toBeGreaterThan(a.items[0]!.depot.units[0]!.step);
  });

  it("stops at the budget (never above it) or at the target, and says why", () => {
    const curve = metricCurve(TWO_SITES, { budgetEur: 5000 });
    expect(curve.stopReason).toBe("budget");
    const last = curve.points.at(-1)!;
    expect(last.costEur).toBeLessThanOrEqual(5000);
    // Nothing more fits: the cheapest unit costs 300.
    expect(last.costEur).toBeGreaterThan(5000 - 300);
    const byBudget = metricAllocate(TWO_SITES, { budgetEur: 5000 });
    expect(byBudget.costEur).toBe(last.costEur);
    expect(byBudget.targetMet).toBeNull();
    const t = metricCurve(TWO_SITES, { targetAvailability: 0.9 });
    expect(t.stopReason).toBe("target");
    expect(t.points.at(-1)!.availability).toBeGreaterThanOrEqual(0.9);
    expect(t.points.at(-2)!.availability).toBeLessThan(0.9);
    expect(t.targetMet).toBe(true);
  });

  it("ranks heavily backordered items first: zero stock with EBO above the sockets (A = 0) still climbs", () => {
    const tight: MetricProblem = {
      sites: [{ id: "a", presses: 1, resupplyDays: 1 }],
      items: [0.2, 0.05].map((d, i) => ({
        id: `p${i}`,
        unitCostEur: 100,
        supplierLeadTimeDays: 30,
        sites: [{ demandPerDay: d, socketsPerPress: 1 }],
      })),
    };
    const c = metricCurve(tight, { targetAvailability: 0.9 });
    expect(c.points[0]!.availability).toBe(0);
    expect(c.stopReason).toBe("target");
    for (let k = 1; k < c.points.length; k++) {
      expect(c.points[k]!.availability).toBeGreaterThanOrEqual(c.points[k - 1]!.availability);
    }
  });

  it("200 items × 5 sites to 95 %: thousands of units with consistent incremental totals", () => {
    const p = syntheticFleet(200, 5);
    const curve = metricCurve(p, { targetAvailability: 0.95 });
    expect(curve.stopReason).toBe("target");
    const last = curve.points.at(-1)!;
    expect(last.step).toBeGreaterThan(2000);
    const e = evaluateMetric(p, curve.allocation);
    expect(e.fleet.availability).toBeCloseTo(last.availability, 9);
    expect(e.fleet.expectedBackorders).toBeCloseTo(last.ebo, 8);
    expect(e.fleet.investmentEur).toBeCloseTo(last.costEur, 6);
  });

  it("refuses bad problems and allocations with coded errors", () => {
    const bad: [() => unknown, string][] = [
      [() => evaluateMetric({ sites: [], items: [] }, { depot: [], sites: [] }), "sites"],
      [
        () =>
          evaluateMetric(
            { ...TWO_SITES, items: [{ ...TWO_SITES.items[0]!, sites: [TWO_SITES.items[0]!.sites[0]!] }] },
            { depot: [0], sites: [[0]] },
          ),
        "items[0].sites",
      ],
      [
        () =>
          evaluateMetric(
            {
              ...TWO_SITES,
              items: [
                {
                  ...TWO_SITES.items[0]!,
                  sites: [{ demandPerDay: -1, socketsPerPress: 1 }, TWO_SITES.items[0]!.sites[1]!],
                },
              ],
            },
            { depot: [0], sites: [[0, 0]] },
          ),
        "items[0].sites[0].demandPerDay",
      ],
      [
        () =>
          evaluateMetric(TWO_SITES, {
            depot: [0, 1.5],
            sites: [
              [0, 0],
              [0, 0],
            ],
          }),
        "allocation.depot[1]",
      ],
      [
        () =>
          evaluateMetric(
            TWO_SITES,
            {
              depot: [0, 0],
              sites: [
                [0, 0],
                [0, 0],
              ],
            },
            { method: "x" as MetricMethod },
          ),
        "method",
      ],
      [() => metricCurve(TWO_SITES, { targetAvailability: 1 }), "targetAvailability"],
      [() => metricAllocate(TWO_SITES, { budgetEur: 10, targetAvailability: 0.9 } as never), "goal"],
    ];
    for (const [f, field] of bad) {
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
