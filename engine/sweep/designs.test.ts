import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import {
  type DesignSpec,
  designPoint,
  designSize,
  gridLevel,
  SOBOL_MAX_DIMS,
  sobolPointUnscrambled,
} from "./designs.ts";

function allPoints(d: DesignSpec): Float64Array {
  const n = designSize(d);
  const out = new Float64Array(n * d.dims);
  for (let i = 0; i < n; i++) designPoint(d, i, out, i * d.dims);
  return out;
}

function expectValidationError(f: () => unknown, field: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MoldtwinError);
    expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
    expect((e as MoldtwinError).details[0]?.field).toBe(field);
    return;
  }
  throw new Error(`expected a validation error on ${field}`);
}

describe("grid", () => {
  const spec: DesignSpec = { kind: "grid", dims: 3, levels: [3, 2, 4], seed: 0 };

  it("is a mixed-radix full factorial with dim 0 fastest and coordinates k/(L−1)", () => {
    expect(designSize(spec)).toBe(24);
    const pts = allPoints(spec);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const k0 = i % 3;
      const k1 = Math.floor(i / 3) % 2;
      const k2 = Math.floor(i / 6) % 4;
      expect([gridLevel([3, 2, 4], i, 0), gridLevel([3, 2, 4], i, 1), gridLevel([3, 2, 4], i, 2)]).toEqual([
        k0,
        k1,
        k2,
      ]);
      expect(pts[i * 3]).toBe(k0 / 2);
      expect(pts[i * 3 + 1]).toBe(k1 / 1);
      expect(pts[i * 3 + 2]).toBe(k2 / 3);
      seen.add(`${k0},${k1},${k2}`);
    }
    expect(seen.size).toBe(24);
  });

  it("writes at an offset and leaves the rest of the buffer alone", () => {
    const out = new Float64Array(7).fill(-1);
    designPoint(spec, 23, out, 2);
    expect(Array.from(out)).toEqual([-1, -1, 1, 1, 1, -1, -1]);
  });
});

describe("lhs", () => {
  it("puts exactly one point in each of the N strata of every dim", () => {
    for (const n of [1, 2, 3, 7, 64, 100, 257]) {
      const spec: DesignSpec = { kind: "lhs", dims: 5, points: n, seed: 42 };
      const pts = allPoints(spec);
      for (let j = 0; j < 5; j++) {
        const hits = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const x = pts[i * 5 + j]!;
          expect(x).toBeGreaterThan(0);
          expect(x).toBeLessThan(1);
          hits[Math.floor(x * n)]!++;
        }
        expect(hits.every((h) => h === 1)).toBe(true);
      }
    }
  });

  it("stays a permutation at awkward sizes and addresses points of the largest design", () => {
    const n = 2 ** 16 + 1; // worst case for cycle-walking: the domain is almost twice n
    const spec: DesignSpec = { kind: "lhs", dims: 1, points: n, seed: 123 };
    const out = new Float64Array(1);
    const hits = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      designPoint(spec, i, out);
      hits[Math.floor(out[0]! * n)]!++;
    }
    expect(hits.every((h) => h === 1)).toBe(true);
    const big: DesignSpec = { kind: "lhs", dims: 3, points: 2 ** 31, seed: 1 };
    const p = new Float64Array(3);
    designPoint(big, 2 ** 31 - 1, p);
    for (const x of p) expect(x > 0 && x < 1).toBe(true);
  });

  it("is a pure function of (seed, index): same seed identical, chunked order irrelevant, other seed differs", () => {
    const a = allPoints({ kind: "lhs", dims: 4, points: 50, seed: 7 });
    const b = allPoints({ kind: "lhs", dims: 4, points: 50, seed: 7 });
    expect(b).toEqual(a);
    const backwards = new Float64Array(200);
    for (let i = 49; i >= 0; i--) designPoint({ kind: "lhs", dims: 4, points: 50, seed: 7 }, i, backwards, i * 4);
    expect(backwards).toEqual(a);
    const c = allPoints({ kind: "lhs", dims: 4, points: 50, seed: 8 });
    let same = 0;
    for (let k = 0; k < a.length; k++) if (Math.floor(a[k]! * 50) === Math.floor(c[k]! * 50)) same++;
    expect(same).toBeLessThan(20); // ≈ 200/50 = 4 expected by chance
  });

  it("permutes strata differently in different dims", () => {
    const pts = allPoints({ kind: "lhs", dims: 2, points: 200, seed: 1 });
    let same = 0;
    for (let i = 0; i < 200; i++) if (Math.floor(pts[2 * i]! * 200) === Math.floor(pts[2 * i + 1]! * 200)) same++;
    expect(same).toBeLessThan(10);
  });
});

