import type { WindowResult } from "../../engine/window/window.ts";
import { unitOf } from "../../twin-models/schemas/sweep.ts";

/**
 * The molding-area diagram of a window run as a standalone SVG: the swept plane of the first two settings
 * (the others at the recommended setpoint), each grid cell coloured preferred / feasible / by the constraint
 * that fails there, the recommended and objective optima marked, and a legend that names every limit. A
 * one-setting window is drawn as a single strip.
 */

const W = 900;
const H = 560;
const PLOT = { x: 80, y: 56, w: 440, h: 420 };
const PREFERRED = "#1a7f37";
const FEASIBLE = "#9be9a8";
/** One colour per failing constraint, in constraint order; muted so the window stands out. */
const LIMIT_COLOURS = [
  "#d1495b",
  "#edae49",
  "#8d6a9f",
  "#00798c",
  "#f28482",
  "#6d597a",
  "#b56576",
  "#e56b6f",
  "#355070",
  "#9a031e",
  "#5f0f40",
  "#0f4c5c",
  "#c9a227",
  "#7f5539",
  "#577590",
  "#43aa8b",
];
const INVALID = "#444444";
const INFERRED = "#d0d0d0";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (x: number): string => String(Number(x.toPrecision(4)));

/** Where a value sits along an axis, 0 … 1 (geometric for log-spaced settings, as their levels are). */
function unitOf01(v: number, f: { sweptMin: number; sweptMax: number; log: boolean }): number {
  return f.log
    ? Math.log(v / f.sweptMin) / Math.log(f.sweptMax / f.sweptMin)
    : (v - f.sweptMin) / (f.sweptMax - f.sweptMin);
}

function ticksFor(f: { sweptMin: number; sweptMax: number; log: boolean }): number[] {
  if (!f.log) return ticks(f.sweptMin, f.sweptMax);
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(f.sweptMin)); e <= Math.ceil(Math.log10(f.sweptMax)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= f.sweptMin * 0.999 && v <= f.sweptMax * 1.001) out.push(Number(v.toPrecision(3)));
    }
  }
  return out;
}

function ticks(min: number, max: number, count = 5): number[] {
  const step = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step) ?? step;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9 * Math.abs(max); v += nice) out.push(v);
  return out;
}

