import { describe, expect, it } from "vitest";
import { loadPlant } from "../plantFile.ts";
import { PressSim } from "./pressSim.ts";

describe("simulated press", () => {
  it("resumes after every standstill: a standstill lasts 6–60 slots, about 9 % of the time", () => {
    // p = 0.003 per slot to start a standstill of 5 + ⌊55u⌋ slots (mean 32): share ≈ 32p / (1 + 32p) ≈ 8.8 %.
    for (const [i, press] of loadPlant().cells[0]!.presses.slice(0, 4).entries()) {
      const sim = new PressSim(press, i, 7);
      let run = 0;
      let longest = 0;
      let idle = 0;
      const slots = 20_000;
      for (let k = 0; k < slots; k++) {
        const v = sim.nextCycle(1_800_000_000_000 + k * 10_000);
        if (v === null) {
          run++;
          idle++;
          longest = Math.max(longest, run);
        } else run = 0;
      }
      // The start slot plus 5–59 ticks; two back to back are possible, a press standing for good is not.
      expect(longest).toBeLessThanOrEqual(120);
      expect(idle / slots).toBeGreaterThan(0.04);
      expect(idle / slots).toBeLessThan(0.15);
    }
  });
});
