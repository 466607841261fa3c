import { sig } from "../format.ts";

/** The parts of a window run's result (`moldtwin window --json`) the diagram reads. */
export interface WindowFactor {
  name: string;
  sweptMin: number;
  sweptMax: number;
  levels: number;
  log: boolean;
  feasible?: { min: number; max: number } | null;
  preferred?: { min: number; max: number } | null;
  low?: { closed: boolean; limitedBy: string | null; limitedByLabel?: string | null };
  high?: { closed: boolean; limitedBy: string | null; limitedByLabel?: string | null };
}

interface Optimum {
  settings: Record<string, number>;
  robustness?: {
    yield?: number;
    criticalDimensionCpk?: number;
    cycleTimeMeanS?: number;
    energyPerPartMeanKWh?: number;
  };
  objective?: string;
}

export interface WindowResult {
  scenario: string;
  twin?: { materialId: string; machineId: string; moldId: string };
  search?: { mode: string; evaluations: number; gridPoints: number };
  constraints: { id: string; label: string }[];
  /** Absent when the API's cost redaction strips it (its key contains "margin"). */
  preferredMargin?: number;
  counts: { points: number; feasible: number; preferred: number };
  factors: WindowFactor[];
  closedOnEverySide?: boolean;
  area: { levels: number[]; cls: number[]; limiter: number[] };
  feasible: boolean;
  recommended?: Optimum & { objective: string };
  optima?: { mostRobust?: Optimum; shortestCycle?: Optimum; leastEnergy?: Optimum };
  infeasible?: { limitingConstraint?: string; limitingConstraintLabel?: string };
}

const PREFERRED = "#1a7f37";
const FEASIBLE = "#9be9a8";
const INVALID = "#444c56";
const INFERRED = "#d0d7de";
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

const UNITS: Record<string, string> = {
  meltTempC: "°C",
  moldTempC: "°C",
  injectionTimeS: "s",
  holdPressureMPa: "MPa",
  holdTimeS: "s",
  coolingTimeS: "s",
  backPressureMPa: "MPa",
  screwSpeedRpm: "rpm",
  vpSwitchoverPct: "%",
};

const unitOf01 = (v: number, f: WindowFactor): number =>
  f.log ? Math.log(v / f.sweptMin) / Math.log(f.sweptMax / f.sweptMin) : (v - f.sweptMin) / (f.sweptMax - f.sweptMin);

function ticksFor(f: WindowFactor): number[] {
  if (f.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(f.sweptMin)); e <= Math.ceil(Math.log10(f.sweptMax)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= f.sweptMin * 0.999 && v <= f.sweptMax * 1.001) out.push(Number(v.toPrecision(3)));
      }
    }
    return out;
  }
  const step = (f.sweptMax - f.sweptMin) / 5;
  const mag = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step) ?? step;
  const out: number[] = [];
  for (let v = Math.ceil(f.sweptMin / nice) * nice; v <= f.sweptMax + 1e-9 * Math.abs(f.sweptMax); v += nice) {
    out.push(Number(v.toPrecision(6)));
  }
  return out;
}

const PLOT = { x: 70, y: 16, w: 460, h: 400 };

/**
 * The molding-area diagram: the plane of the first two swept settings (further settings at the recommended
 * setpoint's level), each grid cell preferred / feasible / coloured by the constraint that closes the window
 * there, the optima marked, a legend naming every limit. One setting is drawn as a strip.
 */
