import { CHART_WIDTH, escapeXml, niceTicks, PALETTE, tickLabel } from "./chart.ts";

/**
 * A tornado chart: one horizontal bar per driver from its low-case to its high-case output, around the base
 * value, widest swing on top (the presentation of Crystal Ball and @RISK; contracts-kpi.md §2.4). Deterministic.
 */

export interface TornadoRow {
  driver: string;
  lowLabel: string;
  highLabel: string;
  low: number;
  high: number;
}

export function tornadoChart(spec: { title: string; xLabel: string; base: number; rows: TornadoRow[] }): string {
  const rows = [...spec.rows].sort((a, b) => Math.abs(b.high - b.low) - Math.abs(a.high - a.low));
  const rowH = 30;
  const left = 170;
  const right = 40;
  const top = 56;
  const bottom = 70;
  const w = CHART_WIDTH;
  const h = top + bottom + rowH * Math.max(1, rows.length);
  const values = rows.flatMap((r) => [r.low, r.high]).concat(spec.base);
  // Room on both sides for the case labels next to the bars.
  const vMin = Math.min(...values);
  const vMax = Math.max(...values);
  const pad = 0.14 * (vMax - vMin || Math.abs(vMax) || 1);
  const lo = vMin - pad;
  const hi = vMax + pad;
  const ticks = niceTicks(lo, hi, 6).filter((t) => t >= lo && t <= hi);
  const x = (v: number): number => left + ((v - lo) / (hi - lo || 1)) * (w - left - right);
  const f = (v: number): string => (Math.round(v * 100) / 100).toString();
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`,
  );
  for (const t of ticks) {
    out.push(
      `<line x1="${f(x(t))}" y1="${top}" x2="${f(x(t))}" y2="${h - bottom}" stroke="#e5e5e5"/>`,
      `<text x="${f(x(t))}" y="${h - bottom + 16}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const bar = (v: number, color: string, label: string): void => {
      const x0 = Math.min(x(spec.base), x(v));
      const width = Math.abs(x(v) - x(spec.base));
      out.push(
        `<rect x="${f(x0)}" y="${y + 5}" width="${f(width)}" height="${rowH - 10}" fill="${color}" fill-opacity="0.85"/>`,
      );
      const anchor = v < spec.base ? "end" : "start";
      const tx = v < spec.base ? x0 - 4 : x0 + width + 4;
      out.push(
        `<text x="${f(tx)}" y="${y + rowH / 2 + 4}" text-anchor="${anchor}" font-size="11" fill="#444">${escapeXml(label)}</text>`,
      );
    };
    out.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${escapeXml(r.driver)}</text>`);
    bar(r.low, PALETTE[0]!, r.lowLabel);
    bar(r.high, PALETTE[1]!, r.highLabel);
  });
  out.push(
    `<line x1="${f(x(spec.base))}" y1="${top - 6}" x2="${f(x(spec.base))}" y2="${h - bottom}" stroke="#222" stroke-width="1.5"/>`,
    `<text x="${f(x(spec.base))}" y="${top - 10}" text-anchor="middle" font-size="11">base ${escapeXml(tickLabel(spec.base))}</text>`,
    `<text x="${(left + w - right) / 2}" y="${h - bottom + 40}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<rect x="${left}" y="${h - 22}" width="12" height="10" fill="${PALETTE[0]}"/><text x="${left + 16}" y="${h - 13}">low case</text>`,
    `<rect x="${left + 100}" y="${h - 22}" width="12" height="10" fill="${PALETTE[1]}"/><text x="${left + 116}" y="${h - 13}">high case</text>`,
    "</svg>",
  );
  return out.join("\n");
}
