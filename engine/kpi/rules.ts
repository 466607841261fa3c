/**
 * Run rules on a control chart's points (here the X̄ chart), with zones at 1σ, 2σ and 3σ from the centre line.
 *
 * Western Electric (*Statistical Quality Control Handbook*, 1956; metricgate.com "Control Chart Rules"):
 *   WE1 one point beyond 3σ; WE2 2 of 3 consecutive beyond 2σ, same side; WE3 4 of 5 consecutive beyond 1σ, same
 *   side; WE4 8 consecutive on the same side of the centre line.
 * Nelson (L. S. Nelson, *J. Quality Technology* 16(4):237–239, 1984; window lengths as numerics.net
 * `ControlRuleSets.Nelson`: 1, 9, 6, 14, 3, 5, 15, 8):
 *   N1 one point beyond 3σ; N2 9 in a row on the same side; N3 6 in a row steadily increasing or decreasing;
 *   N4 14 in a row alternating up and down; N5 2 of 3 beyond 2σ, same side; N6 4 of 5 beyond 1σ, same side;
 *   N7 15 in a row within 1σ (either side); N8 8 in a row none within 1σ, on both sides of the centre line.
 *
 * "Beyond kσ" is strictly |z| > k; a point exactly on the centre line belongs to neither side (it breaks runs);
 * equal consecutive values break N3 and N4. Every window position where a rule holds is a hit; hits of one rule
 * whose windows overlap are merged into one violation listing the points involved (for k-of-m rules the points
 * beyond the zone, for run rules the whole run), as 0-based point indices in time order.
 */

export type RuleId = "WE1" | "WE2" | "WE3" | "WE4" | "N1" | "N2" | "N3" | "N4" | "N5" | "N6" | "N7" | "N8";

export interface RuleViolation {
  rule: RuleId;
  description: string;
  /** 0-based indices of the chart points involved. */
  points: number[];
}

interface Rule {
  id: RuleId;
  description: string;
  window: number;
  /** Indices (absolute) of the involved points if the rule holds on z[start … start+window−1], else null. */
  test: (z: readonly number[], start: number) => number[] | null;
}

const range = (start: number, n: number): number[] => Array.from({ length: n }, (_, k) => start + k);

/** k of the `window` points beyond `limit` σ on one side. */
function kOf(k: number, window: number, limit: number) {
  return (z: readonly number[], start: number): number[] | null => {
    const idx = range(start, window);
    const above = idx.filter((i) => z[i]! > limit);
    if (above.length >= k) return above;
    const below = idx.filter((i) => z[i]! < -limit);
    return below.length >= k ? below : null;
  };
}

function sameSide(window: number) {
  return (z: readonly number[], start: number): number[] | null => {
    const idx = range(start, window);
    return idx.every((i) => z[i]! > 0) || idx.every((i) => z[i]! < 0) ? idx : null;
  };
}

const BEYOND_3 = (z: readonly number[], i: number): number[] | null => (Math.abs(z[i]!) > 3 ? [i] : null);

const RULES: Rule[] = [
  { id: "WE1", description: "1 point beyond 3σ", window: 1, test: BEYOND_3 },
  { id: "WE2", description: "2 of 3 consecutive points beyond 2σ, same side", window: 3, test: kOf(2, 3, 2) },
  { id: "WE3", description: "4 of 5 consecutive points beyond 1σ, same side", window: 5, test: kOf(4, 5, 1) },
  { id: "WE4", description: "8 consecutive points on the same side of the centre line", window: 8, test: sameSide(8) },
  { id: "N1", description: "1 point beyond 3σ", window: 1, test: BEYOND_3 },
  { id: "N2", description: "9 points in a row on the same side of the centre line", window: 9, test: sameSide(9) },
  {
    id: "N3",
    description: "6 points in a row steadily increasing or decreasing",
    window: 6,
    test: (z, s) => {
      const idx = range(s, 6);
      const d = idx.slice(1).map((i) => z[i]! - z[i - 1]!);
      return d.every((x) => x > 0) || d.every((x) => x < 0) ? idx : null;
    },
  },
  {
    id: "N4",
    description: "14 points in a row alternating up and down",
    window: 14,
    test: (z, s) => {
      const idx = range(s, 14);
      const d = idx.slice(1).map((i) => z[i]! - z[i - 1]!);
      return d.every((x, k) => x !== 0 && (k === 0 || x * d[k - 1]! < 0)) ? idx : null;
    },
  },
  { id: "N5", description: "2 of 3 points in a row beyond 2σ, same side", window: 3, test: kOf(2, 3, 2) },
  { id: "N6", description: "4 of 5 points in a row beyond 1σ, same side", window: 5, test: kOf(4, 5, 1) },
  {
    id: "N7",
    description: "15 points in a row within 1σ of the centre line (either side)",
    window: 15,
    test: (z, s) => {
      const idx = range(s, 15);
      return idx.every((i) => Math.abs(z[i]!) < 1) ? idx : null;
    },
  },
  {
    id: "N8",
    description: "8 points in a row with none within 1σ, on both sides of the centre line",
    window: 8,
    test: (z, s) => {
      const idx = range(s, 8);
      const ok = idx.every((i) => Math.abs(z[i]!) > 1) && idx.some((i) => z[i]! > 0) && idx.some((i) => z[i]! < 0);
      return ok ? idx : null;
    },
  },
];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/**
 * Western Electric rules 1–4 and Nelson rules 1–8 on `values` around `centre` with zone width `sigma`.
 * Returns [] when sigma is not > 0 (zones undefined; the caller says so).
 */
export function ruleViolations(values: readonly number[], centre: number, sigma: number): RuleViolation[] {
  if (!(sigma > 0)) return [];
  const z = values.map((v) => (v - centre) / sigma);
  const out: RuleViolation[] = [];
  for (const rule of RULES) {
    let open: { end: number; points: Set<number> } | null = null;
    const flush = (): void => {
      if (open)
        out.push({ rule: rule.id, description: rule.description, points: [...open.points].sort((a, b) => a - b) });
      open = null;
    };
    for (let s = 0; s + rule.window <= z.length; s++) {
      const hit = rule.test(z, s);
      if (!hit) continue;
      const end = s + rule.window - 1;
      if (open && s <= open.end) {
        for (const i of hit) open.points.add(i);
        open.end = end;
      } else {
        flush();
        open = { end, points: new Set(hit) };
      }
    }
    flush();
  }
  return out;
}
