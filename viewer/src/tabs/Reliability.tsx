import { useState } from "react";
import type { Scenario } from "../api.ts";
import { eur, num, pct, sig } from "../format.ts";
import { RunControl } from "./RunControl.tsx";

interface ForecastComponent {
  press: string;
  pressName: string;
  component: string;
  componentName: string;
  kind: string;
  sockets: number;
  failureProbability: number;
  expectedFailures: number;
  remainingLifeDays: { p10: number; p50: number; p90: number } | null;
}

export interface ForecastResult {
  scenario: string;
  asOf: string;
  horizonMonths: number;
  presses: number;
  components: ForecastComponent[];
  fleet: {
    expectedFailuresPerMonth: number[];
    expectedFailures: number;
    byKind: { kind: string; expectedFailures: number }[];
    expectedCostEur?: { asIs: number; withPreventive: number };
  };
  workOrders: {
    id: string;
    asset: string;
    assetName: string;
    componentName: string;
    partNumber: string;
    quantity: number;
    dueDate: string;
    orderPartsBy: string;
    priority: string;
    estimatedCostEur?: number;
    reason: string;
  }[];
  warnings?: string[];
}

interface SparesPlan {
  label: string;
  targetAvailability: number | null;
  targetMet: boolean;
  availability: number;
  fillRate: number;
  units: number;
  stockValueEur: number;
  toBuyEur: number;
  simulated?: { availability: { mean: number; lower: number; upper: number } };
  confirmed?: boolean;
}

export interface SparesResult {
  name: string;
  asOf: string;
  horizonMonths: number;
  demand: { perMonth: number[]; partNumbers: { partNumber: string; name: string; perMonth: number; chosen: string }[] };
  plans: SparesPlan[];
  curve: { costEur: number; availability: number; units: number }[];
  requisitionPlan?: string;
  requisitions: {
    id: string;
    partNumber: string;
    name: string;
    location: string;
    quantity: number;
    valueEur?: number;
    orderDate: string;
    expectedDelivery: string;
    reason: string;
  }[];
  warnings?: string[];
}

const KIND_COLOURS = [
  "#0969da",
  "#cf222e",
  "#8250df",
  "#1a7f37",
  "#bf8700",
  "#d4a72c",
  "#57606a",
  "#e16f24",
  "#1b7c83",
  "#bf3989",
];

/** The reliability engineer's view: failures predicted per press and component, and the spares plan. */
export function Reliability({
  scenarios,
  costs,
  runKinds,
}: {
  scenarios: Scenario[] | null;
  costs: boolean;
  runKinds: string[];
}) {
  return (
    <div className="tab-page">
      {runKinds.includes("forecast") ? (
        <RunControl<ForecastResult> kind="forecast" title="Predicted failures" scenarios={scenarios}>
          {(r) => <ForecastView r={r} costs={costs} />}
        </RunControl>
      ) : null}
      {runKinds.includes("spares") ? (
        <RunControl<SparesResult> kind="spares" title="Spares plan" scenarios={scenarios}>
          {(r) => <SparesView r={r} costs={costs} />}
        </RunControl>
      ) : null}
    </div>
  );
}