export function AreaDiagram({ r }: { r: WindowResult }) {
  const f = r.factors;
  const levels = r.area.levels;
  const fx = f[0];
  if (!fx) return <p className="muted">The run has no swept settings.</p>;
  const fy = f[1];
  const nx = levels[0] ?? 1;
  const ny = fy ? (levels[1] ?? 1) : 1;
  const stride = levels.map((_, j) => levels.slice(0, j).reduce((a, b) => a * b, 1));
  const rec = r.feasible ? r.recommended?.settings : undefined;
  let offset = 0;
  for (let j = 2; j < levels.length; j++) {
    const fj = f[j];
    const v = fj && rec ? rec[fj.name] : undefined;
    const lv = fj && v !== undefined ? Math.round(unitOf01(v, fj) * ((levels[j] ?? 1) - 1)) : 0;
    offset += lv * (stride[j] ?? 0);
  }
  const idx = (x: number, y: number): number => offset + x + (fy ? y * (stride[1] ?? nx) : 0);
  const used = new Set<number>();
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = idx(x, y);
      if (r.area.cls[i] === 0) used.add(r.area.limiter[i] ?? -1);
    }
  }
  const named = [...used].filter((c) => c >= 0).sort((a, b) => a - b);
  const colourOf = (c: number): string =>
    c === -2 ? INFERRED : c < 0 ? INVALID : (LIMIT_COLOURS[named.indexOf(c) % LIMIT_COLOURS.length] ?? INVALID);
  const cw = PLOT.w / nx;
  const ch = PLOT.h / ny;
  const cells = [];
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = idx(x, y);
      const cls = r.area.cls[i] ?? 0;
      const fill = cls === 2 ? PREFERRED : cls === 1 ? FEASIBLE : colourOf(r.area.limiter[i] ?? -1);
      cells.push(
        <rect
          key={i}
          x={(PLOT.x + x * cw).toFixed(2)}
          y={(PLOT.y + PLOT.h - (y + 1) * ch).toFixed(2)}
          width={(cw + 0.3).toFixed(2)}
          height={(ch + 0.3).toFixed(2)}
          fill={fill}
        />,
      );
    }
  }
  const sx = (v: number): number => PLOT.x + unitOf01(v, fx) * (PLOT.w - cw) + cw / 2;
  const sy = (v: number): number =>
    fy ? PLOT.y + PLOT.h - unitOf01(v, fy) * (PLOT.h - ch) - ch / 2 : PLOT.y + PLOT.h / 2;
  const marks: { key: string; s: Record<string, number>; colour: string; label: string; star?: boolean }[] = [];
  if (r.feasible && r.optima) {
    if (r.optima.shortestCycle)
      marks.push({ key: "sc", s: r.optima.shortestCycle.settings, colour: "#1f6feb", label: "shortest cycle" });
    if (r.optima.leastEnergy)
      marks.push({ key: "le", s: r.optima.leastEnergy.settings, colour: "#f0883e", label: "least kWh/part" });
  }
  if (r.feasible && r.recommended) {
    marks.push({
      key: "rec",
      s: r.recommended.settings,
      colour: "#ffd33d",
      label: `recommended (${r.recommended.objective})`,
      star: true,
    });
  }
  const legend: { colour: string; label: string; round?: boolean }[] = [
    {
      colour: PREFERRED,
      label:
        typeof r.preferredMargin === "number"
          ? `preferred (every margin ≥ ${r.preferredMargin})`
          : "preferred (every margin clear of its limit)",
    },
    { colour: FEASIBLE, label: "feasible" },
    ...[...used]
      .sort((a, b) => a - b)
      .map((c) => ({
        colour: colourOf(c),
        label:
          c === -2
            ? "infeasible (inferred, not simulated)"
            : c < 0
              ? "outside model validity"
              : `fails: ${r.constraints[c]?.label ?? `constraint ${c}`}`,
      })),
    ...marks.map((m) => ({ colour: m.colour, label: m.label, round: true })),
  ];
  const W = PLOT.x + PLOT.w + 330;
  const H = PLOT.y + PLOT.h + 50;
  const axisLabel = (ff: WindowFactor): string => `${ff.name} (${UNITS[ff.name] ?? ""})${ff.log ? ", log" : ""}`;

  return (
    <div className="area-diagram" data-testid="area-diagram" data-feasible={r.feasible} data-cells={nx * ny}>
      <p className="small">
        {r.feasible
          ? `${r.counts.feasible}/${r.counts.points} feasible, ${r.counts.preferred} preferred · ${r.closedOnEverySide ? "closed on every side" : "NOT closed on every side"}`
          : `No feasible setting: ${r.infeasible?.limitingConstraintLabel ?? "every point fails a constraint"}`}
        {r.search ? ` · ${r.search.mode} search, ${r.search.evaluations} shots` : ""}
      </p>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        style={{ maxWidth: W }}
        role="img"
        aria-label={`Molding-area diagram: ${r.scenario}`}
      >
        <g shapeRendering="crispEdges">{cells}</g>
        <rect x={PLOT.x} y={PLOT.y} width={PLOT.w} height={PLOT.h} fill="none" stroke="#24292f" />
        {ticksFor(fx).map((t) => (
          <g key={`x${t}`}>
            <line x1={sx(t)} x2={sx(t)} y1={PLOT.y + PLOT.h} y2={PLOT.y + PLOT.h + 5} stroke="#24292f" />
            <text x={sx(t)} y={PLOT.y + PLOT.h + 17} textAnchor="middle" fontSize="11">
              {sig(t, 4)}
            </text>
          </g>
        ))}
        <text x={PLOT.x + PLOT.w / 2} y={PLOT.y + PLOT.h + 36} textAnchor="middle" fontSize="12" fontWeight="bold">
          {axisLabel(fx)}
        </text>
        {fy
          ? ticksFor(fy).map((t) => (
              <g key={`y${t}`}>
                <line x1={PLOT.x - 5} x2={PLOT.x} y1={sy(t)} y2={sy(t)} stroke="#24292f" />
                <text x={PLOT.x - 8} y={sy(t) + 4} textAnchor="end" fontSize="11">
                  {sig(t, 4)}
                </text>
              </g>
            ))
          : null}
        {fy ? (
          <text
            x={18}
            y={PLOT.y + PLOT.h / 2}
            textAnchor="middle"
            fontSize="12"
            fontWeight="bold"
            transform={`rotate(-90 18 ${PLOT.y + PLOT.h / 2})`}
          >
            {axisLabel(fy)}
          </text>
        ) : null}
        {marks.map((m) => {
          const xv = m.s[fx.name];
          const yv = fy ? m.s[fy.name] : undefined;
          if (xv === undefined) return null;
          const cx = sx(xv);
          const cy = fy && yv !== undefined ? sy(yv) : PLOT.y + PLOT.h / 2;
          return m.star ? (
            <path
              key={m.key}
              d={`M${cx},${cy - 9} L${cx + 2.6},${cy - 3} L${cx + 9},${cy - 3} L${cx + 4},${cy + 1.5} L${cx + 6},${cy + 8} L${cx},${cy + 4} L${cx - 6},${cy + 8} L${cx - 4},${cy + 1.5} L${cx - 9},${cy - 3} L${cx - 2.6},${cy - 3} Z`}
              fill={m.colour}
              stroke="#24292f"
              strokeWidth="0.8"
            />
          ) : (
            <circle key={m.key} cx={cx} cy={cy} r="5.5" fill={m.colour} stroke="#fff" strokeWidth="1.5" />
          );
        })}
        {legend.map((l, k) => {
          const x = PLOT.x + PLOT.w + 18;
          const y = PLOT.y + 10 + k * 20;
          return (
            <g key={l.label}>
              {l.round ? (
                <circle cx={x + 7} cy={y - 3} r="6" fill={l.colour} stroke="#24292f" strokeWidth="0.5" />
              ) : (
                <rect x={x} y={y - 10} width="14" height="14" fill={l.colour} stroke="#24292f" strokeWidth="0.5" />
              )}
              <text x={x + 20} y={y + 1} fontSize="11">
                {l.label.length > 50 ? `${l.label.slice(0, 49)}…` : l.label}
              </text>
            </g>
          );
        })}
      </svg>
      <WindowTable r={r} />
    </div>
  );
}

function WindowTable({ r }: { r: WindowResult }) {
  const side = (s: WindowFactor["low"]): string =>
    s ? (s.closed ? `closed by ${s.limitedByLabel ?? s.limitedBy ?? "?"}` : "open (swept range ends first)") : "–";
  return (
    <table className="data small">
      <thead>
        <tr>
          <th>Setting</th>
          <th>Feasible</th>
          <th>Preferred</th>
          <th>Low side</th>
          <th>High side</th>
          <th>Recommended</th>
        </tr>
      </thead>
      <tbody>
        {r.factors.map((f) => (
          <tr key={f.name}>
            <td>
              {f.name} <span className="muted">{UNITS[f.name] ?? ""}</span>
            </td>
            <td>{f.feasible ? `${sig(f.feasible.min, 4)} – ${sig(f.feasible.max, 4)}` : "–"}</td>
            <td>{f.preferred ? `${sig(f.preferred.min, 4)} – ${sig(f.preferred.max, 4)}` : "–"}</td>
            <td>{side(f.low)}</td>
            <td>{side(f.high)}</td>
            <td>{r.recommended?.settings[f.name] !== undefined ? sig(r.recommended.settings[f.name], 4) : "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