describe("sobol", () => {
  it("reproduces the classic first points in dims 1–3 (index from 1, x/2^32)", () => {
    const expected = [
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
    ];
    for (let n = 1; n <= 5; n++) {
      expect([0, 1, 2].map((d) => sobolPointUnscrambled(n, d))).toEqual(expected[n - 1]);
    }
    expect([0, 1, 2].map((d) => sobolPointUnscrambled(0, d))).toEqual([0, 0, 0]);
  });

  it("matches SciPy's Joe–Kuo table in high dims (qmc.Sobol(64, scramble=False, bits=32))", () => {
    // [n, 0-based dim, x·2^32] from scipy 1.17 `qmc.Sobol(64, scramble=False, bits=32).random(4096)`.
    const golden: [number, number, number][] = [
      [100, 5, 3187671040],
      [1000, 15, 1589641216],
      [4095, 31, 376438784],
      [2049, 63, 4035969024],
      [777, 47, 138412032],
    ];
    for (const [n, d, x] of golden) expect(sobolPointUnscrambled(n, d) * 2 ** 32).toBe(x);
    expect(SOBOL_MAX_DIMS).toBeGreaterThanOrEqual(16);
  });

  it("stratifies: the first 2^k points fill every dyadic interval once in every dim", () => {
    for (const k of [1, 4, 8, 10]) {
      const n = 2 ** k;
      for (let d = 0; d < SOBOL_MAX_DIMS; d++) {
        const hits = new Uint8Array(n);
        for (let i = 0; i < n; i++) hits[Math.floor(sobolPointUnscrambled(i, d) * n)]!++;
        expect(
          hits.every((h) => h === 1),
          `k=${k} dim=${d}`,
        ).toBe(true);
      }
    }
  });

  it("is a (0, m, 2)-net in dims (1, 2): each 2^-a × 2^-(k−a) box holds one of the first 2^k points", () => {
    for (const [k, a] of [
      [2, 1],
      [4, 1],
      [4, 2],
      [6, 3],
      [8, 5],
      [10, 0],
      [10, 7],
    ] as const) {
      const n = 2 ** k;
      const hits = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const bx = Math.floor(sobolPointUnscrambled(i, 0) * 2 ** a);
        const by = Math.floor(sobolPointUnscrambled(i, 1) * 2 ** (k - a));
        hits[bx * 2 ** (k - a) + by]!++;
      }
      expect(
        hits.every((h) => h === 1),
        `k=${k} a=${a}`,
      ).toBe(true);
    }
  });

  it("designPoint is sequence point index+1 under a seeded digital shift, strictly inside (0, 1)", () => {
    const spec: DesignSpec = { kind: "sobol", dims: 8, points: 1024, seed: 3 };
    const pts = allPoints(spec);
    // The shift is one XOR word per dim: recover it from point 0 and check it explains every other point.
    for (let d = 0; d < 8; d++) {
      const shift = (pts[d]! * 2 ** 32 - 0.5) ^ (sobolPointUnscrambled(1, d) * 2 ** 32);
      for (let i = 0; i < 1024; i++) {
        const x = pts[i * 8 + d]!;
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(1);
        expect(((x * 2 ** 32 - 0.5) ^ shift) >>> 0).toBe(sobolPointUnscrambled(i + 1, d) * 2 ** 32);
      }
    }
    expect(allPoints(spec)).toEqual(pts);
    const other = allPoints({ ...spec, seed: 4 });
    expect(other).not.toEqual(pts);
  });

  it("a digital shift keeps the one-dimensional stratification of a 2^k block", () => {
    // Design indices 2^k−1 … 2^(k+1)−2 are sequence points 2^k … 2^(k+1)−1, a shifted copy of a net.
    const k = 7;
    const n = 2 ** k;
    const spec: DesignSpec = { kind: "sobol", dims: 16, points: 2 * n, seed: 99 };
    const out = new Float64Array(16);
    const hits = new Uint8Array(16 * n);
    for (let i = n - 1; i < 2 * n - 1; i++) {
      designPoint(spec, i, out);
      for (let d = 0; d < 16; d++) hits[d * n + Math.floor(out[d]! * n)]!++;
    }
    expect(hits.every((h) => h === 1)).toBe(true);
  });
});

describe("validation", () => {
  it("rejects bad specs with TWIN_ERR_VALIDATION naming the field", () => {
    expectValidationError(() => designSize({ kind: "lhs", dims: 0, points: 4, seed: 0 }), "dims");
    expectValidationError(() => designSize({ kind: "sobol", dims: SOBOL_MAX_DIMS + 1, points: 4, seed: 0 }), "dims");
    expectValidationError(() => designSize({ kind: "grid", dims: 2, seed: 0 }), "levels");
    expectValidationError(() => designSize({ kind: "grid", dims: 2, levels: [3], seed: 0 }), "levels");
    expectValidationError(() => designSize({ kind: "grid", dims: 2, levels: [3, 1], seed: 0 }), "levels[1]");
    expectValidationError(() => designSize({ kind: "lhs", dims: 2, points: 0, seed: 0 }), "points");
    expectValidationError(() => designSize({ kind: "sobol", dims: 2, seed: 0 }), "points");
    expectValidationError(() => designSize({ kind: "sobol", dims: 2, points: 8, seed: 0.5 }), "seed");
    expectValidationError(() => designSize({ kind: "nope" as "grid", dims: 2, seed: 0 }), "kind");
    const out = new Float64Array(2);
    expectValidationError(() => designPoint({ kind: "lhs", dims: 2, points: 4, seed: 0 }, 4, out), "index");
    expectValidationError(() => designPoint({ kind: "lhs", dims: 2, points: 4, seed: 0 }, 0, out, 1), "offset");
  });
});
