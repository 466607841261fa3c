import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import { brentMinimize, brentRoot, hessian, integrate, invertSymmetric, nelderMead } from "./numeric.ts";

describe("brentRoot", () => {
  it("finds √2, the Dottie number and a root at a bracket end", () => {
    expect(brentRoot((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 12);
    // Dottie number: the fixed point of cos, 0.7390851332151607 (OEIS A003957).
    expect(brentRoot((x) => Math.cos(x) - x, 0, 1)).toBeCloseTo(0.7390851332151607, 12);
    expect(brentRoot((x) => x - 3, 3, 5)).toBe(3);
  });

  it("handles a root where the function is very flat (x³)", () => {
    expect(Math.abs(brentRoot((x) => x ** 3, -1, 2, 1e-14))).toBeLessThan(1e-4);
  });

  it("throws INTERNAL_ERR when the root is not bracketed", () => {
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(MoldtwinError);
    try {
      brentRoot((x) => x * x + 1, -1, 1);
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("INTERNAL_ERR");
    }
  });

  it("property: finds the root of any bracketed line", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (root, slope) => {
          const x = brentRoot((t) => slope * (t - root), root - 7, root + 3);
          expect(Math.abs(x - root)).toBeLessThan(1e-9 * Math.max(1, Math.abs(root)));
        },
      ),
    );
  });
});

describe("brentMinimize", () => {
  it("finds the minimum of a parabola and of x − ln x (at 1)", () => {
    const p = brentMinimize((x) => (x - 1.5) ** 2 + 4, 0, 10);
    expect(p.x).toBeCloseTo(1.5, 7);
    expect(p.fx).toBeCloseTo(4, 12);
    expect(brentMinimize((x) => x - Math.log(x), 0.01, 5).x).toBeCloseTo(1, 7);
  });

  it("finds the minimum of the Gamma function, x = 1.4616321449683623 (OEIS A030169)", () => {
    // Γ(x) from its integral definition, so the test needs nothing but numeric.ts.
    const gamma = (x: number): number => integrate((t) => t ** (x - 1) * Math.exp(-t), 0, Number.POSITIVE_INFINITY);
    expect(brentMinimize(gamma, 1, 2).x).toBeCloseTo(1.46163214496836, 5);
  });

  it("returns an endpoint for a monotone function", () => {
    expect(brentMinimize((x) => x, 2, 3).x).toBeCloseTo(2, 7);
  });
});

describe("integrate", () => {
  it("∫0^∞ e^−x dx = 1 and ∫−∞^∞ e^(−x²) dx = √π", () => {
    expect(integrate((x) => Math.exp(-x), 0, Number.POSITIVE_INFINITY)).toBeCloseTo(1, 12);
    expect(integrate((x) => Math.exp(-x * x), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBeCloseTo(
      Math.sqrt(Math.PI),
      11,
    );
    expect(integrate((x) => Math.exp(x), Number.NEGATIVE_INFINITY, 0)).toBeCloseTo(1, 11);
  });

  it("∫0^π sin = 2, ∫0^1 √x = 2/3 (endpoint singularity in the derivative), ∫0^1 ln x = −1", () => {
    expect(integrate(Math.sin, 0, Math.PI)).toBeCloseTo(2, 13);
    expect(integrate(Math.sqrt, 0, 1)).toBeCloseTo(2 / 3, 10);
    expect(integrate(Math.log, 0, 1)).toBeCloseTo(-1, 8);
  });

  it("∫1^∞ x^−2 = 1, reversed limits change sign, and an empty interval is 0", () => {
    expect(integrate((x) => 1 / (x * x), 1, Number.POSITIVE_INFINITY)).toBeCloseTo(1, 10);
    expect(integrate(Math.sin, Math.PI, 0)).toBeCloseTo(-2, 13);
    expect(integrate(Math.sin, 1, 1)).toBe(0);
  });

  it("Weibull mean: ∫0^∞ exp(−(t/α)^β) dt = α·Γ(1 + 1/β); α = 1000, β = 2 → 500√π", () => {
    const v = integrate((t) => Math.exp(-((t / 1000) ** 2)), 0, Number.POSITIVE_INFINITY);
    expect(v).toBeCloseTo(500 * Math.sqrt(Math.PI), 7);
  });
});

describe("nelderMead", () => {
  it("minimises the Rosenbrock function from (−1.2, 1) to (1, 1)", () => {
    const rosen = (x: number[]): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const r = nelderMead(rosen, [-1.2, 1], { tol: 1e-14 });
    expect(r.x[0]!).toBeCloseTo(1, 5);
    expect(r.x[1]!).toBeCloseTo(1, 5);
    expect(r.fx).toBeLessThan(1e-10);
  });

  it("minimises a 4-D shifted quadratic and steps away from a non-finite region", () => {
    const target = [1, -2, 3, 0.5];
    const f = (x: number[]): number => x.reduce((s, v, i) => s + (i + 1) * (v - target[i]!) ** 2, 0);
    const r = nelderMead(f, [0, 0, 0, 0], { step: [1, 1, 1, 1] });
    for (let i = 0; i < 4; i++) expect(r.x[i]!).toBeCloseTo(target[i]!, 4);
    // log barrier: NaN for x ≤ 0, minimum of x − ln x at 1
    const g = (x: number[]): number => x[0]! - Math.log(x[0]!);
    expect(nelderMead(g, [3], { step: [5] }).x[0]!).toBeCloseTo(1, 4);
  });
});

describe("hessian and invertSymmetric", () => {
  it("recovers the Hessian of a quadratic and of exp(x)·y²", () => {
    const f = (x: number[]): number => 3 * x[0]! ** 2 + 2 * x[0]! * x[1]! + 5 * x[1]! ** 2;
    const h = hessian(f, [0.3, -0.7]);
    expect(h[0]![0]!).toBeCloseTo(6, 5);
    expect(h[0]![1]!).toBeCloseTo(2, 5);
    expect(h[1]![1]!).toBeCloseTo(10, 5);
    const g = (x: number[]): number => Math.exp(x[0]!) * x[1]! ** 2;
    const hg = hessian(g, [0.5, 2]);
    expect(hg[0]![0]!).toBeCloseTo(Math.exp(0.5) * 4, 5);
    expect(hg[0]![1]!).toBeCloseTo(Math.exp(0.5) * 4, 5);
    expect(hg[1]![1]!).toBeCloseTo(2 * Math.exp(0.5), 5);
  });

  it("inverts a symmetric matrix (A·A⁻¹ = I) and refuses a singular one", () => {
    const a = [
      [4, 1, 2],
      [1, 3, 0],
      [2, 0, 5],
    ];
    const inv = invertSymmetric(a);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const s = a[i]!.reduce((acc, v, k) => acc + v * inv[k]![j]!, 0);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    try {
      invertSymmetric([
        [1, 2],
        [2, 4],
      ]);
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("FIT_ERR_INSUFFICIENT_DATA");
      expect((e as MoldtwinError).message).toBe("singular information matrix");
    }
  });

  it("inverts an indefinite matrix that needs pivoting", () => {
    const inv = invertSymmetric([
      [0, 1],
      [1, 0],
    ]);
    expect(inv).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});
