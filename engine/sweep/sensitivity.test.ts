import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import { saltelliSampleSize, sobolIndices, type VectorModel } from "./sensitivity.ts";

/** Ishigami & Homma (1990), a = 7, b = 0.1, x_i ∈ [−π, π]; a second output is a constant. */
const ishigami: VectorModel = (u, n, out) => {
  for (let r = 0; r < n; r++) {
    const x1 = -Math.PI + 2 * Math.PI * u[3 * r]!;
    const x2 = -Math.PI + 2 * Math.PI * u[3 * r + 1]!;
    const x3 = -Math.PI + 2 * Math.PI * u[3 * r + 2]!;
    const s2 = Math.sin(x2);
    out[2 * r] = Math.sin(x1) + 7 * s2 * s2 + 0.1 * x3 ** 4 * Math.sin(x1);
    out[2 * r + 1] = 0.1;
  }
};

describe("sobolIndices", () => {
  it("recovers the analytic Ishigami indices with N = 8192, in one model call", async () => {
    let calls = 0;
    let rows = 0;
    const model: VectorModel = (u, n, out) => {
      calls++;
      rows = n;
      expect(u.length).toBe(3 * n);
      expect(out.length).toBe(2 * n);
      return ishigami(u, n, out);
    };
    const r = await sobolIndices(model, { dims: 3, outputs: 2, baseSamples: 8192, seed: 11 });
    expect(calls).toBe(1);
    expect(rows).toBe(8192 * 5);
    expect(r.evaluations).toBe(saltelliSampleSize(3, 8192));
    const s1 = [0.3139, 0.4424, 0];
    const st = [0.5576, 0.4424, 0.2437];
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(r.first[i]! - s1[i]!)).toBeLessThan(0.02);
      expect(Math.abs(r.total[i]! - st[i]!)).toBeLessThan(0.02);
      // The CIs are informative: positive, and narrow at this N.
      expect(r.firstCi[i]!).toBeGreaterThan(0);
      expect(r.firstCi[i]!).toBeLessThan(0.05);
      expect(r.totalCi[i]!).toBeGreaterThan(0);
      expect(r.totalCi[i]!).toBeLessThan(0.05);
    }
    // V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2.
    const v = 49 / 8 + (0.1 * Math.PI ** 4) / 5 + (0.01 * Math.PI ** 8) / 18 + 0.5;
    expect(Math.abs(r.variance[0]! - v) / v).toBeLessThan(0.02);
    // The constant output: zero variance, indices exactly 0 and never NaN.
    expect(r.variance[1]).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(r.first[3 + i]).toBe(0);
      expect(r.total[3 + i]).toBe(0);
      expect(r.firstCi[3 + i]).toBe(0);
      expect(r.totalCi[3 + i]).toBe(0);
    }
  });

  it("gives S_i = ST_i = c_i² / Σc_j² for an additive linear model, whatever its offset", async () => {
    const c = [1, -2, 0.5, 3, 0];
    const linear: VectorModel = (u, n, out) => {
      for (let r = 0; r < n; r++) {
        let y = 1e4; // a large mean: centring keeps it from adding noise
        for (let i = 0; i < c.length; i++) y += c[i]! * u[r * c.length + i]!;
        out[r] = y;
      }
    };
    const r = await sobolIndices(linear, { dims: 5, outputs: 1, baseSamples: 2048, seed: 5, bootstrap: 50 });
    const sumSq = c.reduce((s, x) => s + x * x, 0);
    for (let i = 0; i < c.length; i++) {
      const exact = (c[i]! * c[i]!) / sumSq;
      expect(Math.abs(r.first[i]! - exact)).toBeLessThan(0.01);
      expect(Math.abs(r.total[i]! - exact)).toBeLessThan(0.01);
    }
    expect(Math.abs(r.variance[0]! - sumSq / 12) / (sumSq / 12)).toBeLessThan(0.01);
  });

  it("is deterministic by seed (indices and bootstrap CIs), and the seed matters", async () => {
    const o = { dims: 3, outputs: 2, baseSamples: 512, seed: 3, bootstrap: 40 };
    const a = await sobolIndices(ishigami, o);
    const b = await sobolIndices(async (u, n, out) => ishigami(u, n, out), o);
    expect(b.first).toEqual(a.first);
    expect(b.total).toEqual(a.total);
    expect(b.firstCi).toEqual(a.firstCi);
    expect(b.totalCi).toEqual(a.totalCi);
    expect(b.variance).toEqual(a.variance);
    const c = await sobolIndices(ishigami, { ...o, seed: 4 });
    expect(c.first).not.toEqual(a.first);
  });

  it("leaves CIs NaN with bootstrap 0, rejects bad options and non-finite model output", async () => {
    const r = await sobolIndices(ishigami, { dims: 3, outputs: 2, baseSamples: 64, seed: 1, bootstrap: 0 });
    expect(Number.isNaN(r.firstCi[0])).toBe(true);
    expect(Number.isFinite(r.first[0])).toBe(true);
    const bad = [
      { dims: 0, outputs: 1, baseSamples: 64, seed: 1 },
      { dims: 33, outputs: 1, baseSamples: 64, seed: 1 },
      { dims: 3, outputs: 0, baseSamples: 64, seed: 1 },
      { dims: 3, outputs: 1, baseSamples: 1, seed: 1 },
      { dims: 3, outputs: 1, baseSamples: 64, seed: 1, bootstrap: -1 },
    ];
    for (const o of bad) {
      await expect(sobolIndices(ishigami, o)).rejects.toMatchObject({ code: "TWIN_ERR_VALIDATION" });
    }
    const nan: VectorModel = (_u, n, out) => {
      out.fill(1);
      out[n - 1] = Number.NaN;
    };
    const e = await sobolIndices(nan, { dims: 2, outputs: 1, baseSamples: 8, seed: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MoldtwinError);
    expect((e as MoldtwinError).code).toBe("SIM_ERR_NON_FINITE");
  });
});
