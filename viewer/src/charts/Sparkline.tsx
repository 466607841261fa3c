import { sig } from "../format.ts";

/** A small line chart of the last values of a series, with its min, max and last value. */
export function Sparkline({
  values,
  label,
  unit,
  colour = "#0969da",
  width = 300,
  height = 64,
  testId,
}: {
  values: (number | null)[];
  label: string;
  unit: string;
  colour?: string;
  width?: number;
  height?: number;
  testId?: string;
}) {
  const pts = values
    .map((v, i) => [i, v] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const ys = pts.map((p) => p[1]);
  const min = ys.length ? Math.min(...ys) : 0;
  const max = ys.length ? Math.max(...ys) : 1;
  const pad = (max - min) * 0.1 || Math.abs(max) * 0.05 || 1;
  const lo = min - pad;
  const hi = max + pad;
  const n = Math.max(1, values.length - 1);
  const x = (i: number): number => 2 + (i / n) * (width - 4);
  const y = (v: number): number => height - 14 - ((v - lo) / (hi - lo)) * (height - 20);
  const d = pts.map(([i, v], k) => `${k === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join("");
  const last = pts.at(-1);
  return (
    <figure className="spark" data-testid={testId} data-points={pts.length}>
      <figcaption>
        <span>{label}</span>
        <b>{last ? `${sig(last[1], 4)} ${unit}` : "–"}</b>
      </figcaption>
      <svg width="100%" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
        <rect x="0" y="0" width={width} height={height} fill="#f6f8fa" />
        {pts.length > 1 ? (
          <path d={d} fill="none" stroke={colour} strokeWidth="1.6" vectorEffect="non-scaling-stroke" />
        ) : null}
        {last ? <circle cx={x(last[0])} cy={y(last[1])} r="2.5" fill={colour} /> : null}
        <text x="4" y={height - 3} fontSize="10" fill="#57606a">
          {pts.length ? `min ${sig(min, 4)} · max ${sig(max, 4)} · ${pts.length} cycles` : "no cycles yet"}
        </text>
      </svg>
    </figure>
  );
}
