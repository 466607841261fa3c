/**
 * Library cards: every card validates against its schema, the traceable materials carry exactly the numbers of
 * molding.md §3.1 (written out here from the reference, not read back from the cards), the representative
 * grades of §3.2 are labelled unverified, and an unknown id fails with a stable code that lists what exists.
 */
import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../engine/errors.ts";
import { MATERIAL_IDS, REFERENCE_CROSS_WLF, REFERENCE_TAIT } from "../test/reference.ts";
import { getCard, getMachine, getMaterial, getMold, type LibraryKind, listCards } from "./library/index.ts";
import { Machine } from "./schemas/machine.ts";
import { Material } from "./schemas/material.ts";
import { Mold } from "./schemas/mold.ts";
import { parse } from "./validate.ts";

const KINDS: LibraryKind[] = ["material", "machine", "mold"];

const EXPECTED_IDS: Record<LibraryKind, string[]> = {
  material: MATERIAL_IDS,
  machine: ["e110-all-electric", "sh250-servo-hydraulic", "h450-hydraulic"],
  mold: ["clip-4cav-auto", "bezel-2cav-auto", "medical-cap-8cav", "container-thinwall-2cav"],
};

describe("every library card validates", () => {
  it.each(KINDS)("listCards(%s) parses every card against its schema, ids unique", (kind) => {
    const cards = listCards(kind);
    expect(cards.map((c) => c.id).sort()).toEqual([...EXPECTED_IDS[kind]].sort());
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
    for (const c of cards) {
      expect(c.source.length).toBeGreaterThanOrEqual(3);
      expect(["traceable", "unverified", "assumed"]).toContain(c.trust);
    }
  });

  it("each card also passes a direct schema parse and getCard returns the same card", () => {
    const schemas = { material: Material, machine: Machine, mold: Mold } as const;
    for (const kind of KINDS) {
      for (const card of listCards(kind)) {
        expect(() => parse(schemas[kind], card, `test.${kind}`)).not.toThrow();
        expect(getCard(kind, card.id)).toEqual(card);
      }
    }
  });

  it("material cards are physically consistent: no-flow above ejection, ranges ordered, melt range below max", () => {
    for (const m of listCards("material")) {
      expect(m.noFlowTempC).toBeGreaterThan(m.ejectionTempC);
      expect(m.meltTempC.min).toBeLessThanOrEqual(m.meltTempC.recommended);
      expect(m.meltTempC.recommended).toBeLessThanOrEqual(m.meltTempC.max);
      expect(m.meltTempC.max).toBeLessThanOrEqual(m.maxMeltTempC);
      expect(m.meltTempC.min).toBeGreaterThan(m.noFlowTempC);
      expect(m.moldTempC.min).toBeLessThanOrEqual(m.moldTempC.recommended);
      expect(m.moldTempC.recommended).toBeLessThanOrEqual(m.moldTempC.max);
      // The whole recommended mold range must be runnable: checkSettings rejects a mold at or above ejection.
      expect(m.moldTempC.max).toBeLessThan(m.ejectionTempC);
      expect(m.crossWlf.etaMinPaS).toBeLessThan(m.crossWlf.etaMaxPaS);
      // Amorphous grades: no crystalline Tait term and no heat of fusion (molding.md §2.2).
      if (m.morphology === "amorphous") {
        expect([m.tait.b7, m.tait.b8, m.tait.b9]).toEqual([0, 0, 0]);
        expect(m.crystallinityFraction).toBe(0);
      } else {
        expect(m.tait.b7).toBeGreaterThan(0);
        expect(m.heatOfFusionJPerKg * m.crystallinityFraction).toBeGreaterThan(0);
      }
    }
  });
});