function ForecastView({ r, costs }: { r: ForecastResult; costs: boolean }) {
  const [mode, setMode] = useState<"press" | "part">("press");
  const kinds = [...new Set(r.components.map((c) => c.kind))];
  const colour = (k: string): string => KIND_COLOURS[kinds.indexOf(k) % KIND_COLOURS.length] ?? "#57606a";
  return (
    <div data-testid="forecast-view">
      <h3>{r.scenario}</h3>
      <p className="muted small">
        As of {r.asOf}, {r.horizonMonths} months, {r.presses} presses: {num(r.fleet.expectedFailures, 1)} failures
        expected
        {costs && r.fleet.expectedCostEur
          ? ` · expected cost ${eur(r.fleet.expectedCostEur.asIs)} as is, ${eur(r.fleet.expectedCostEur.withPreventive)} with preventive replacement`
          : ""}
      </p>
      <h4>
        Timeline of predicted failures{" "}
        <span className="seg">
          <button type="button" aria-pressed={mode === "press"} onClick={() => setMode("press")}>
            by press
          </button>
          <button type="button" aria-pressed={mode === "part"} onClick={() => setMode("part")}>
            by part (P10 – P90)
          </button>
        </span>
      </h4>
      <ul className="kinds small">
        {kinds.map((k) => (
          <li key={k}>
            <span className="dot" style={{ background: colour(k) }} /> {k}
          </li>
        ))}
      </ul>
      {mode === "press" ? <ByPress r={r} colour={colour} /> : <ByPart r={r} colour={colour} />}
      <h4>Expected failures per month (fleet)</h4>
      <MonthBars values={r.fleet.expectedFailuresPerMonth} asOf={r.asOf} />
      <h4>Work orders ({r.workOrders.length})</h4>
      <div className="scroll">
        <table className="data small">
          <thead>
            <tr>
              <th>Due</th>
              <th>Press</th>
              <th>Part</th>
              <th>Qty</th>
              <th>Order parts by</th>
              <th>Priority</th>
              {costs ? <th>Cost</th> : null}
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {r.workOrders.slice(0, 25).map((w) => (
              <tr key={w.id}>
                <td>{w.dueDate}</td>
                <td>{w.assetName}</td>
                <td>{w.componentName}</td>
                <td>{w.quantity}</td>
                <td>{w.orderPartsBy}</td>
                <td className={w.priority === "urgent" ? "warn" : undefined}>{w.priority}</td>
                {costs ? <td>{eur(w.estimatedCostEur)}</td> : null}
                <td className="muted">{w.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const TL = { left: 190, right: 30, top: 26, width: 840 };

/** Month grid of a timeline: a line per month, a label every other month. */
function MonthGrid({ r, height, x }: { r: ForecastResult; height: number; x: (d: number) => number }) {
  const asOf = new Date(`${r.asOf}T00:00:00Z`);
  return (
    <>
      {Array.from({ length: r.horizonMonths + 1 }, (_, m) => {
        const d = m * 30.44;
        const label = new Date(asOf.getTime() + d * 86_400_000).toISOString().slice(0, 7);
        return (
          <g key={label}>
            <line x1={x(d)} x2={x(d)} y1={TL.top - 4} y2={height - 6} stroke="#eaeef2" />
            {m % 2 === 0 ? (
              <text x={x(d)} y={TL.top - 9} fontSize="9" textAnchor="middle" fill="#57606a">
                {label}
              </text>
            ) : null}
          </g>
        );
      })}
    </>
  );
}

/** One row per press: a marker at the median remaining life of each part expected to fail within the horizon. */
function ByPress({ r, colour }: { r: ForecastResult; colour: (k: string) => string }) {
  const horizonDays = r.horizonMonths * 30.44;
  const presses = [...new Set(r.components.map((c) => c.press))];
  const rowH = 20;
  const H = TL.top + rowH * presses.length + 8;
  const x = (d: number): number => TL.left + (Math.min(d, horizonDays) / horizonDays) * (TL.width - TL.left - TL.right);
  return (
    <svg
      viewBox={`0 0 ${TL.width} ${H}`}
      width="100%"
      style={{ maxWidth: TL.width }}
      role="img"
      aria-label="Predicted failures per press"
      data-testid="failure-timeline"
    >
      <MonthGrid r={r} height={H} x={x} />
      {presses.map((id, i) => {
        const parts = r.components.filter((c) => c.press === id);
        const y = TL.top + i * rowH + rowH / 2;
        const due = parts.filter((c) => c.remainingLifeDays && c.remainingLifeDays.p50 <= horizonDays);
        const expected = parts.reduce((a, c) => a + c.expectedFailures, 0);
        return (
          <g key={id} data-press-id={id}>
            <line x1={TL.left} x2={TL.width - TL.right} y1={y} y2={y} stroke="#f0f2f4" />
            <text x={TL.left - 8} y={y + 4} fontSize="11" textAnchor="end">
              {parts[0]?.pressName ?? id}{" "}
              <tspan fill="#57606a" fontSize="10">
                {due.length} due · {num(expected, 1)} expected
              </tspan>
            </text>
            {due.map((c) => {
              const d = c.remainingLifeDays?.p50 ?? 0;
              const s = 4 + 3 * c.failureProbability;
              return (
                <path
                  key={c.component}
                  d={`M${x(d)},${y - s} L${x(d) + s},${y} L${x(d)},${y + s} L${x(d) - s},${y} Z`}
                  fill={colour(c.kind)}
                  fillOpacity="0.85"
                  stroke="#fff"
                  strokeWidth="0.8"
                >
                  <title>{`${c.pressName} · ${c.componentName}${c.sockets > 1 ? ` ×${c.sockets}` : ""}: median remaining life ${sig(d, 3)} days, P(failure within the horizon) ${pct(c.failureProbability, 0)}`}</title>
                </path>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

/** One row per part likely to fail: its remaining life P10 – P90 with the median marked, soonest first. */
function ByPart({ r, colour }: { r: ForecastResult; colour: (k: string) => string }) {
  const [limit, setLimit] = useState(30);
  const horizonDays = r.horizonMonths * 30.44;
  const rows = r.components
    .filter((c) => c.remainingLifeDays && c.remainingLifeDays.p10 < horizonDays)
    .sort((a, b) => (a.remainingLifeDays?.p50 ?? 0) - (b.remainingLifeDays?.p50 ?? 0));
  const shown = rows.slice(0, limit);
  const rowH = 16;
  const H = TL.top + rowH * shown.length + 8;
  const x = (d: number): number => TL.left + (Math.min(d, horizonDays) / horizonDays) * (TL.width - TL.left - TL.right);
  return (
    <>
      <svg
        viewBox={`0 0 ${TL.width} ${H}`}
        width="100%"
        style={{ maxWidth: TL.width }}
        role="img"
        aria-label="Remaining life of the parts"
      >
        <MonthGrid r={r} height={H} x={x} />
        {shown.map((c, i) => {
          const y = TL.top + i * rowH;
          const rl = c.remainingLifeDays ?? { p10: 0, p50: 0, p90: 0 };
          return (
            <g key={`${c.press}/${c.component}`}>
              <title>{`${c.pressName} · ${c.componentName}: P(failure) ${pct(c.failureProbability, 0)}, remaining life ${sig(rl.p10, 3)} – ${sig(rl.p50, 3)} – ${sig(rl.p90, 3)} days`}</title>
              <text x={TL.left - 6} y={y + 11} fontSize="10" textAnchor="end">
                {c.pressName} · {c.kind} {pct(c.failureProbability, 0)}
              </text>
              <rect
                x={x(rl.p10)}
                y={y + 3}
                width={Math.max(1, x(rl.p90) - x(rl.p10))}
                height={rowH - 6}
                fill={colour(c.kind)}
                fillOpacity="0.35"
              />
              {rl.p50 <= horizonDays ? (
                <rect x={x(rl.p50) - 1.5} y={y + 1} width={3} height={rowH - 2} fill={colour(c.kind)} />
              ) : null}
            </g>
          );
        })}
      </svg>
      {rows.length > limit ? (
        <button type="button" className="link" onClick={() => setLimit((l) => l + 30)}>
          show more ({rows.length - limit} more)
        </button>
      ) : null}
    </>
  );
}

function MonthBars({ values, asOf }: { values: number[]; asOf: string }) {
  const W = 720;
  const H = 120;
  const max = Math.max(1e-9, ...values);
  const bw = (W - 40) / Math.max(1, values.length);
  const start = new Date(`${asOf}T00:00:00Z`);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      style={{ maxWidth: W }}
      role="img"
      aria-label="Expected failures per month"
    >
      {values.map((v, i) => {
        const h = (v / max) * 80;
        const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1))
          .toISOString()
          .slice(2, 7);
        return (
          <g key={month}>
            <rect x={30 + i * bw + 2} y={92 - h} width={bw - 4} height={h} fill="#8250df" fillOpacity="0.75" />
            <text x={30 + i * bw + bw / 2} y={88 - h} fontSize="9" textAnchor="middle">
              {sig(v, 3)}
            </text>
            <text x={30 + i * bw + bw / 2} y={106} fontSize="9" textAnchor="middle" fill="#57606a">
              {month}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function SparesView({ r, costs }: { r: SparesResult; costs: boolean }) {
  return (
    <div data-testid="spares-view">
      <h3>{r.name}</h3>
      <p className="muted small">
        As of {r.asOf}, {r.horizonMonths} months · demand{" "}
        {num(
          r.demand.perMonth.reduce((a, b) => a + b, 0),
          1,
        )}{" "}
        parts over the horizon across {r.demand.partNumbers.length} part numbers
      </p>
      <table className="data small" data-testid="spares-plans">
        <thead>
          <tr>
            <th>Plan</th>
            <th>Press availability</th>
            <th>Simulated (95 % CI)</th>
            <th>Fill rate</th>
            <th>Units</th>
            {costs ? <th>Stock value</th> : null}
            {costs ? <th>To buy</th> : null}
          </tr>
        </thead>
        <tbody>
          {r.plans.map((p) => (
            <tr key={p.label}>
              <td>
                {p.label} {p.targetMet ? "✓" : <span className="warn">target missed</span>}
              </td>
              <td>{pct(p.availability, 2)}</td>
              <td>
                {p.simulated
                  ? `${pct(p.simulated.availability.mean, 2)} (${pct(p.simulated.availability.lower, 1)} – ${pct(p.simulated.availability.upper, 1)})`
                  : "–"}
              </td>
              <td>{pct(p.fillRate, 1)}</td>
              <td>{p.units}</td>
              {costs ? <td>{eur(p.stockValueEur)}</td> : null}
              {costs ? <td>{eur(p.toBuyEur)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {costs && r.curve.length > 1 ? <Curve r={r} /> : null}
      <h4>Purchase requisitions ({r.requisitions.length})</h4>
      <div className="scroll">
        <table className="data small">
          <thead>
            <tr>
              <th>Part</th>
              <th>Where</th>
              <th>Qty</th>
              {costs ? <th>Value</th> : null}
              <th>Order</th>
              <th>Delivery</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {r.requisitions.map((q) => (
              <tr key={q.id}>
                <td>
                  {q.name}
                  <div className="tiny muted">{q.partNumber}</div>
                </td>
                <td>{q.location}</td>
                <td>{q.quantity}</td>
                {costs ? <td>{eur(q.valueEur)}</td> : null}
                <td>{q.orderDate}</td>
                <td>{q.expectedDelivery}</td>
                <td className="muted">{q.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Availability bought per euro of stock: the efficient curve of the stocking optimisation. */
function Curve({ r }: { r: SparesResult }) {
  const W = 720;
  const H = 200;
  const maxC = Math.max(1, ...r.curve.map((p) => p.costEur));
  const minA = Math.min(...r.curve.map((p) => p.availability));
  const x = (c: number): number => 50 + (c / maxC) * (W - 70);
  const y = (a: number): number => 170 - ((a - minA) / (1 - minA || 1)) * 150;
  const d = r.curve
    .map((p, i) => `${i ? "L" : "M"}${x(p.costEur).toFixed(1)},${y(p.availability).toFixed(1)}`)
    .join("");
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      style={{ maxWidth: W }}
      role="img"
      aria-label="Availability against stock value"
    >
      <line x1={50} x2={W - 20} y1={170} y2={170} stroke="#8c959f" />
      <line x1={50} x2={50} y1={20} y2={170} stroke="#8c959f" />
      <path d={d} fill="none" stroke="#0969da" strokeWidth="2" />
      {r.plans.map((p) => (
        <g key={p.label}>
          <circle cx={x(p.stockValueEur)} cy={y(p.availability)} r="5" fill="#cf222e" />
          <text x={x(p.stockValueEur) + 8} y={y(p.availability) + 4} fontSize="11">
            {p.label}: {pct(p.availability, 1)} for {eur(p.stockValueEur)}
          </text>
        </g>
      ))}
      <text x={50} y={190} fontSize="11" fill="#57606a">
        stock value (0 – {eur(maxC)}) →
      </text>
      <text x={54} y={30} fontSize="11" fill="#57606a">
        press availability ({pct(minA, 0)} – 100 %)
      </text>
    </svg>
  );
}
