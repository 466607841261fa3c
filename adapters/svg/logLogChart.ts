import { CHART_HEIGHT, CHART_WIDTH, escapeXml, logTicks, PALETTE, tickLabel } from "./chart.ts";

/**
 * A line chart with both axes logarithmic (chart.ts's lineChart has a log x axis only), in the same style: size,
 * margins, fonts, palette and legend. For the Duane / Crow-AMSAA plot, where the cumulative MTBF of a growing
 * system is a straight line on log–log paper. Points ≤ 0 cannot be drawn and are skipped. Deterministic output.
 */

export interface LogLogSeries {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
  /** Join the points with a line (default true). */
  line?: boolean;
  /** Draw a dot at each point (default false). */
  markers?: boolean;
  dashed?: boolean;
}

export interface LogLogChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LogLogSeries[];
  /** Horizontal marker lines (e.g. a target MTBF), included in the y range. */
  hLines?: { value: number; label?: string; color?: string }[];
  width?: number;
  height?: number;
}

const MARGIN = { left: 78, right: 24, top: 48, bottom: 92 };
const f = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Decade-padded range of positive finite values; a single value gets a factor-2 margin each side. */
function logRange(values: number[]): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return [1, 10];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (!(hi > lo)) [lo, hi] = [lo / 2, hi * 2];
  const pad = (Math.log10(hi) - Math.log10(lo)) * 0.05;
  return [10 ** (Math.log10(lo) - pad), 10 ** (Math.log10(hi) + pad)];
}

/** logTicks (1–2–5 per decade); every 1…9 multiple when that gives fewer than 4; the ends if still fewer than 2. */
function ticks(lo: number, hi: number): number[] {
  const t = logTicks(lo, hi);
  if (t.length >= 4) return t;
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo && v <= hi) all.push(v);
    }
  }
  return all.length >= 2 ? all : [lo, hi].map((x) => Number(x.toPrecision(2)));
}

export function logLogChart(spec: LogLogChartSpec): string {
  const w = spec.width ?? CHART_WIDTH;
  const h = spec.height ?? CHART_HEIGHT;
  const { left, right, top, bottom } = MARGIN;
  const [xLo, xHi] = logRange(spec.series.flatMap((s) => s.points.map((p) => p[0])));
  const [yLo, yHi] = logRange([
    ...spec.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(spec.hLines ?? []).map((l) => l.value),
  ]);
  const sx = (x: number): number =>
    left + ((Math.log10(x) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo))) * (w - left - right);
  const sy = (y: number): number =>
    h - bottom - ((Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * (h - top - bottom);
  const color = (i: number, c?: string): string => c ?? PALETTE[i % PALETTE.length]!;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of ticks(yLo, yHi)) {
    const y = sy(t);
    out.push(`<line x1="${left}" y1="${f(y)}" x2="${w - right}" y2="${f(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${f(y + 4)}" text-anchor="end">${escapeXml(tickLabel(t))}</text>`);
  }
  for (const t of ticks(xLo, xHi)) {
    const x = sx(t);
    out.push(`<line x1="${f(x)}" y1="${top}" x2="${f(x)}" y2="${h - bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(x)}" y="${h - bottom + 18}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
  }
  const midY = (top + h - bottom) / 2;
  out.push(
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#333"/>`,
    `<text x="${(left + w - right) / 2}" y="${h - bottom + 34}" text-anchor="middle" font-size="13">${escapeXml(spec.xLabel)}</text>`,
    `<text x="18" y="${midY}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${midY})">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const l of spec.hLines ?? []) {
    const y = sy(l.value);
    const c = l.color ?? "#d62728";
    out.push(
      `<line x1="${left}" y1="${f(y)}" x2="${w - right}" y2="${f(y)}" stroke="${c}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
    if (l.label)
      out.push(`<text x="${w - right - 4}" y="${f(y - 5)}" text-anchor="end" fill="${c}">${escapeXml(l.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    const c = color(i, s.color);
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && p[0] > 0 && p[1] > 0);
    if (s.line !== false && pts.length > 1) {
      const d = pts.map((p, j) => `${j ? "L" : "M"}${f(sx(p[0]))},${f(sy(p[1]))}`).join(" ");
      out.push(
        `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
      );
    }
    if (s.markers)
      for (const p of pts) out.push(`<circle cx="${f(sx(p[0]))}" cy="${f(sy(p[1]))}" r="3.5" fill="${c}"/>`);
  });
  let x = left;
  const y = h - 22;
  spec.series.forEach((s, i) => {
    const c = color(i, s.color);
    if (s.line === false) out.push(`<circle cx="${x + 9}" cy="${y - 4}" r="4" fill="${c}"/>`);
    else out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${c}" stroke-width="2.5"/>`);
    out.push(`<text x="${x + 24}" y="${y}">${escapeXml(s.name)}</text>`);
    x += 34 + s.name.length * 6.6;
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
