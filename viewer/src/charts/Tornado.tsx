import { eur } from "../format.ts";

export interface TornadoRow {
  driver: string;
  low: string;
  high: string;
  marginLowEur: number;
  marginHighEur: number;
}

/**
 * Tornado bars: one row per driver from the margin at its low case to the margin at its high case, around the
 * base margin, widest swing on top.
 */
export function Tornado({ rows, base }: { rows: TornadoRow[]; base: number }) {
  const sorted = [...rows].sort(
    (a, b) => Math.abs(b.marginHighEur - b.marginLowEur) - Math.abs(a.marginHighEur - a.marginLowEur),
  );
  const values = sorted.flatMap((r) => [r.marginLowEur, r.marginHighEur]).concat(base);
  const vMin = Math.min(...values);
  const vMax = Math.max(...values);
  const pad = 0.18 * (vMax - vMin || Math.abs(vMax) || 1);
  const lo = vMin - pad;
  const hi = vMax + pad;
  const left = 150;
  const width = 720;
  const rowH = 26;
  const top = 10;
  const h = top + rowH * sorted.length + 30;
  const x = (v: number): number => left + ((v - lo) / (hi - lo || 1)) * (width - left - 10);
  const bar = (v: number, label: string, y: number, colour: string) => {
    const x0 = Math.min(x(base), x(v));
    const w = Math.abs(x(v) - x(base));
    const right = v >= base;
    return (
      <>
        <rect x={x0} y={y + 4} width={Math.max(0.5, w)} height={rowH - 8} fill={colour} fillOpacity="0.85" />
        <text
          x={right ? x0 + w + 4 : x0 - 4}
          y={y + rowH / 2 + 4}
          fontSize="10"
          textAnchor={right ? "start" : "end"}
          fill="#57606a"
        >
          {label} {eur(v)}
        </text>
      </>
    );
  };
  return (
    <svg
      viewBox={`0 0 ${width} ${h}`}
      width="100%"
      style={{ maxWidth: width }}
      role="img"
      aria-label="Tornado of the margin"
      data-testid="tornado"
    >
      {sorted.map((r, i) => {
        const y = top + i * rowH;
        return (
          <g key={r.driver}>
            <text x={left - 8} y={y + rowH / 2 + 4} textAnchor="end" fontSize="11">
              {r.driver}
            </text>
            {bar(r.marginLowEur, r.low, y, "#cf222e")}
            {bar(r.marginHighEur, r.high, y, "#2da44e")}
          </g>
        );
      })}
      <line x1={x(base)} x2={x(base)} y1={top - 4} y2={h - 26} stroke="#24292f" strokeDasharray="3 2" />
      <text x={x(base)} y={h - 10} textAnchor="middle" fontSize="11">
        expected margin {eur(base)}
      </text>
    </svg>
  );
}
