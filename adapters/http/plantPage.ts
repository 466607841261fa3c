import type { Plant } from "../../twin-models/schemas/plant.ts";
import type { PressPrediction } from "./server.ts";

const COLOURS = { ok: "#1b7f3b", "at-risk": "#b7791f", defect: "#c53030" } as const;

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (x: number, digits = 3): string => Number(x.toPrecision(digits)).toString();

/** A self-contained overview page: one row per press with its predicted shot and defect risks. */
export function renderPlantPage(plant: Plant, rows: PressPrediction[]): string {
  const body = rows
    .map((r) => {
      const d = r.result.defects;
      const chips = Object.entries(d)
        .map(
          ([name, v]) =>
            `<span title="margin ${n(v.margin)} — ${esc(v.limitedBy)}" style="color:${COLOURS[v.status]}">${name}</span>`,
        )
        .join(" ");
      return `<tr><td>${esc(r.name)}</td><td>${esc(r.machine)}</td><td>${esc(r.mold)}</td><td>${esc(r.material)}</td>
<td>${n(r.result.cycle.cycleTimeS)}</td><td>${n(r.result.fill.peakInjectionPressureMPa)}</td><td>${n(r.result.pack.partMassG)}</td>
<td>${n(r.result.energy.perPartKWh * 1000)}</td><td>${n(r.result.energy.perKgKWh)}</td><td>${chips}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>moldtwin — ${esc(plant.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#1a202c}table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #e2e8f0;text-align:left}th{background:#f7fafc}</style>
</head><body><h1>moldtwin</h1><h2>${esc(plant.name)}</h2><p>${esc(plant.description)}</p>
<p>Predicted shot of every press at its current settings (physics-lite twin; hover a defect for its margin and limiting criterion).
API: <code>GET /api/plant</code>, <code>GET /api/library</code>, <code>POST /api/simulate</code>.</p>
<table><thead><tr><th>press</th><th>machine</th><th>mold</th><th>material</th><th>cycle s</th><th>peak MPa</th><th>part g</th>
<th>Wh/part</th><th>kWh/kg</th><th>defect risks</th></tr></thead><tbody>
${body}
</tbody></table></body></html>`;
}
