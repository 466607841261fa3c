import { timeBounds } from "../../engine/reliability/bounds.ts";
import type { FitResult } from "../../engine/reliability/fitTypes.ts";
import type { LifeData } from "../../engine/reliability/lifeData.ts";
import { normalCdf, normalQuantile } from "../../engine/reliability/special.ts";
import { CHART_HEIGHT, CHART_WIDTH, escapeXml, logTicks, niceTicks, tickLabel } from "./chart.ts";

/**
 * Probability plot of a life-data fit, in the style of chart.ts (same size, margins, fonts and palette):
 * the failures at their plotting positions, the fitted distribution as a line and its Fisher bounds on time
 * (reliability.md §1.2) as a shaded band.
 *
 * Paper per family:
 * - Weibull 2P/3P and gamma: Weibull paper, x = ln t (ln(t − γ) for 3P), y = ln(−ln(1 − F)); Weibull fits
 *   are straight, a gamma fit is drawn as its (curved) line on the same paper;
 * - lognormal: x = ln t, y = Φ⁻¹(F);  normal: x = t, y = Φ⁻¹(F);
 * - exponential: x = t, y = −ln(1 − F) = λt, a straight line through the origin.
 *
 * Plotting positions: Benard's median-rank approximation F = (O − 0.3)/(N + 0.4) (Benard & Bos-Levenbach,
 * 1953) on Johnson's adjusted order numbers O, which let suspensions shift the ranks of later failures
 * (L. G. Johnson, *The Statistical Treatment of Fatigue Experiments*, 1964; ReliaWiki "Rank adjustment"):
 *   O_i = O_prev + (N + 1 − O_prev) / (1 + number of units at or after position i).
 * Left-censored units are plotted at their inspection time and interval-censored units at the midpoint of
 * their interval: a picture only; the fit itself uses the exact censored likelihood.
 */

export interface PlottingPosition {
  t: number;
  F: number;
}

/** Johnson's adjusted ranks with Benard's approximation; failures sort before suspensions at equal times. */
export function plottingPositions(d: LifeData): PlottingPosition[] {
  const units: { t: number; failed: boolean }[] = [];
  for (const t of d.failures) units.push({ t, failed: true });
  for (const t of d.left) units.push({ t, failed: true });
  for (let i = 0; i < d.intervalLow.length; i++) {
    units.push({ t: 0.5 * (d.intervalLow[i]! + d.intervalHigh[i]!), failed: true });
  }
  for (const t of d.right) units.push({ t, failed: false });
  units.sort((a, b) => a.t - b.t || Number(b.failed) - Number(a.failed));
  const n = units.length;
  const out: PlottingPosition[] = [];
  let order = 0;
  units.forEach((u, i) => {
    if (!u.failed) return;
    const remaining = n - i; // this unit and every unit after it
    order += (n + 1 - order) / (1 + remaining);
    out.push({ t: u.t, F: (order - 0.3) / (n + 0.4) });
  });
  return out;
}

interface Paper {
  xLog: boolean;
  /** Probability → plotted y. */
  y: (F: number) => number;
  yLabel: string;
  xLabel: string;
  shift: number;
}

function paperFor(fit: FitResult, timeUnit: string): Paper {
  const unit = timeUnit ? ` (${timeUnit})` : "";
  switch (fit.distribution) {
    case "lognormal":
      return {
        xLog: true,
        y: normalQuantile,
        yLabel: "unreliability F(t), lognormal scale",
        xLabel: `time${unit}`,
        shift: 0,
      };
    case "normal":
      return {
        xLog: false,
        y: normalQuantile,
        yLabel: "unreliability F(t), normal scale",
        xLabel: `time${unit}`,
        shift: 0,
      };
    case "exponential":
      return {
        xLog: false,
        y: (F) => -Math.log1p(-F),
        yLabel: "unreliability F(t), exponential scale −ln(1 − F)",
        xLabel: `time${unit}`,
        shift: 0,
      };
    default: {
      const g = fit.params.gamma ?? 0;
      return {
        xLog: true,
        y: (F) => Math.log(-Math.log1p(-F)),
        yLabel: "unreliability F(t), Weibull scale ln(−ln(1 − F))",
        xLabel: g > 0 ? `time − γ${unit}, γ = ${tickLabel(g)}` : `time${unit}`,
        shift: g,
      };
    }
  }
}

