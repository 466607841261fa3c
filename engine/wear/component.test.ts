/**
 * The component library and the ComponentLife contract the fleet forecast and the PdM backtest rely on:
 * cards validate, assumptions are listed, parts apply to the right presses, signatures start at newValue and end
 * at failureValue, and the median-unit wear state moves the way wear does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMPONENTS, getComponent, listComponents } from "../../twin-models/library/components.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { ComponentCard, parseComponentCard } from "../../twin-models/schemas/component.ts";
import { parse } from "../../twin-models/validate.ts";
import { MoldtwinError } from "../errors.ts";
import { starterSettings } from "../molding/starterSettings.ts";
import { componentLife, componentsFor, wornAdjustments } from "./component.ts";
import { type Duty, dutyOf } from "./duty.ts";
import { testDuty } from "./testDuty.ts";

fc.configureGlobal({ seed: 20261121 });

/** The demo plants' press lines (seeds/generate.ts). */
const LINES: [machine: string, mold: string, material: string][] = [
  ["e110-all-electric", "clip-4cav-auto", "pp-isofil-hk10-tvhm"],
  ["sh250-servo-hydraulic", "bezel-2cav-auto", "pp-isofil-hk10-tvhm"],
  ["h450-hydraulic", "bezel-2cav-auto", "pp-isofil-hk10-tvhm"],
  ["e110-all-electric", "medical-cap-8cav", "ps-styron-678e"],
  ["sh250-servo-hydraulic", "container-thinwall-2cav", "hdpe-sabic"],
];
const DUTIES: { label: string; duty: Duty }[] = LINES.map(([machine, mold, material]) => {
  const twin = resolveTwin({ machine, mold, material });
  return { label: `${machine} / ${mold}`, duty: dutyOf(twin, starterSettings(twin), 24) };
});
const dutyOfLine = (machine: string, mold: string): Duty =>
  DUTIES.find((d) => d.label === `${machine} / ${mold}`)!.duty;

describe("component library", () => {
  it("every card validates against its kind's schema and the union schema; ids unique; getComponent finds each", () => {
    const cards = listComponents();
    expect(cards.length).toBe(COMPONENTS.length);
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
    for (const c of cards) {
      expect(() => parse(ComponentCard, c, "test")).not.toThrow();
      expect(getComponent(c.id)).toBe(c);
      expect(Object.isFrozen(c.model)).toBe(true);
    }
    expect(cards.some((c) => c.id === "check-ring-std")).toBe(true);
  });

  it("every card with trust 'assumed' lists its assumed fields, and each names a real field of the card", () => {
    const has = (obj: unknown, path: string): boolean =>
      path
        .split(".")
        .reduce<unknown>(
          (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
          obj,
        ) !== undefined;
    for (const c of listComponents()) {
      if (c.trust !== "assumed") continue;
      expect(c.assumed?.length ?? 0, c.id).toBeGreaterThan(0);
      for (const entry of c.assumed ?? []) expect(has(c, entry.split(" ")[0]!), `${c.id}: ${entry}`).toBe(true);
    }
  });

  it("a bad card fails with the field, value, unit and allowed range", () => {
    const bad = { ...COMPONENTS[0]!, model: { ...(COMPONENTS[0]!.model as object), failureClearanceRatio: 0.5 } };
    try {
      parseComponentCard(bad, "card");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoldtwinError);
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]?.field).toBe("card.model.failureClearanceRatio");
      expect((e as MoldtwinError).details[0]?.allowed).toContain("> 1");
    }
    expect(() => parseComponentCard({ ...COMPONENTS[0]!, kind: "gearbox" }, "card")).toThrow(/kind/);
    expect(() => getComponent("no-such-part")).toThrow(MoldtwinError);
  });
});

describe("which parts a press has", () => {
  const kinds = (d: Duty): string[] => componentsFor(d).map((c) => c.card.kind);

  it("no hydraulic oil or pump on an all-electric press; a ball screw only there", () => {
    const e = kinds(dutyOfLine("e110-all-electric", "clip-4cav-auto"));
    expect(e).not.toContain("hydraulic-oil");
    expect(e).not.toContain("hydraulic-pump");
    expect(e).toContain("ball-screw");
    const h = kinds(dutyOfLine("h450-hydraulic", "bezel-2cav-auto"));
    expect(h).toContain("hydraulic-oil");
    expect(h).not.toContain("ball-screw");
  });

  it("the right pump per drive; toggle bushings on toggle presses only (the 450 t hydraulic has a direct clamp)", () => {
    const ids = (d: Duty): string[] => componentsFor(d).map((c) => c.card.id);
    expect(ids(dutyOfLine("h450-hydraulic", "bezel-2cav-auto"))).toContain("hydraulic-pump-fixed");
    expect(ids(dutyOfLine("sh250-servo-hydraulic", "bezel-2cav-auto"))).toContain("hydraulic-pump-servo");
    expect(ids(dutyOfLine("sh250-servo-hydraulic", "bezel-2cav-auto"))).not.toContain("hydraulic-pump-fixed");
    expect(kinds(dutyOfLine("h450-hydraulic", "bezel-2cav-auto"))).not.toContain("toggle-bushing");
    expect(kinds(dutyOfLine("e110-all-electric", "clip-4cav-auto"))).toContain("toggle-bushing");
  });

  it("mold parts count per cavity and per hot-runner drop; hot-runner heaters only on hot-runner molds", () => {
    const clip = componentsFor(dutyOfLine("e110-all-electric", "clip-4cav-auto"));
    expect(clip.find((c) => c.card.kind === "mold-ejector-pins")!.card.perPress).toBe(2 * 4);
    expect(clip.some((c) => c.card.kind === "mold-hot-runner-nozzle")).toBe(false);
    const container = componentsFor(dutyOfLine("sh250-servo-hydraulic", "container-thinwall-2cav"));
    expect(container.find((c) => c.card.kind === "mold-hot-runner-nozzle")!.card.perPress).toBe(2);
    expect(getComponent("mold-ejector-pin").perPress).toBe(2);
  });
});