export function areaDiagramSvg(r: WindowResult): string {
  const f = r.factors;
  const levels = r.area.levels;
  const fx = f[0]!;
  const fy = f[1];
  const nx = levels[0]!;
  const ny = fy ? levels[1]! : 1;
  // Cells of the plane through the recommended setpoint (other settings at its level).
  const stride = levels.map((_, j) => levels.slice(0, j).reduce((a, b) => a * b, 1));
  const rec = r.feasible ? r.recommended.settings : null;
  const levelAt = (j: number): number => {
    const fj = f[j]!;
    if (!rec) return 0;
    const v = rec[fj.name]!;
    return Math.round(unitOf01(v, fj) * (levels[j]! - 1));
  };
  let offset = 0;
  for (let j = 2; j < levels.length; j++) offset += levelAt(j) * stride[j]!;

  const cw = PLOT.w / nx;
  const ch = PLOT.h / ny;
  const cellIndex = (x: number, y: number): number => offset + x + (fy ? y * stride[1]! : 0);
  // Colours go to the limits that appear, in constraint order, so no two shown limits share one.
  const used = new Set<number>();
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = cellIndex(x, y);
      if (r.area.cls[i] === 0) used.add(r.area.limiter[i]!);
    }
  }
  const named = [...used].filter((c) => c >= 0).sort((a, b) => a - b);
  const colourOf = (c: number): string => LIMIT_COLOURS[named.indexOf(c) % LIMIT_COLOURS.length]!;
  let cells = "";
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = cellIndex(x, y);
      const cls = r.area.cls[i]!;
      const lim = r.area.limiter[i]!;
      let fill = cls === 2 ? PREFERRED : cls === 1 ? FEASIBLE : INVALID;
      // -1: the model refused the point; -2: an adaptive run inferred it without a shot.
      if (cls === 0) fill = lim >= 0 ? colourOf(lim) : lim === -2 ? INFERRED : INVALID;
      const px = PLOT.x + x * cw;
      const py = PLOT.y + PLOT.h - (y + 1) * ch;
      cells += `<rect x="${px.toFixed(2)}" y="${py.toFixed(2)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${fill}"/>`;
    }
  }
  const sx = (v: number): number => PLOT.x + unitOf01(v, fx) * (PLOT.w - cw) + cw / 2;
  const sy = (v: number): number =>
    fy ? PLOT.y + PLOT.h - unitOf01(v, fy) * (PLOT.h - ch) - ch / 2 : PLOT.y + PLOT.h / 2;

  let axes = `<rect x="${PLOT.x}" y="${PLOT.y}" width="${PLOT.w}" height="${PLOT.h}" fill="none" stroke="#222"/>`;
  for (const t of ticksFor(fx)) {
    const x = sx(t);
    axes += `<line x1="${x}" y1="${PLOT.y + PLOT.h}" x2="${x}" y2="${PLOT.y + PLOT.h + 5}" stroke="#222"/>`;
    axes += `<text x="${x}" y="${PLOT.y + PLOT.h + 18}" text-anchor="middle">${num(t)}</text>`;
  }
  axes += `<text x="${PLOT.x + PLOT.w / 2}" y="${PLOT.y + PLOT.h + 38}" text-anchor="middle" font-weight="bold">${esc(`${fx.name} (${unitOf(fx.name)})${fx.log ? ", log scale" : ""}`)}</text>`;
  if (fy) {
    for (const t of ticksFor(fy)) {
      const y = sy(t);
      axes += `<line x1="${PLOT.x - 5}" y1="${y}" x2="${PLOT.x}" y2="${y}" stroke="#222"/>`;
      axes += `<text x="${PLOT.x - 8}" y="${y + 4}" text-anchor="end">${num(t)}</text>`;
    }
    const cy = PLOT.y + PLOT.h / 2;
    axes += `<text x="${PLOT.x - 52}" y="${cy}" text-anchor="middle" font-weight="bold" transform="rotate(-90 ${PLOT.x - 52} ${cy})">${esc(`${fy.name} (${unitOf(fy.name)})`)}</text>`;
  }

  let marks = "";
  const legend: [string, string, string][] = [
    ["rect", PREFERRED, `preferred (every margin ≥ ${r.preferredMargin})`],
    ["rect", FEASIBLE, "feasible"],
  ];
  for (const c of [...used].sort((a, b) => a - b)) {
    legend.push([
      "rect",
      c === -2 ? INFERRED : c < 0 ? INVALID : colourOf(c),
      c === -2
        ? "infeasible (inferred, not simulated)"
        : c < 0
          ? "outside model validity"
          : `fails: ${r.constraints[c]!.label}`,
    ]);
  }
  if (r.feasible) {
    const mark = (s: Record<string, number>, shape: string, colour: string, label: string): void => {
      const x = sx(s[fx.name]!);
      const y = fy ? sy(s[fy.name]!) : PLOT.y + PLOT.h / 2;
      marks +=
        shape === "star"
          ? `<path d="M${x},${y - 9} L${x + 2.6},${y - 3} L${x + 9},${y - 3} L${x + 4},${y + 1.5} L${x + 6},${y + 8} L${x},${y + 4} L${x - 6},${y + 8} L${x - 4},${y + 1.5} L${x - 9},${y - 3} L${x - 2.6},${y - 3} Z" fill="${colour}" stroke="#fff" stroke-width="1.2"/>`
          : `<circle cx="${x}" cy="${y}" r="5.5" fill="${colour}" stroke="#fff" stroke-width="1.5"/>`;
      legend.push([shape, colour, label]);
    };
    mark(r.optima.shortestCycle.settings, "circle", "#1f6feb", "shortest cycle");
    mark(r.optima.leastEnergy.settings, "circle", "#f0883e", "least kWh/part");
    mark(r.recommended.settings, "star", "#ffd33d", `recommended (${r.recommended.objective})`);
  }
  let leg = "";
  legend.forEach(([shape, colour, label], k) => {
    const y = PLOT.y + 8 + k * 20;
    const x = PLOT.x + PLOT.w + 20;
    leg +=
      shape === "rect"
        ? `<rect x="${x}" y="${y - 9}" width="14" height="14" fill="${colour}" stroke="#222" stroke-width="0.5"/>`
        : shape === "star"
          ? `<circle cx="${x + 7}" cy="${y - 2}" r="6" fill="${colour}" stroke="#222" stroke-width="0.5"/>`
          : `<circle cx="${x + 7}" cy="${y - 2}" r="5" fill="${colour}"/>`;
    leg += `<text x="${x + 20}" y="${y + 2}">${esc(label.length > 50 ? `${label.slice(0, 49)}…` : label)}</text>`;
  });

  const closed = r.closedOnEverySide ? "closed on every side" : "NOT closed on every side";
  const sub = r.feasible
    ? `${r.counts.feasible}/${r.counts.points} feasible, ${r.counts.preferred} preferred · ${closed} · recommended Cpk ${num(r.recommended.robustness.criticalDimensionCpk)}, yield ${num(100 * r.recommended.robustness.yield)} %`
    : `no feasible setting: ${r.infeasible.limitingConstraintLabel}`;
  const other =
    levels.length > 2
      ? ` · other settings at the recommended level: ${f
          .slice(2)
          .map((x) => x.name)
          .join(", ")}`
      : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${PLOT.x}" y="24" font-size="16" font-weight="bold">${esc(`Molding-area diagram — ${r.scenario}`)}</text>
<text x="${PLOT.x}" y="42" fill="#444">${esc(sub + other)}</text>
<g shape-rendering="crispEdges">${cells}</g>
${axes}
${marks}
${leg}
<text x="${PLOT.x}" y="${H - 12}" fill="#666" font-size="10">${esc(`moldtwin · ${r.twin.moldId} on ${r.twin.machineId} with ${r.twin.materialId} · ${r.search.mode} search, ${r.search.evaluations} shots`)}</text>
</svg>
`;
}
