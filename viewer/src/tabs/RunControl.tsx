import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { ApiError, apiGet, apiSend, isFinished, type RunInfo, readSse, type Scenario } from "../api.ts";

/**
 * Pick a scenario of one kind, start a run (POST /api/runs), follow its progress (GET /api/runs/:id/events, with
 * polling as a fallback), then fetch its result and hand it to `children`. Earlier finished runs of the kind can
 * be reopened.
 */
export function RunControl<R>({
  kind,
  title,
  scenarios,
  children,
}: {
  kind: string;
  title: string;
  scenarios: Scenario[] | null;
  children: (result: R, run: RunInfo) => ReactNode;
}) {
  const mine = (scenarios ?? []).filter((s) => s.kind === kind);
  const [scenarioId, setScenarioId] = useState("");
  const [run, setRun] = useState<RunInfo | null>(null);
  const [result, setResult] = useState<{ run: RunInfo; data: R } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<RunInfo[]>([]);
  const follow = useRef<AbortController | null>(null);

  const firstId = mine[0]?.id;
  useEffect(() => {
    if (!scenarioId && firstId) setScenarioId(firstId);
  }, [firstId, scenarioId]);

  const refreshHistory = useCallback(async () => {
    try {
      const r = await apiGet<{ runs: RunInfo[] }>("/api/runs");
      setHistory(r.runs.filter((x) => x.kind === kind));
    } catch {
      // the list is a convenience
    }
  }, [kind]);

  useEffect(() => {
    void refreshHistory();
    return () => follow.current?.abort();
  }, [refreshHistory]);

  const loadResult = useCallback(async (info: RunInfo) => {
    try {
      const data = await apiGet<R>(`/api/runs/${encodeURIComponent(info.id)}/result`);
      setResult({ run: info, data });
    } catch (err) {
      setError(`result of ${info.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, []);

  const track = useCallback(
    async (info: RunInfo) => {
      follow.current?.abort();
      const ctrl = new AbortController();
      follow.current = ctrl;
      let last = info;
      setRun(info);
      const settle = async (r: RunInfo): Promise<void> => {
        setRun(r);
        if (r.status === "done") await loadResult(r);
        else if (r.status === "failed") setError(`run failed: ${describe(r.error)}`);
        void refreshHistory();
      };
      if (isFinished(info.status)) return settle(info);
      try {
        await readSse(
          `/api/runs/${encodeURIComponent(info.id)}/events`,
          (e) => {
            if (e.event !== "run") return;
            try {
              last = JSON.parse(e.data) as RunInfo;
              setRun(last);
              if (isFinished(last.status)) ctrl.abort();
            } catch {
              // skip a malformed event
            }
          },
          ctrl.signal,
        );
      } catch {
        // aborted when finished, or the stream failed: poll below
      }
      while (!isFinished(last.status) && follow.current === ctrl) {
        await new Promise((r) => setTimeout(r, 1000));
        try {
          last = await apiGet<RunInfo>(`/api/runs/${encodeURIComponent(info.id)}`);
          setRun(last);
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
          return;
        }
      }
      if (follow.current === ctrl) await settle(last);
    },
    [loadResult, refreshHistory],
  );

  const start = async (): Promise<void> => {
    setError(null);
    setResult(null);
    try {
      const info = await apiSend<RunInfo>("POST", "/api/runs", { kind, scenarioId });
      await track(info);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code ? `${err.code}: ` : ""}${err.message}` : String(err));
    }
  };

  const cancel = async (): Promise<void> => {
    if (!run) return;
    try {
      await apiSend("DELETE", `/api/runs/${encodeURIComponent(run.id)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const running = run !== null && !isFinished(run.status);
  const fraction = run?.progress?.fraction ?? (run?.status === "done" ? 1 : 0);
  const done = history
    .filter((h) => h.status === "done" && h.id !== result?.run.id)
    .slice(-6)
    .reverse();

  return (
    <section className="run-control" data-testid={`run-${kind}`}>
      <h2>{title}</h2>
      {scenarios === null ? (
        <p className="muted">loading scenarios…</p>
      ) : mine.length === 0 ? (
        <p className="muted">No {kind} scenarios are available to this account.</p>
      ) : (
        <div className="run-form">
          <select
            aria-label={`${kind} scenario`}
            data-testid={`scenario-${kind}`}
            value={scenarioId}
            onChange={(e) => setScenarioId(e.target.value)}
          >
            {mine.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button type="button" className="primary" disabled={running || !scenarioId} onClick={() => void start()}>
            {running ? "Running…" : "Run"}
          </button>
          {running ? (
            <button type="button" onClick={() => void cancel()}>
              Cancel
            </button>
          ) : null}
        </div>
      )}
      {mine.find((s) => s.id === scenarioId)?.description ? (
        <p className="muted small">{mine.find((s) => s.id === scenarioId)?.description}</p>
      ) : null}
      {run ? (
        <div className="progress" data-testid={`progress-${kind}`} data-status={run.status}>
          <div className="bar">
            <div style={{ width: `${(100 * Math.min(1, Math.max(0, fraction))).toFixed(1)}%` }} />
          </div>
          <span className="small">
            {run.name || run.id} · {run.status}
            {run.progress && run.progress.total > 0 ? ` · ${run.progress.done}/${run.progress.total}` : ""}
          </span>
        </div>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
      {done.length > 0 ? (
        <div className="history small">
          Earlier runs:{" "}
          {done.map((h) => (
            <button type="button" key={h.id} className="link" onClick={() => void track(h)}>
              {h.name || h.id}
            </button>
          ))}
        </div>
      ) : null}
      {result ? <div className="result">{children(result.data, result.run)}</div> : null}
    </section>
  );
}

function describe(e: unknown): string {
  if (!e) return "unknown error";
  if (typeof e === "string") return e;
  const o = e as { message?: string; code?: string; error?: { message?: string } };
  return o.message ?? o.error?.message ?? o.code ?? JSON.stringify(e);
}