describe("ComponentLife contract on every library press", () => {
  const all = DUTIES.flatMap(({ label, duty }) => componentsFor(duty).map((part) => ({ label, part })));

  it("lives are proper distributions with finite quantiles; signatures run from newValue to failureValue", () => {
    for (const { label, part } of all) {
      const name = `${label} ${part.card.id}`;
      const s = part.signature;
      expect(Number.isFinite(s.newValue) && Number.isFinite(s.failureValue), name).toBe(true);
      expect(s.failureValue, name).toBeGreaterThan(s.newValue);
      expect(s.alertValue, name).toBeGreaterThan(s.newValue);
      expect(s.alertValue, name).toBeLessThan(s.failureValue);
      expect(s.noiseSd, name).toBeGreaterThanOrEqual(0);
      for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
        const lifeH = part.life.quantile(q);
        expect(Number.isFinite(lifeH) && lifeH > 0, name).toBe(true);
        expect(part.signatureAt(0, lifeH), name).toBeCloseTo(s.newValue, 9);
        expect(part.signatureAt(lifeH, lifeH), name).toBeCloseTo(s.failureValue, 9);
      }
    }
  });

  it("signatures never move backwards with age and stay within [newValue, failureValue]", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ part }, q, a, b) => {
          const lifeH = part.life.quantile(q);
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const y1 = part.signatureAt(lo * lifeH, lifeH);
          const y2 = part.signatureAt(hi * lifeH, lifeH);
          expect(y2).toBeGreaterThanOrEqual(y1 - 1e-12);
          expect(y1).toBeGreaterThanOrEqual(part.signature.newValue - 1e-12);
          expect(y2).toBeLessThanOrEqual(part.signature.failureValue + 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("degradation paths are exact: a unit failing at L is the nominal path at age·(T_nom/L)", () => {
    for (const kind of ["screw-barrel", "check-ring", "toggle-bushing"]) {
      const part = all.find(({ part }) => part.card.kind === kind)!.part;
      const median = part.life.quantile(0.5);
      const fast = part.life.quantile(0.1);
      expect(part.signatureAt(0.6 * fast, fast)).toBeCloseTo(part.signatureAt(0.6 * median, median), 10);
    }
  });

  it("hazard parts stay at newValue until the P–F interval before failure", () => {
    const heater = componentLife(getComponent("heater-band-mica"), testDuty());
    const pf = 168;
    expect(heater.signatureAt(10_000 - pf - 1, 10_000)).toBe(heater.signature.newValue);
    expect(heater.signatureAt(10_000 - pf / 2, 10_000)).toBeGreaterThan(heater.signature.newValue);
    expect(heater.adjustmentsAt(5000, 10_000)).toEqual({});
  });

  it("a hand-made duty with a NaN is refused, not propagated", () => {
    expect(() => componentsFor({ ...testDuty(), cycleTimeS: Number.NaN })).toThrow(MoldtwinError);
    expect(() => componentsFor({ ...testDuty(), fillerFraction: 2 })).toThrow(/fillerFraction/);
  });
});

describe("wornAdjustments", () => {
  const duty = dutyOfLine("e110-all-electric", "clip-4cav-auto");

  it("new press: no leakage, full output", () => {
    expect(wornAdjustments(duty, 0)).toEqual({ checkRingLeakageFraction: 0, screwOutputFactor: 1 });
  });

  it("older → more leakage and less output; a faster-wearing unit (lower quantile) is worse", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.double({ min: 1, max: 5000, noNaN: true }),
        (h, dh) => {
          const a = wornAdjustments(duty, h);
          const b = wornAdjustments(duty, h + dh);
          expect(b.checkRingLeakageFraction!).toBeGreaterThanOrEqual(a.checkRingLeakageFraction!);
          expect(b.screwOutputFactor!).toBeLessThanOrEqual(a.screwOutputFactor!);
        },
      ),
    );
    const median = wornAdjustments(duty, 3000, 0.5);
    const fast = wornAdjustments(duty, 3000, 0.1);
    expect(fast.checkRingLeakageFraction!).toBeGreaterThan(median.checkRingLeakageFraction!);
    expect(fast.screwOutputFactor!).toBeLessThan(median.screwOutputFactor!);
  });

  it("a part past its life is held at its failure state", () => {
    const late = wornAdjustments(duty, 1e6);
    expect(late.checkRingLeakageFraction).toBeCloseTo(0.15, 12);
    expect(late.screwOutputFactor).toBeCloseTo(1 - (0.25 * (2.5 ** 3 - 1)) / 7, 12);
  });

  it("rejects a negative age and a quantile outside (0, 1)", () => {
    expect(() => wornAdjustments(duty, -1)).toThrow(MoldtwinError);
    expect(() => wornAdjustments(duty, 10, 1)).toThrow(MoldtwinError);
  });
});
