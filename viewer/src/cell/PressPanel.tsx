import { useEffect, useState } from "react";
import { type Alert, ApiError, apiGet, type LivePress, type PressDetail } from "../api.ts";
import { Sparkline } from "../charts/Sparkline.tsx";
import { clock, count, DASH, num, pct, sig, statusColour } from "../format.ts";
import { alertMessages, type LiveStore } from "../liveStore.ts";

const MAX_POINTS = 240;
const REFRESH_MS = 5000;

interface Series {
  atMs: number[];
  cycleTimeS: (number | null)[];
  peakPressureBar: (number | null)[];
}

const trim = <T,>(a: T[]): T[] => (a.length > MAX_POINTS ? a.slice(a.length - MAX_POINTS) : a);

/**
 * The side panel of one press: live values (from the live stream), peak-pressure and cycle-time sparklines (the
 * press's recent cycles from GET /api/presses/:id, extended by every new cycle the stream reports), wear and
 * remaining life per component, alerts. Only this panel re-renders on live messages, never the scene.
 */
export function PressPanel({ pressId, store, onClose }: { pressId: string; store: LiveStore; onClose: () => void }) {
  const [detail, setDetail] = useState<PressDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LivePress | null>(store.byId.get(pressId) ?? null);
  const [atMs, setAtMs] = useState<number | null>(store.lastAtMs);
  const [series, setSeries] = useState<Series>({ atMs: [], cycleTimeS: [], peakPressureBar: [] });

  // Details: on open and every few seconds (components, alerts, the authoritative series).
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setDetail(null);
    setError(null);
    setSeries({ atMs: [], cycleTimeS: [], peakPressureBar: [] });
    setLive(store.byId.get(pressId) ?? null);
    const load = async (): Promise<void> => {
      try {
        const d = await apiGet<PressDetail>(`/api/presses/${encodeURIComponent(pressId)}`, ctrl.signal);
        setDetail(d);
        setError(null);
        setSeries((s) => {
          const serverLast = d.series.atMs.at(-1) ?? -Infinity;
          const ourLast = s.atMs.at(-1) ?? -Infinity;
          if (serverLast < ourLast) return s;
          return {
            atMs: trim(d.series.atMs),
            cycleTimeS: trim(d.series.cycleTimeS),
            peakPressureBar: trim(d.series.peakPressureBar),
          };
        });
        if (d.live && !store.byId.has(pressId)) setLive(d.live);
      } catch (err) {
        if (ctrl.signal.aborted) return;
        setError(err instanceof ApiError ? err.message : String(err));
      }
      if (!ctrl.signal.aborted) timer = setTimeout(load, REFRESH_MS);
    };
    void load();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [pressId, store]);

  // Live values and new cycles from the stream.
  useEffect(
    () =>
      store.subscribe((msg) => {
        const p = msg.presses.find((q) => q.id === pressId);
        setAtMs(msg.atMs);
        if (!p) return;
        setLive(p);
        const at = p.lastCycleAtMs;
        if (at === null || p.cycleTimeS === null) return;
        setSeries((s) => {
          if (s.atMs.length && at <= (s.atMs.at(-1) ?? -Infinity)) return s;
          return {
            atMs: trim([...s.atMs, at]),
            cycleTimeS: trim([...s.cycleTimeS, p.cycleTimeS]),
            peakPressureBar: trim([...s.peakPressureBar, p.peakPressureBar]),
          };
        });
      }),
    [pressId, store],
  );

  const press = detail?.press;
  const status = live?.status ?? "unknown";
  const alerts: Alert[] = [...alertMessages(live?.alerts), ...(detail?.alerts ?? [])];
  const seen = new Set<string>();
  const uniqueAlerts = alerts.filter((a) => {
    const k = `${a.atMs ?? ""}|${a.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  return (
    <aside className="panel" data-testid="press-panel" data-press-id={pressId} aria-label={`Press ${pressId}`}>
      <header className="panel-head">
        <div>
          <h2 data-testid="panel-title">{press?.name ?? pressId}</h2>
          <div className="muted small">
            {press
              ? `${press.machine} · ${press.mold} · ${press.material} · ${count(press.clampForceKN)} kN`
              : "loading…"}
          </div>
        </div>
        <button type="button" className="close" onClick={onClose} aria-label="Close panel">
          ×
        </button>
      </header>
      {error ? <p className="error">{error}</p> : null}
      <div className="status-line">
        <span className="status-pill" data-testid="panel-status" style={{ background: statusColour(status) }}>
          {status}
        </span>
        <span className="muted small" data-testid="panel-updated">
          live {clock(atMs)}
        </span>
      </div>
      <dl className="values">
        <div>
          <dt>OEE</dt>
          <dd data-testid="panel-oee">{pct(live?.oee)}</dd>
        </div>
        <div>
          <dt>Cycle time</dt>
          <dd data-testid="panel-cycle-time">{live?.cycleTimeS == null ? DASH : `${num(live.cycleTimeS, 2)} s`}</dd>
        </div>
        <div>
          <dt>Peak pressure</dt>
          <dd data-testid="panel-peak-pressure">
            {live?.peakPressureBar == null ? DASH : `${num(live.peakPressureBar, 0)} bar`}
          </dd>
        </div>
        <div>
          <dt>Good parts</dt>
          <dd data-testid="panel-good-parts">{count(live?.goodParts)}</dd>
        </div>
        <div>
          <dt>Bad parts</dt>
          <dd data-testid="panel-bad-parts">{count(live?.badParts)}</dd>
        </div>
        <div>
          <dt>Last cycle</dt>
          <dd data-testid="panel-last-cycle">{clock(live?.lastCycleAtMs)}</dd>
        </div>
      </dl>
      <Sparkline
        testId="spark-peak-pressure"
        label="Peak pressure"
        unit="bar"
        colour="#cf222e"
        values={series.peakPressureBar}
      />
      <Sparkline testId="spark-cycle-time" label="Cycle time" unit="s" colour="#0969da" values={series.cycleTimeS} />

      <h3>Wear and remaining life</h3>
      {detail ? <Components detail={detail} /> : <p className="muted">loading…</p>}

      <h3>Alerts</h3>
      {uniqueAlerts.length === 0 ? (
        <p className="muted small" data-testid="panel-alerts">
          none
        </p>
      ) : (
        <ul className="alerts" data-testid="panel-alerts">
          {uniqueAlerts.slice(0, 20).map((a) => (
            <li key={`${a.atMs ?? ""}|${a.message}`} className={`sev-${a.severity ?? "warning"}`}>
              {a.atMs ? <span className="muted">{clock(a.atMs)} </span> : null}
              {a.message}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function Components({ detail }: { detail: PressDetail }) {
  const rows = detail.components;
  if (rows.length === 0) return <p className="muted small">no wear parts reported</p>;
  // Log scale: remaining lives run from hundreds of hours (ejector pins) to millions (ball screws).
  const lives = rows.flatMap((c) => (c.remainingLifeH ? [c.remainingLifeH.p10, c.remainingLifeH.p90] : []));
  const lo = Math.log10(Math.max(1, Math.min(...lives, 1e9) / 1.5));
  const hi = Math.log10(Math.max(10, ...lives) * 1.2);
  const at = (h: number): number => (100 * (Math.log10(Math.max(1, h)) - lo)) / Math.max(1e-9, hi - lo);
  return (
    <table className="components" data-testid="panel-components">
      <thead>
        <tr>
          <th>Component</th>
          <th title="remaining life P10 – P50 – P90 (operating hours), log scale">Remaining life (h)</th>
          <th title="probability of at least one failure within 90 days">P(fail 90 d)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const r = c.remainingLifeH;
          const p = c.failureProbability90d;
          return (
            <tr key={c.component}>
              <td>
                {c.kind}
                {c.sockets > 1 ? <span className="muted"> ×{c.sockets}</span> : null}
                <div className="muted tiny">{c.component}</div>
              </td>
              <td>
                {r ? (
                  <>
                    <svg
                      className="life"
                      viewBox="0 0 100 10"
                      preserveAspectRatio="none"
                      role="img"
                      aria-label="remaining life"
                    >
                      <rect x="0" y="3" width="100" height="4" fill="#eaeef2" />
                      <rect
                        x={at(r.p10)}
                        y="2"
                        width={Math.max(0.5, at(r.p90) - at(r.p10))}
                        height="6"
                        fill="#54aeff"
                      />
                      <rect x={at(r.p50) - 0.6} y="0" width="1.2" height="10" fill="#0550ae" />
                    </svg>
                    <div className="tiny">
                      {sig(r.p10, 2)} – <b>{sig(r.p50, 3)}</b> – {sig(r.p90, 2)}
                    </div>
                  </>
                ) : (
                  DASH
                )}
              </td>
              <td className={p !== null && p > 0.3 ? "warn" : undefined}>{pct(p, 0)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
