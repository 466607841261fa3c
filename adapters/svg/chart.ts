/**
 * A small dependency-free SVG chart builder for reports: line charts (linear or log x) with shaded x-ranges,
 * vertical/horizontal marker lines and labelled points, and grouped bar charts with optional line overlays and
 * horizontal limit lines. Fixed size (720 × 440 by default), white background, sans-serif, every text escaped.
 * Output is deterministic: same spec → same bytes.
 */

export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 440;
export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

export interface LineSeries {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
  /** Draw a dot at each point (default true). */
  markers?: boolean;
  dashed?: boolean;
}

export interface ShadedRange {
  from: number;
  to: number;
  label?: string;
  color?: string;
}

export interface MarkerLine {
  value: number;
  label?: string;
  color?: string;
  dashed?: boolean;
}

export interface PointMarker {
  x: number;
  y: number;
  label?: string;
  color?: string;
}

interface Frame {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  /** Horizontal marker lines (e.g. a press limit). */
  hLines?: MarkerLine[];
}

export interface LineChartSpec extends Frame {
  series: LineSeries[];
  xScale?: "linear" | "log";
  xMin?: number;
  xMax?: number;
  shadedX?: ShadedRange[];
  vLines?: MarkerLine[];
  points?: PointMarker[];
}

export interface BarSeries {
  name: string;
  values: number[];
  color?: string;
}

export interface BarChartSpec extends Frame {
  categories: string[];
  series: BarSeries[];
  /** Lines drawn through the category centres on the same y axis (e.g. cumulative pressure). */
  lines?: BarSeries[];
}

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** "Nice" round tick values covering [min, max] (1–2–5 steps), about `target` of them. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, target - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) as number;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Decade and 2/5 ticks for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

/** Short tick label: up to 4 significant digits, exponent only for extreme magnitudes. */
export function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(4)).toString();
}

const f = (x: number): string => (Math.round(x * 100) / 100).toString();
const colorAt = (i: number, c?: string): string => c ?? PALETTE[i % PALETTE.length]!;

const MARGIN = { left: 78, right: 24, top: 48, bottom: 92 };
/** A white outline behind marker labels so they stay readable over lines. */
const HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"';

/** Clips data marks to the plot area (points outside the y range are cut, not drawn over the title). */
function clipOpen(out: string[], w: number, h: number): void {
  const { left, right, top, bottom } = MARGIN;
  out.push(
    `<clipPath id="plot-area"><rect x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}"/></clipPath>`,
    '<g clip-path="url(#plot-area)">',
  );
}

function header(w: number, h: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
}

function axes(
  out: string[],
  w: number,
  h: number,
  xLabel: string,
  yLabel: string,
  yTicks: number[],
  sy: (y: number) => number,
): void {
  const { left, right, top, bottom } = MARGIN;
  for (const t of yTicks) {
    const y = sy(t);
    out.push(`<line x1="${left}" y1="${f(y)}" x2="${w - right}" y2="${f(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${f(y + 4)}" text-anchor="end">${escapeXml(tickLabel(t))}</text>`);
  }
  out.push(
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#333"/>`,
    `<text x="${(left + w - right) / 2}" y="${h - bottom + 34}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`,
    `<text x="18" y="${(top + h - bottom) / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${(top + h - bottom) / 2})">${escapeXml(yLabel)}</text>`,
  );
}

function legend(out: string[], w: number, h: number, items: { name: string; color: string; kind: "line" | "box" }[]) {
  // Lay the entries out in rows that fit the width (at most two rows fit under the x-axis label).
  const widthOf = (name: string): number => 34 + name.length * 6.6;
  const rows: (typeof items)[] = [[]];
  let used = MARGIN.left;
  for (const it of items) {
    if (used + widthOf(it.name) > w - MARGIN.right && rows[rows.length - 1]!.length > 0) {
      if (rows.length === 2) break;
      rows.push([]);
      used = MARGIN.left;
    }
    rows[rows.length - 1]!.push(it);
    used += widthOf(it.name);
  }
  rows.forEach((row, r) => {
    let x = MARGIN.left;
    const y = h - 22 - (rows.length - 1 - r) * 18;
    for (const it of row) {
      if (it.kind === "line")
        out.push(
          `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${it.color}" stroke-width="2.5"/>`,
        );
      else out.push(`<rect x="${x}" y="${y - 10}" width="14" height="12" fill="${it.color}" fill-opacity="0.85"/>`);
      out.push(`<text x="${x + 24}" y="${y}">${escapeXml(it.name)}</text>`);
      x += widthOf(it.name);
    }
  });
}

