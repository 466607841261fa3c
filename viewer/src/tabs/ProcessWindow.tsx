import type { Scenario } from "../api.ts";
import { AreaDiagram, type WindowResult } from "../charts/AreaDiagram.tsx";
import { num, pct, sig } from "../format.ts";
import { RunControl } from "./RunControl.tsx";

/** The process engineer's view: run a window scenario, then its molding-area diagram. */
export function ProcessWindow({ scenarios }: { scenarios: Scenario[] | null }) {
  return (
    <div className="tab-page">
      <RunControl<WindowResult> kind="window" title="Process window" scenarios={scenarios}>
        {(r) => (
          <>
            <h3>{r.scenario}</h3>
            {r.twin ? (
              <p className="muted small">
                {r.twin.moldId} on {r.twin.machineId} with {r.twin.materialId}
              </p>
            ) : null}
            <AreaDiagram r={r} />
            {r.feasible && r.recommended?.robustness ? (
              <p className="small" data-testid="window-recommended">
                Recommended ({r.recommended.objective}):{" "}
                {Object.entries(r.recommended.settings)
                  .map(([k, v]) => `${k} ${sig(v, 4)}`)
                  .join(", ")}{" "}
                · yield {pct(r.recommended.robustness.yield)} · Cpk{" "}
                {sig(r.recommended.robustness.criticalDimensionCpk, 3)} · cycle{" "}
                {num(r.recommended.robustness.cycleTimeMeanS, 2)} s
              </p>
            ) : null}
          </>
        )}
      </RunControl>
    </div>
  );
}
