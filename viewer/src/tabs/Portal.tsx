import { useEffect, useState } from "react";
import { apiGet, type Cell, type CellKpis } from "../api.ts";
import { clock, count, pct, sig } from "../format.ts";
import { Kpi } from "./Contract.tsx";

/**
 * The customer's portal: availability against the SLA target, yield, energy per part, OEE per cell and press
 * (GET /api/kpis, refreshed every 15 s). Operational figures only — never costs.
 */
export function Portal({ cells }: { cells: Cell[] }) {
  const [kpis, setKpis] = useState<CellKpis[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const r = await apiGet<{ cells: CellKpis[] }>("/api/kpis", ctrl.signal);
        setKpis(r.cells);
        setError(null);
      } catch (err) {
        if (!ctrl.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      }
      if (!ctrl.signal.aborted) timer = setTimeout(load, 15_000);
    };
    void load();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, []);
  const nameOf = (id: string): string => cells.find((c) => c.id === id)?.name ?? id;
  const pressName = (id: string): string => {
    for (const c of cells) for (const p of c.presses) if (p.id === id) return p.name;
    return id;
  };
  return (
    <div className="tab-page" data-testid="portal">
      <h2>Portal</h2>
      {error ? <p className="error">{error}</p> : null}
      {kpis === null ? <p className="muted">loading…</p> : null}
      {kpis?.length === 0 ? <p className="muted">No KPIs yet.</p> : null}
      {kpis?.map((k) => {
        const met = k.availability !== null && k.slaTarget !== null ? k.availability >= k.slaTarget : null;
        return (
          <section key={k.cellId} className="portal-cell" data-testid={`portal-cell-${k.cellId}`}>
            <h3>{nameOf(k.cellId)}</h3>
            <p className="muted small">
              {k.fromMs !== null && k.toMs !== null
                ? `${new Date(k.fromMs).toLocaleDateString("en-GB")} ${clock(k.fromMs)} – ${clock(k.toMs)}`
                : ""}
            </p>
            <div className="kpi-grid">
              <Kpi
                label="Availability"
                value={pct(k.availability, 2)}
                sub={
                  k.slaTarget === null
                    ? undefined
                    : `SLA target ${pct(k.slaTarget, 1)}${met === null ? "" : met ? " ✓ met" : " ✗ below"}`
                }
                testId="portal-availability"
              />
              <Kpi label="Yield" value={pct(k.yield, 2)} testId="portal-yield" />
              <Kpi
                label="Energy per part"
                value={k.kWhPerPart === null ? "–" : `${sig(k.kWhPerPart, 3)} kWh`}
                sub={k.kWhPerPart === null ? undefined : `${sig(k.kWhPerPart * 1000, 3)} Wh per good part`}
                testId="portal-kwh"
              />
              <Kpi label="OEE" value={pct(k.oee, 1)} />
              <Kpi label="Good parts" value={count(k.goodParts)} />
            </div>
            <AvailabilityBar availability={k.availability} target={k.slaTarget} />
            <table className="data small">
              <thead>
                <tr>
                  <th>Press</th>
                  <th>Availability</th>
                  <th>Yield</th>
                  <th>OEE</th>
                </tr>
              </thead>
              <tbody>
                {k.presses.map((p) => (
                  <tr key={p.id} data-press-id={p.id}>
                    <td>{pressName(p.id)}</td>
                    <td
                      className={
                        k.slaTarget !== null && p.availability !== null && p.availability < k.slaTarget
                          ? "warn"
                          : undefined
                      }
                    >
                      {pct(p.availability, 1)}
                    </td>
                    <td>{pct(p.yield, 2)}</td>
                    <td>{pct(p.oee, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}

function AvailabilityBar({ availability, target }: { availability: number | null; target: number | null }) {
  const W = 600;
  // Show 80–100 % (or lower if needed): the interesting part of an availability scale.
  const lo = Math.max(0, Math.min(0.8, (availability ?? 1) - 0.02, (target ?? 1) - 0.02));
  const x = (v: number): number => 10 + ((v - lo) / (1 - lo)) * (W - 20);
  return (
    <svg
      viewBox={`0 0 ${W} 50`}
      width="100%"
      style={{ maxWidth: W }}
      role="img"
      aria-label="Availability against the SLA target"
    >
      <rect x={10} y={16} width={W - 20} height={16} fill="#eaeef2" />
      {availability !== null ? (
        <rect
          x={10}
          y={16}
          width={Math.max(0, x(availability) - 10)}
          height={16}
          fill={target !== null && availability < target ? "#e5534b" : "#2da44e"}
        />
      ) : null}
      {target !== null ? (
        <>
          <line x1={x(target)} x2={x(target)} y1={12} y2={36} stroke="#24292f" strokeWidth="2" />
          <text x={x(target)} y={9} fontSize="10" textAnchor="middle">
            SLA {pct(target, 1)}
          </text>
        </>
      ) : null}
      <text x={10} y={46} fontSize="10" fill="#57606a">
        {pct(lo, 0)}
      </text>
      <text x={W - 10} y={46} fontSize="10" fill="#57606a" textAnchor="end">
        100 %
      </text>
    </svg>
  );
}