function hMarkers(out: string[], lines: MarkerLine[] | undefined, w: number, sy: (y: number) => number): void {
  for (const [i, m] of (lines ?? []).entries()) {
    const y = sy(m.value);
    const c = colorAt(i + 1, m.color ?? "#d62728");
    out.push(
      `<line x1="${MARGIN.left}" y1="${f(y)}" x2="${w - MARGIN.right}" y2="${f(y)}" stroke="${c}" stroke-width="1.5"${m.dashed === false ? "" : ' stroke-dasharray="6 4"'}/>`,
    );
    if (m.label)
      out.push(
        `<text x="${w - MARGIN.right - 4}" y="${f(y - 5)}" text-anchor="end" fill="${c}"${HALO}>${escapeXml(m.label)}</text>`,
      );
  }
}

function yRange(values: number[], frame: Frame): [number, number] {
  const all = [...values, ...(frame.hLines ?? []).map((m) => m.value)].filter(Number.isFinite);
  let lo = frame.yMin ?? Math.min(0, ...all);
  let hi = frame.yMax ?? Math.max(...all, lo + 1);
  if (frame.yMax === undefined) hi += (hi - lo) * 0.06;
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  return [lo, hi];
}

/** A line chart: series of (x, y) points, optional log x axis, shaded x-ranges, marker lines and points. */
export function lineChart(spec: LineChartSpec): string {
  const w = spec.width ?? CHART_WIDTH;
  const h = spec.height ?? CHART_HEIGHT;
  const { left, right, top, bottom } = MARGIN;
  const log = spec.xScale === "log";
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0])).filter((x) => Number.isFinite(x) && (!log || x > 0));
  let xMin = spec.xMin ?? Math.min(...xs);
  let xMax = spec.xMax ?? Math.max(...xs);
  if (!Number.isFinite(xMin) || !Number.isFinite(xMax)) [xMin, xMax] = [log ? 1 : 0, log ? 10 : 1];
  if (!(xMax > xMin)) [xMin, xMax] = log ? [xMin / 2, xMax * 2] : [xMin - 1, xMax + 1];
  const [yLo, yHi] = yRange(
    [...spec.series.flatMap((s) => s.points.map((p) => p[1])), ...(spec.points ?? []).map((p) => p.y)],
    spec,
  );
  const tx = (x: number): number => (log ? Math.log10(x) : x);
  const sx = (x: number): number => left + ((tx(x) - tx(xMin)) / (tx(xMax) - tx(xMin))) * (w - left - right);
  const sy = (y: number): number => h - bottom - ((y - yLo) / (yHi - yLo)) * (h - top - bottom);
  const clampX = (x: number): number => Math.min(Math.max(x, xMin), xMax);

  const out = header(w, h, spec.title);
  for (const r of spec.shadedX ?? []) {
    const a = sx(clampX(Math.min(r.from, r.to)));
    const b = sx(clampX(Math.max(r.from, r.to)));
    out.push(
      `<rect x="${f(a)}" y="${top}" width="${f(Math.max(b - a, 1))}" height="${h - top - bottom}" fill="${r.color ?? "#2ca02c"}" fill-opacity="0.13"/>`,
    );
    if (r.label)
      out.push(
        `<text x="${f((a + b) / 2)}" y="${top + 14}" text-anchor="middle" fill="#1a661a">${escapeXml(r.label)}</text>`,
      );
  }
  axes(out, w, h, spec.xLabel, spec.yLabel, niceTicks(yLo, yHi), sy);
  const xTicks = log ? logTicks(xMin, xMax) : niceTicks(xMin, xMax, 8);
  for (const t of xTicks) {
    const x = sx(t);
    out.push(`<line x1="${f(x)}" y1="${h - bottom}" x2="${f(x)}" y2="${h - bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(x)}" y="${h - bottom + 18}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
  }
  hMarkers(out, spec.hLines, w, sy);
  for (const [i, m] of (spec.vLines ?? []).entries()) {
    const x = sx(clampX(m.value));
    const c = m.color ?? colorAt(i + 3);
    out.push(
      `<line x1="${f(x)}" y1="${top}" x2="${f(x)}" y2="${h - bottom}" stroke="${c}" stroke-width="1.5"${m.dashed === false ? "" : ' stroke-dasharray="6 4"'}/>`,
    );
    if (m.label)
      out.push(`<text x="${f(x + 4)}" y="${top + 28 + 14 * i}" fill="${c}"${HALO}>${escapeXml(m.label)}</text>`);
  }
  clipOpen(out, w, h);
  for (const [i, s] of spec.series.entries()) {
    const c = colorAt(i, s.color);
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!log || p[0] > 0));
    if (pts.length > 1) {
      const d = pts.map((p, j) => `${j ? "L" : "M"}${f(sx(p[0]))},${f(sy(p[1]))}`).join(" ");
      out.push(
        `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
      );
    }
    if (s.markers !== false)
      for (const p of pts) out.push(`<circle cx="${f(sx(p[0]))}" cy="${f(sy(p[1]))}" r="3" fill="${c}"/>`);
  }
  out.push("</g>");
  for (const p of spec.points ?? []) {
    const c = p.color ?? "#000000";
    out.push(
      `<circle cx="${f(sx(clampX(p.x)))}" cy="${f(sy(p.y))}" r="6" fill="none" stroke="${c}" stroke-width="2.5"/>`,
    );
    if (p.label)
      out.push(
        `<text x="${f(sx(clampX(p.x)) + 9)}" y="${f(sy(p.y) - 9)}" fill="${c}" font-weight="bold"${HALO}>${escapeXml(p.label)}</text>`,
      );
  }
  legend(
    out,
    w,
    h,
    spec.series.map((s, i) => ({ name: s.name, color: colorAt(i, s.color), kind: "line" as const })),
  );
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** A grouped bar chart over categories, with optional line overlays and horizontal limit lines. */
export function barChart(spec: BarChartSpec): string {
  const w = spec.width ?? CHART_WIDTH;
  const h = spec.height ?? CHART_HEIGHT;
  const { left, right, top, bottom } = MARGIN;
  const lines = spec.lines ?? [];
  const [yLo, yHi] = yRange([...spec.series.flatMap((s) => s.values), ...lines.flatMap((s) => s.values)], spec);
  const sy = (y: number): number => h - bottom - ((y - yLo) / (yHi - yLo)) * (h - top - bottom);
  const n = Math.max(1, spec.categories.length);
  const band = (w - left - right) / n;
  const groups = Math.max(1, spec.series.length);
  const barW = (band * 0.75) / groups;
  const cx = (i: number): number => left + band * (i + 0.5);

  const out = header(w, h, spec.title);
  axes(out, w, h, spec.xLabel, spec.yLabel, niceTicks(yLo, yHi), sy);
  spec.categories.forEach((c, i) => {
    out.push(`<text x="${f(cx(i))}" y="${h - bottom + 18}" text-anchor="middle">${escapeXml(c)}</text>`);
  });
  const zero = sy(Math.max(yLo, Math.min(0, yHi)));
  spec.series.forEach((s, g) => {
    const c = colorAt(g, s.color);
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v) || i >= n) return;
      const x = cx(i) - (band * 0.75) / 2 + g * barW;
      const y = sy(v);
      out.push(
        `<rect x="${f(x)}" y="${f(Math.min(y, zero))}" width="${f(barW * 0.92)}" height="${f(Math.abs(zero - y))}" fill="${c}" fill-opacity="0.85"><title>${escapeXml(`${s.name}: ${tickLabel(v)}`)}</title></rect>`,
      );
      if (groups <= 4 && n * groups <= 24)
        out.push(
          `<text x="${f(x + barW * 0.46)}" y="${f(Math.min(y, zero) - 4)}" text-anchor="middle" font-size="10">${escapeXml(tickLabel(v))}</text>`,
        );
    });
  });
  lines.forEach((s, j) => {
    const c = colorAt(groups + j, s.color);
    const pts = s.values.map((v, i) => [cx(i), sy(v)] as const).filter((p) => Number.isFinite(p[1]));
    if (pts.length > 1)
      out.push(
        `<path d="${pts.map((p, k) => `${k ? "L" : "M"}${f(p[0])},${f(p[1])}`).join(" ")}" fill="none" stroke="${c}" stroke-width="2"/>`,
      );
    for (const p of pts) out.push(`<circle cx="${f(p[0])}" cy="${f(p[1])}" r="3.5" fill="${c}"/>`);
  });
  hMarkers(out, spec.hLines, w, sy);
  legend(out, w, h, [
    ...spec.series.map((s, i) => ({ name: s.name, color: colorAt(i, s.color), kind: "box" as const })),
    ...lines.map((s, j) => ({ name: s.name, color: colorAt(groups + j, s.color), kind: "line" as const })),
  ]);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
