import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import { failureCount, lifeData, observationCount, parseLifeCsv } from "./lifeData.ts";

describe("lifeData", () => {
  it("accepts arrays, typed arrays, interval pairs or parallel arrays", () => {
    const d = lifeData({ failures: [5, 12], right: new Float64Array([20]), left: [3], interval: [[10, 15]] });
    expect(Array.from(d.intervalLow)).toEqual([10]);
    expect(failureCount(d)).toBe(4);
    expect(observationCount(d)).toBe(5);
    const e = lifeData({ failures: [], interval: { low: [0, 1], high: [2, 3] } });
    expect(Array.from(e.intervalHigh)).toEqual([2, 3]);
  });

  it("names every bad time: failures[3], interval[0].high", () => {
    const e = errorOf(() => lifeData({ failures: [1, 2, 3, -4], interval: [[5, 5]] }));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual(["failures[3]", "interval[0].high"]);
    expect(errorOf(() => lifeData({ failures: [Number.NaN] })).details[0]!.field).toBe("failures[0]");
    // The normal distribution may see zero and negative times.
    expect(lifeData({ failures: [-4, 0] }, { allowNonPositive: true }).failures.length).toBe(2);
  });
});

describe("parseLifeCsv", () => {
  it("reads F/S rows, left-censored (time_left = 0) and interval rows, any column order and case", () => {
    const text = "# comment\nStatus,TIME,time_left\nF,17,\nf,8,0\nF,30,20\nS,25,\ns,40\n\n";
    const d = parseLifeCsv(text, "x.csv");
    expect(Array.from(d.failures)).toEqual([17]);
    expect(Array.from(d.left)).toEqual([8]);
    expect(Array.from(d.intervalLow)).toEqual([20]);
    expect(Array.from(d.intervalHigh)).toEqual([30]);
    expect(Array.from(d.right)).toEqual([25, 40]);
  });

  it("reports bad cells by file row and column, all at once", () => {
    const e = errorOf(() => parseLifeCsv("time,status,time_left\n17,F,\n5,X,\nabc,F,\n10,F,12\n10,S,3\n", "bad.csv"));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual([
      "row 3 column status",
      "row 4 column time",
      "row 5 column time_left",
      "row 6 column time_left",
    ]);
    expect(e.message).toContain("bad.csv");
  });

  it("requires a header with time and status", () => {
    const e = errorOf(() => parseLifeCsv("17,F\n5,F\n", "nohead.csv"));
    expect(e.code).toBe("FILE_ERR_READ");
    expect(e.message).toContain("time and status");
    expect(errorOf(() => parseLifeCsv("\n# only a comment\n", "empty.csv")).code).toBe("FILE_ERR_READ");
  });
});
