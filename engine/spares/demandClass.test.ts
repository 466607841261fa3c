import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import { ADI_CUTOFF, CV2_CUTOFF, classifyDemand } from "./intermittent.ts";

describe("classifyDemand (Syntetos, Boylan & Croston 2005; conventions of tsintermittent idclass)", () => {
  it("uses the published cut-offs ADI 1.32 and CV² 0.49", () => {
    expect(ADI_CUTOFF).toBe(1.32);
    expect(CV2_CUTOFF).toBe(0.49);
  });

  it("smooth: demand every period with little size variation", () => {
    // Sizes 5, 6, 5, 4, 6, 5, 4, 5: mean 5, sample variance 4/7 → CV² = (4/7)/25; ADI = 8/8 = 1.
    const c = classifyDemand([5, 6, 5, 4, 6, 5, 4, 5]);
    expect(c.adi).toBe(1);
    expect(c.cv2).toBeCloseTo(4 / 7 / 25, 14);
    expect(c.nonZero).toBe(8);
    expect(c.class).toBe("smooth");
    expect(c.note).toBeUndefined();
  });

  it("erratic: demand every period, sizes that vary a lot", () => {
    // Sizes 1, 10, 2, 15, 1, 20: mean 49/6; CV² well above 0.49; ADI 1.
    const c = classifyDemand([1, 10, 2, 15, 1, 20]);
    const m = 49 / 6;
    const s2 = [1, 10, 2, 15, 1, 20].reduce((a, v) => a + (v - m) ** 2, 0) / 5;
    expect(c.adi).toBe(1);
    expect(c.cv2).toBeCloseTo(s2 / (m * m), 14);
    expect(c.class).toBe("erratic");
  });

  it("intermittent: long gaps, steady sizes (the hand series: ADI (8 + 1)/3 = 3, sizes 3, 2, 1 → CV² 1/4)", () => {
    const c = classifyDemand([0, 0, 3, 0, 0, 0, 2, 0, 1, 0]);
    expect(c).toEqual({ adi: 3, cv2: 0.25, nonZero: 3, class: "intermittent" });
  });

  it("lumpy: long gaps and variable sizes; ADI and CV² as R's idclass computes them", () => {
    // 1-based nzd = (3, 7, 10): x = c(3, 4, 3), p = mean(x) = 10/3; z = (10, 1, 25), mean 12, sd² = (4 + 121 + 169)/2
    // = 147, v = 147/144.
    const c = classifyDemand([0, 0, 10, 0, 0, 0, 1, 0, 0, 25, 0, 0]);
    expect(c.adi).toBeCloseTo(10 / 3, 14);
    expect(c.cv2).toBeCloseTo(147 / 144, 14);
    expect(c.class).toBe("lumpy");
  });

  it("a value on a cut-off counts as below it (idclass: use.sba <- p > 1.32 | v > 0.49)", () => {
    // 25 unit demands, the last at index 32: ADI = 33/25 = 1.32 exactly → smooth, not intermittent.
    const y = Array(33).fill(1);
    for (const i of [1, 5, 9, 13, 17, 21, 25, 29]) y[i] = 0;
    const c = classifyDemand(y);
    expect(c.nonZero).toBe(25);
    expect(c.adi).toBe(1.32);
    expect(c.class).toBe("smooth");
  });

  it("one demand: CV² 0 with a note; no demand: ADI N + 1, CV² 0, a note, never NaN", () => {
    const one = classifyDemand([0, 0, 0, 7]);
    expect(one).toMatchObject({ adi: 4, cv2: 0, nonZero: 1, class: "intermittent" });
    expect(one.note).toContain("single demand");
    const none = classifyDemand([0, 0, 0, 0, 0]);
    expect(none).toMatchObject({ adi: 6, cv2: 0, nonZero: 0, class: "intermittent" });
    expect(none.note).toContain("no demand in 5 periods");
  });

  it("rejects negative and non-finite values naming the index", () => {
    try {
      classifyDemand([1, 2, -3]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoldtwinError);
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]!.field).toBe("demand[2]");
    }
  });
});
