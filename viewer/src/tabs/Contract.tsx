import type { Scenario } from "../api.ts";
import { Tornado, type TornadoRow } from "../charts/Tornado.tsx";
import { eur, pct } from "../format.ts";
import { RunControl } from "./RunControl.tsx";

interface Dist {
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  min?: number;
  max?: number;
}

export interface ContractResult {
  name: string;
  tier?: string;
  presses?: number;
  termMonths: number;
  runs: number;
  sla: { availabilityTarget: number; window: string };
  availability: {
    term: Dist;
    windows: number;
    breachProbability: { p: number; se: number };
    anyBreachInTerm: { p: number; se: number };
  };
  penaltyEur: Dist;
  revenueEur: Dist;
  costEur: Dist;
  marginEur: Dist;
  npvEur: Dist;
  marginShareOfRevenue?: number;
  lossProbability?: { p: number };
  tail?: { level: number; var: number; cvar: number };
  marginHistogram?: { fromEur: number[]; widthEur: number; counts: number[] };
  tornado?: TornadoRow[];
  warnings?: string[];
}

/** The sales view: a contract's margin distribution, SLA breach risk and what drives the margin. */
export function Contract({ scenarios }: { scenarios: Scenario[] | null }) {
  return (
    <div className="tab-page">
      <RunControl<ContractResult> kind="contract" title="Contract" scenarios={scenarios}>
        {(r) => <ContractDashboard r={r} />}
      </RunControl>
    </div>
  );
}

function ContractDashboard({ r }: { r: ContractResult }) {
  const m = r.marginEur;
  return (
    <div data-testid="contract-dashboard">
      <h3>{r.name}</h3>
      <p className="muted small">
        {r.presses ?? "?"} presses · {r.termMonths} months · {r.runs} Monte Carlo runs · SLA availability{" "}
        {pct(r.sla.availabilityTarget, 1)} per {r.sla.window}
      </p>
      <div className="kpi-grid">
        <Kpi
          label="Margin P50"
          value={eur(m.p50)}
          sub={`P10 ${eur(m.p10)} · P90 ${eur(m.p90)}`}
          testId="contract-margin"
        />
        <Kpi label="NPV P50" value={eur(r.npvEur.p50)} sub={`P10 ${eur(r.npvEur.p10)} · P90 ${eur(r.npvEur.p90)}`} />
        <Kpi
          label="P(SLA breach) per window"
          value={pct(r.availability.breachProbability.p, 2)}
          sub={`± ${pct(r.availability.breachProbability.se, 2)}`}
          testId="contract-breach"
        />
        <Kpi label="P(any breach in term)" value={pct(r.availability.anyBreachInTerm.p, 1)} />
        <Kpi
          label="Availability P50"
          value={pct(r.availability.term.p50, 2)}
          sub={`P10 ${pct(r.availability.term.p10, 2)} · target ${pct(r.sla.availabilityTarget, 1)}`}
        />
        <Kpi label="Penalties (mean)" value={eur(r.penaltyEur.mean)} sub={`P90 ${eur(r.penaltyEur.p90)}`} />
        <Kpi label="Revenue P50" value={eur(r.revenueEur.p50)} />
        <Kpi label="Cost P50" value={eur(r.costEur.p50)} />
      </div>
      <h4>Margin over the term: P10 – P50 – P90</h4>
      <QuantileBar d={m} histogram={r.marginHistogram} />
      {r.tornado && r.tornado.length > 0 ? (
        <>
          <h4>What moves the margin (tornado)</h4>
          <Tornado rows={r.tornado} base={m.mean} />
        </>
      ) : null}
      {r.warnings && r.warnings.length > 0 ? (
        <ul className="warnings small">
          {r.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Kpi({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="kpi" data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub ? <div className="kpi-sub">{sub}</div> : null}
    </div>
  );
}

/** The margin histogram with the P10, P50 and P90 marked. */
function QuantileBar({ d, histogram }: { d: Dist; histogram?: ContractResult["marginHistogram"] }) {
  const W = 720;
  const H = 150;
  const lo = histogram?.fromEur[0] ?? d.min ?? d.p10 - (d.p90 - d.p10);
  const hi = histogram ? (histogram.fromEur.at(-1) ?? lo) + histogram.widthEur : (d.max ?? d.p90 + (d.p90 - d.p10));
  const x = (v: number): number => 20 + ((v - lo) / (hi - lo || 1)) * (W - 40);
  const maxC = Math.max(1, ...(histogram?.counts ?? [1]));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label="Margin distribution">
      {histogram?.counts.map((c, i) => {
        const from = histogram.fromEur[i] ?? lo;
        const bh = (c / maxC) * 90;
        return (
          <rect
            key={from}
            x={x(from)}
            y={100 - bh}
            width={Math.max(0.5, x(from + histogram.widthEur) - x(from) - 1)}
            height={bh}
            fill="#a5d6ff"
          />
        );
      })}
      <rect
        x={x(d.p10)}
        y={104}
        width={Math.max(1, x(d.p90) - x(d.p10))}
        height={12}
        fill="#0969da"
        fillOpacity="0.35"
      />
      {(
        [
          ["P10", d.p10],
          ["P50", d.p50],
          ["P90", d.p90],
        ] as const
      ).map(([k, v]) => (
        <g key={k}>
          <line x1={x(v)} x2={x(v)} y1={6} y2={118} stroke="#0550ae" strokeWidth={k === "P50" ? 2 : 1} />
          <text x={x(v)} y={134} textAnchor="middle" fontSize="11">
            {k} {eur(v)}
          </text>
        </g>
      ))}
    </svg>
  );
}