describe("traceable materials carry exactly the molding.md §3.1 numbers", () => {
  it.each(Object.keys(REFERENCE_CROSS_WLF) as (keyof typeof REFERENCE_CROSS_WLF)[])(
    "%s: every Cross-WLF parameter, trust traceable",
    (id) => {
      const m = getMaterial(id);
      expect(m.trust).toBe("traceable");
      for (const [key, value] of Object.entries(REFERENCE_CROSS_WLF[id])) {
        expect(m.crossWlf[key as keyof typeof m.crossWlf], `${id}.crossWlf.${key}`).toBe(value);
      }
    },
  );

  it.each(Object.keys(REFERENCE_TAIT) as (keyof typeof REFERENCE_TAIT)[])("%s: every Tait coefficient", (id) => {
    const m = getMaterial(id);
    for (const [key, value] of Object.entries(REFERENCE_TAIT[id])) {
      expect(m.tait[key as keyof typeof m.tait], `${id}.tait.${key}`).toBe(value);
    }
  });

  it("PS 678E: λ 0.22 W/(m·K) and T_noFlow 373.15 K (= 100 °C)", () => {
    const ps = getMaterial("ps-styron-678e");
    expect(ps.thermalConductivityWPerMK).toBe(0.22);
    expect(ps.noFlowTempC + 273.15).toBeCloseTo(373.15, 10);
    expect(ps.morphology).toBe("amorphous");
  });

  it("PP ISOFIL HK 10 TVHM: the MAT4408 recommended processing values", () => {
    const pp = getMaterial("pp-isofil-hk10-tvhm");
    expect(pp.moldTempC).toEqual({ min: 20, recommended: 35, max: 50 });
    expect(pp.meltTempC).toEqual({ min: 210, recommended: 228, max: 245 });
    expect(pp.maxMeltTempC).toBe(285);
    expect(pp.ejectionTempC).toBe(120);
    expect(pp.maxShearStressMPa).toBe(0.25);
    expect(pp.maxShearRate1s).toBe(1e5);
    expect(pp.fillerFraction).toBe(0.1);
  });

  it("fields of a traceable card that differ from, or are absent in, the cited source are listed as assumed", () => {
    const assumedText = (id: string): string => (getMaterial(id).assumed ?? []).join(" | ");
    // The PP Tait set is not in MAT4408's public pages (molding.md §3.1 gives none): it must be declared.
    expect(assumedText("pp-isofil-hk10-tvhm")).toMatch(/tait/);
    // HDPE's source T_noFlow is 333.15 K (60 °C); the card uses another value, so it must say so.
    const hdpe = getMaterial("hdpe-sabic");
    if (hdpe.noFlowTempC !== 60) expect(assumedText("hdpe-sabic")).toMatch(/noFlowTempC/);
    // The Cross-WLF and Tait rows that *are* traceable must not be listed as assumptions.
    for (const id of ["ps-styron-678e", "hdpe-sabic", "pp-isofil-hk10-tvhm"]) {
      expect(assumedText(id)).not.toMatch(/crossWlf/);
    }
    for (const id of ["ps-styron-678e", "hdpe-sabic"]) expect(assumedText(id)).not.toMatch(/tait/);
  });
});

describe("representative grades of molding.md §3.2 are labelled unverified", () => {
  // molding.md §3.2 table: n, τ*, D1, D2, A1, Ã2.
  const REPRESENTATIVE = {
    "abs-generic": { n: 0.2694, tauStarPa: 30820, d1PaS: 4.89e10, d2K: 373.15, a1: 23.76, a2TildeK: 51.6 },
    "pc-generic": { n: 0.1816, tauStarPa: 307100, d1PaS: 5.73e14, d2K: 418.15, a1: 35.5, a2TildeK: 51.6 },
    "pa66-generic": { n: 0.2618, tauStarPa: 91200, d1PaS: 4.42e12, d2K: 333.15, a1: 32.15, a2TildeK: 51.6 },
    "pom-generic": { n: 0.2958, tauStarPa: 62400, d1PaS: 5.42e10, d2K: 268.15, a1: 25.1, a2TildeK: 51.6 },
  } as const;

  it.each(Object.keys(REPRESENTATIVE) as (keyof typeof REPRESENTATIVE)[])(
    "%s: trust unverified, source named, §3.2 values",
    (id) => {
      const m = getMaterial(id);
      expect(m.trust).toBe("unverified");
      expect(m.source).toMatch(/moldsim-mcp/);
      for (const [key, value] of Object.entries(REPRESENTATIVE[id])) {
        expect(m.crossWlf[key as keyof typeof m.crossWlf], `${id}.crossWlf.${key}`).toBe(value);
      }
    },
  );

  it("only the three §3.1 grades are traceable", () => {
    const traceable = listCards("material")
      .filter((m) => m.trust === "traceable")
      .map((m) => m.id)
      .sort();
    expect(traceable).toEqual(["hdpe-sabic", "pp-isofil-hk10-tvhm", "ps-styron-678e"]);
  });
});

describe("unknown library ids", () => {
  const getters = { material: getMaterial, machine: getMachine, mold: getMold } as const;

  it.each(KINDS)("an unknown %s id throws TWIN_ERR_UNKNOWN_ID listing the known ids", (kind) => {
    let caught: unknown;
    try {
      getters[kind]("no-such-card");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MoldtwinError);
    const err = caught as MoldtwinError;
    expect(err.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(err.httpStatus).toBe(404);
    expect(err.details.length).toBeGreaterThan(0);
    const detail = err.details[0];
    expect(detail?.field).toBe(kind);
    expect(detail?.value).toBe("no-such-card");
    for (const id of EXPECTED_IDS[kind]) {
      expect(detail?.allowed).toContain(id);
    }
  });

  it("ids are matched exactly: case and whitespace variants are unknown", () => {
    for (const bad of ["PS-STYRON-678E", " ps-styron-678e", "ps-styron"]) {
      expect(() => getMaterial(bad)).toThrow(MoldtwinError);
    }
  });
});