const PROBABILITY_TICKS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999,
];
const MARGIN = { left: 78, right: 24, top: 48, bottom: 92 };
const f2 = (x: number): string => (Math.round(x * 100) / 100).toString();
const pct = (F: number): string => `${Number((100 * F).toPrecision(3))} %`;

export interface ProbabilityPlotOptions {
  title?: string;
  /** Unit of the time column, for the axis label (e.g. "h", "shots"). */
  timeUnit?: string;
}

/** The probability plot as SVG text (deterministic: same data and fit → same bytes). */
export function probabilityPlotSvg(data: LifeData, fit: FitResult, options: ProbabilityPlotOptions = {}): string {
  const w = CHART_WIDTH;
  const h = CHART_HEIGHT;
  const { left, right, top, bottom } = MARGIN;
  const paper = paperFor(fit, options.timeUnit ?? "");
  const points = plottingPositions(data).filter((p) => p.t - paper.shift > 0 || !paper.xLog);
  const pointF = points.map((p) => p.F);
  const fLo = Math.min(0.01, ...pointF.map((F) => F * 0.7));
  const fHi = Math.max(fit.distribution === "exponential" ? 0.9 : 0.99, ...pointF.map((F) => 1 - (1 - F) * 0.7));
  // Fitted line and Fisher band on time over the probability range.
  const grid: number[] = [];
  const steps = 80;
  const yLo = paper.y(fLo);
  const yHi = paper.y(fHi);
  for (let i = 0; i <= steps; i++) {
    const y = yLo + ((yHi - yLo) * i) / steps;
    // Invert the paper's y to F.
    let F: number;
    if (fit.distribution === "lognormal" || fit.distribution === "normal") F = normalCdf(y);
    else if (fit.distribution === "exponential") F = -Math.expm1(-y);
    else F = -Math.expm1(-Math.exp(y));
    if (F > 0 && F < 1) grid.push(F);
  }
  const line = grid.map((F) => {
    const b = timeBounds(fit, 1 - F);
    return { F, t: b.value - paper.shift, lo: b.lower - paper.shift, hi: b.upper - paper.shift };
  });
  const usable = (t: number): boolean => Number.isFinite(t) && (!paper.xLog || t > 0);
  const xs = [...points.map((p) => p.t - paper.shift), ...line.map((l) => l.t)].filter(usable);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (paper.xLog) {
    // A little room on a log axis so the end points do not sit on the frame.
    xMin /= 1.25;
    xMax *= 1.25;
  } else if (fit.distribution === "exponential") {
    xMin = 0;
  }
  if (!(xMax > xMin)) xMax = paper.xLog ? xMin * 10 : xMin + 1;
  const xTicks = paper.xLog ? logTicks(xMin, xMax) : niceTicks(xMin, xMax, 8);
  if (!paper.xLog && xTicks.length > 0) {
    xMin = Math.min(xMin, xTicks[0]!);
    xMax = Math.max(xMax, xTicks[xTicks.length - 1]!);
  }
  const tx = (x: number): number => (paper.xLog ? Math.log10(x) : x);
  const sx = (x: number): number => left + ((tx(x) - tx(xMin)) / (tx(xMax) - tx(xMin))) * (w - left - right);
  const sy = (F: number): number => h - bottom - ((paper.y(F) - yLo) / (yHi - yLo)) * (h - top - bottom);

  const title =
    options.title ??
    `${fit.distribution} probability plot (${Object.entries(fit.params)
      .map(([k, v]) => `${k} ${tickLabel(v)}`)
      .join(", ")})`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  let lastTickY = Number.NEGATIVE_INFINITY;
  for (const F of [...PROBABILITY_TICKS].reverse()) {
    if (F < fLo || F > fHi) continue;
    const y = sy(F);
    // From the top down, skip a label that would overlap the one above (the exponential scale crowds its low end).
    if (y - lastTickY < 13) continue;
    lastTickY = y;
    out.push(`<line x1="${left}" y1="${f2(y)}" x2="${w - right}" y2="${f2(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${f2(y + 4)}" text-anchor="end">${escapeXml(pct(F))}</text>`);
  }
  for (const t of xTicks) {
    if (t < xMin || t > xMax) continue;
    const x = sx(t);
    out.push(`<line x1="${f2(x)}" y1="${top}" x2="${f2(x)}" y2="${h - bottom}" stroke="#f0f0f0"/>`);
    out.push(`<line x1="${f2(x)}" y1="${h - bottom}" x2="${f2(x)}" y2="${h - bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${f2(x)}" y="${h - bottom + 18}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
  }
  out.push(
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#333"/>`,
    `<text x="${(left + w - right) / 2}" y="${h - bottom + 40}" text-anchor="middle" font-size="13">${escapeXml(paper.xLabel)}</text>`,
    `<text x="18" y="${(top + h - bottom) / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${(top + h - bottom) / 2})">${escapeXml(paper.yLabel)}</text>`,
    `<clipPath id="plot-area"><rect x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}"/></clipPath>`,
    '<g clip-path="url(#plot-area)">',
  );
  const clampX = (x: number): number => (usable(x) ? Math.min(Math.max(x, xMin / 1e3), xMax * 1e3) : xMin);
  const band = line.filter((l) => usable(l.lo) && usable(l.hi));
  if (band.length > 1) {
    // Lower time bounds up the probability axis, then the upper bounds back down: one closed band.
    const early = band.map((l) => `${f2(sx(clampX(l.lo)))},${f2(sy(l.F))}`);
    const late = band.map((l) => `${f2(sx(clampX(l.hi)))},${f2(sy(l.F))}`).reverse();
    out.push(
      `<polygon class="bounds-band" points="${[...early, ...late].join(" ")}" fill="#1f77b4" fill-opacity="0.15" stroke="none"/>`,
    );
  }
  const fitted = line.filter((l) => usable(l.t));
  if (fitted.length > 1) {
    const d = fitted.map((l, j) => `${j ? "L" : "M"}${f2(sx(l.t))},${f2(sy(l.F))}`).join(" ");
    out.push(`<path class="fit-line" d="${d}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
  }
  out.push('<g class="points">');
  for (const p of points) {
    const x = p.t - paper.shift;
    out.push(
      `<circle cx="${f2(sx(x))}" cy="${f2(sy(p.F))}" r="3.5" fill="#d62728"><title>${escapeXml(`t = ${tickLabel(p.t)}, F = ${pct(p.F)}`)}</title></circle>`,
    );
  }
  out.push("</g>", "</g>");
  const ciPct = Number((100 * fit.ci).toPrecision(4));
  const legend: [string, string, "line" | "box" | "dot"][] = [
    [`fitted ${fit.distribution} (MLE)`, "#1f77b4", "line"],
    [`${ciPct} % Fisher bounds on time`, "#1f77b4", "box"],
    ["failures (Benard / Johnson ranks)", "#d62728", "dot"],
  ];
  let lx = left;
  const ly = h - 22;
  for (const [name, color, kind] of legend) {
    if (kind === "line")
      out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="2.5"/>`);
    else if (kind === "box")
      out.push(`<rect x="${lx}" y="${ly - 10}" width="18" height="12" fill="${color}" fill-opacity="0.15"/>`);
    else out.push(`<circle cx="${lx + 9}" cy="${ly - 4}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${escapeXml(name)}</text>`);
    lx += 34 + name.length * 6.6;
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
