import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import type { PartTrace } from "../../store/historyStore.ts";
import { DEFAULT_STORE_PATH } from "../../store/names.ts";
import { fmt, printJson, run } from "../io.ts";
import { columns } from "./life/common.ts";

/**
 * `moldtwin trace <partId>`: one part's history from the live twin's store — the press and cavity that made it,
 * the cycle (time, job, lot, material lot, quality, every cycle value), the press's state at that moment, the last
 * sample of each signal before the cycle ends (and the samples during it), and the events, quarantined values and
 * gaps around it. The store is opened read-only, so it works on a copy or on a store no twin is writing.
 */

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): string => `${fmt(ms / 1000)} s`;
/** Counters exactly, measurements to 4 significant digits, a dash for what the press did not report. */
const orDash = (v: string | number | null): string =>
  v === null ? "—" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : fmt(v)) : v;

const NAMED_VALUES = [
  ["cycleTimeS", "cycle time", "s"],
  ["injectionTimeS", "injection time", "s"],
  ["dosingTimeS", "dosing time", "s"],
  ["cushionCm3", "cushion", "cm³"],
  ["peakSpecificPressureBar", "peak specific pressure", "bar"],
  ["plastificationVolumeCm3", "plastification volume", "cm³"],
] as const;

export function humanTrace(t: PartTrace, store: string): string {
  const c = t.cycle;
  let s = `moldtwin trace ${t.partId} — ${store}\n`;
  s += `  part ${t.partId}: press ${t.press}, cavity ${t.cavity} of ${c.partIds.length}, ${t.partQuality ?? "quality not reported"}\n`;
  if (t.occurrences > 1) s += `  note: this id is stored ${t.occurrences} times; the latest is shown\n`;
  s += `  cycle ${iso(c.sourceTimeMs)} (received ${seconds(c.receivedTimeMs - c.sourceTimeMs)} later), ${c.cycleQuality ?? "quality not reported"}\n`;
  s += `    job ${orDash(c.jobName)}, job cycle ${c.jobCycleCounter}, machine cycle ${orDash(c.machineCycleCounter)}\n`;
  s += `    lot ${orDash(c.lotName)}, material lot ${orDash(c.materialLot)}\n`;
  const values: string[][] = NAMED_VALUES.map(([key, label, unit]) => [label, orDash(c[key]), unit]);
  for (const [name, v] of Object.entries(c.values).sort(([a], [b]) => (a < b ? -1 : 1)))
    values.push([name, fmt(v), ""]);
  s += "  cycle values\n";
  s += columns(["value", "", "unit"], values, "lrl", "    ");
  if (c.partIds.length > 1) {
    s += "  parts of the cycle\n";
    s += columns(
      ["cavity", "part id", "quality"],
      c.partIds.map((id, k) => [String(k + 1), id === "" ? "—" : id, c.cavityQuality[k] ?? "—"]),
      "rll",
      "    ",
    );
  }
  s += `  press state at ${iso(c.sourceTimeMs)}\n`;
  s +=
    t.states.length === 0
      ? "    no state changes stored before the cycle\n"
      : columns(
          ["variable", "value", "since"],
          t.states.map((x) => [x.variable, x.value, iso(x.sinceMs)]),
          "lll",
          "    ",
        );
  const during = t.cycleStartMs === null ? "" : `; during the cycle from ${iso(t.cycleStartMs)}`;
  s += `  signals (last sample at or before the cycle end, looking back to ${iso(t.windows.signalsFromMs)}${during})\n`;
  s +=
    t.signals.length === 0
      ? "    no samples in the window\n"
      : columns(
          ["signal", "value", "age", "during: n", "min", "max", "mean"],
          t.signals.map((x) => [
            x.signal,
            fmt(x.value),
            seconds(x.ageMs),
            x.during ? String(x.during.samples) : "—",
            x.during ? fmt(x.during.min) : "—",
            x.during ? fmt(x.during.max) : "—",
            x.during ? fmt(x.during.mean) : "—",
          ]),
          "lrrrrrr",
          "    ",
        );
  const window = `${iso(t.windows.eventsFromMs)} … ${iso(t.windows.eventsToMs)}`;
  s += `  events ${window}${t.events.length === 0 ? ": none" : ""}\n`;
  for (const e of t.events) {
    s += `    ${iso(e.sourceTimeMs)}  ${e.kind}${e.severity === null ? "" : ` (severity ${e.severity})`}  ${e.message}\n`;
  }
  s += `  quarantined values ${window}${t.quarantined.length === 0 ? ": none" : ""}\n`;
  for (const q of t.quarantined)
    s += `    ${iso(q.sourceTimeMs)}  ${q.signal} = ${JSON.stringify(q.raw)}: ${q.reason}\n`;
  s += `  gaps near the cycle${t.gaps.length === 0 ? ": none" : ""}\n`;
  for (const g of t.gaps) {
    s += `    ${iso(g.fromTimeMs)} … ${iso(g.toTimeMs)}: ${g.missingCycles} cycles missing (counter ${g.fromCounter} → ${g.toCounter}), ${g.reason}\n`;
  }
  return s;
}

export function registerTrace(program: Command): void {
  program
    .command("trace <partId>")
    .description(
      "one part's history from the history store: press, cavity, cycle values, job, lot, material lot, quality, and the press's state, signals, events and gaps around it",
    )
    .option("--store <file>", "history store file", DEFAULT_STORE_PATH)
    .option("--json", "print one JSON object")
    .action(async (partId: string, o) =>
      run(Boolean(o.json), async () => {
        const file = String(o.store);
        const { openStore } = await import("../../store/historyStore.ts");
        const store = await openStore(file, { readOnly: true });
        try {
          const trace = await store.trace(partId);
          if (!trace) {
            const parts = (await store.counts()).parts ?? 0;
            throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no part ${JSON.stringify(partId)} in ${file}`, [
              { field: "partId", value: partId, allowed: `a part id stored in ${file} (${parts} part ids stored)` },
            ]);
          }
          if (o.json) printJson({ store: file, ...trace });
          else process.stdout.write(humanTrace(trace, file));
        } finally {
          await store.close();
        }
      }),
    );
}
