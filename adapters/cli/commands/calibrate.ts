import { join } from "node:path";
import type { Command } from "commander";
import {
  CALIBRATION_PARAMETERS,
  type Calibration,
  type CalibrationParameter,
  calibrate,
  type DemoResult,
  DRIFT_DEFAULTS,
  type DriftAlert,
  type DriftMethod,
  type DriftOptions,
  ewmaLimit,
  monitorPress,
  OBSERVED_OUTPUTS,
  type ObservedCycle,
  type ObservedOutput,
  type OnlineResult,
  OUTPUT_UNITS,
  predict,
  runCalibrationDemo,
} from "../../../engine/calibrate/index.ts";
import { MoldtwinError } from "../../../engine/errors.ts";
import { dutyOf } from "../../../engine/wear/duty.ts";
import { resolveTwin, type Twin } from "../../../twin-models/resolve.ts";
import type { PlantPress } from "../../../twin-models/schemas/plant.ts";
import type { ProcessSettings } from "../../../twin-models/schemas/process.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { lineChart, type MarkerLine, PALETTE } from "../../svg/chart.ts";
import { CellErrors, numberCell, parseCsvTable } from "../csvTable.ts";
import { columns, fmt, printJson, readJsonFile, readTextFile, run } from "../io.ts";
import { enumOption, numberOption, writeSvg } from "./life/common.ts";

/**
 * `moldtwin calibrate --press <id>`: calibrates the press's twin (engine/calibrate) to its observed cycles and,
 * with a window, charts the later cycles against it (CUSUM or EWMA) and recalibrates at each alert.
 *
 * Cycle file (CSV; header row, any column order, case-insensitive, blank lines and `#` comments skipped), one row
 * per cycle:
 *   press                      press id (optional; rows of other presses are skipped)
 *   cycle                      the press's cycle counter (optional; default the row's position)
 *   settings columns           melt_temp_c, mold_temp_c, injection_time_s | injection_speed_mm_per_s,
 *                              vp_switchover_pct, hold_pressure_mpa, hold_time_s, cooling_time_s, back_pressure_mpa,
 *                              screw_speed_rpm: only those that vary; a missing column or blank cell is the press's
 *                              running recipe from the plant file
 *   observed output columns    peak_injection_pressure_mpa, peak_hydraulic_pressure_mpa, fill_time_s, cycle_time_s,
 *                              recovery_time_s, cushion_mm, part_mass_g, energy_per_shot_kwh: any subset, blank = not
 *                              measured that cycle (at least one per row)
 *   cushion_ref_mm             cushion the recipe leaves with a tight check ring (needed with cushion_mm; or
 *                              --cushion-ref-mm for all rows)
 * Any other column is an error (a misspelt output would otherwise be silently dropped). JSON: an array (or
 * {"cycles": [...]}) of {press?, cycle?, settings: {partial ProcessSettings}, observed: {…}, cushionRefMm?}.
 */

const SETTING_COLUMNS: Record<string, keyof ProcessSettings> = {
  melt_temp_c: "meltTempC",
  mold_temp_c: "moldTempC",
  injection_time_s: "injectionTimeS",
  injection_speed_mm_per_s: "injectionSpeedMmPerS",
  vp_switchover_pct: "vpSwitchoverPct",
  hold_pressure_mpa: "holdPressureMPa",
  hold_time_s: "holdTimeS",
  cooling_time_s: "coolingTimeS",
  back_pressure_mpa: "backPressureMPa",
  screw_speed_rpm: "screwSpeedRpm",
};

const SETTING_UNITS: Record<keyof ProcessSettings, string> = {
  meltTempC: "°C",
  moldTempC: "°C",
  injectionTimeS: "s",
  injectionSpeedMmPerS: "mm/s",
  vpSwitchoverPct: "%",
  holdPressureMPa: "MPa",
  holdTimeS: "s",
  coolingTimeS: "s",
  backPressureMPa: "MPa",
  screwSpeedRpm: "rpm",
};

const OUTPUT_COLUMNS: Record<string, ObservedOutput> = {
  peak_injection_pressure_mpa: "peakInjectionPressureMPa",
  peak_hydraulic_pressure_mpa: "peakHydraulicPressureMPa",
  fill_time_s: "fillTimeS",
  cycle_time_s: "cycleTimeS",
  recovery_time_s: "recoveryTimeS",
  cushion_mm: "cushionMm",
  part_mass_g: "partMassG",
  energy_per_shot_kwh: "energyPerShotKWh",
};

const OTHER_COLUMNS = ["press", "cycle", "cushion_ref_mm"];
const ALL_COLUMNS = [...OTHER_COLUMNS, ...Object.keys(SETTING_COLUMNS), ...Object.keys(OUTPUT_COLUMNS)];
const WHAT = "cycle";

/** A recipe with some settings replaced; a given injection speed replaces the recipe's injection time. */
function withSettings(recipe: ProcessSettings, changes: Partial<ProcessSettings>): ProcessSettings {
  const s = { ...recipe, ...changes };
  if (changes.injectionSpeedMmPerS !== undefined && changes.injectionTimeS === undefined) delete s.injectionTimeS;
  if (changes.injectionTimeS !== undefined && changes.injectionSpeedMmPerS === undefined) {
    delete s.injectionSpeedMmPerS;
  }
  return s;
}

/**
 * The press's cycles from the history store (what `moldtwin ingest` recorded): peak specific pressure (bar → MPa),
 * injection time as the fill time, cycle time, and the cushion (cm³ over the screw's cross-section → mm). Live
 * cycles do not carry the set values, so every cycle is taken at the press's recipe from the plant; the cushion a
 * tight ring leaves is `--cushion-ref-mm`, or else the median of the first 20 cycles (a fresh ring assumed).
 */
async function cyclesFromStore(
  file: string,
  pressId: string,
  settings: ProcessSettings,
  twin: Twin,
  cushionRef: number | undefined,
): Promise<ObservedCycle[]> {
  const { openStore } = await import("../../store/historyStore.ts");
  const store = await openStore(file, { readOnly: true });
  try {
    const rows = await store.cycles(pressId, 0, Date.UTC(2100, 0, 1) - 1);
    const areaMm2 = (Math.PI / 4) * dutyOf(twin, settings, 20).screwDiameterMm ** 2;
    const cushions = rows.slice(0, 20).flatMap((r) => (r.cushionCm3 === null ? [] : [(r.cushionCm3 * 1000) / areaMm2]));
    const ref =
      cushionRef ??
      (cushions.length ? [...cushions].sort((a, b) => a - b)[Math.floor(cushions.length / 2)] : undefined);
    return rows.map((r) => {
      const observed: ObservedCycle["observed"] = {};
      if (r.peakSpecificPressureBar !== null) observed.peakInjectionPressureMPa = r.peakSpecificPressureBar / 10;
      if (r.injectionTimeS !== null) observed.fillTimeS = r.injectionTimeS;
      if (r.cycleTimeS !== null) observed.cycleTimeS = r.cycleTimeS;
      if (r.cushionCm3 !== null && ref !== undefined) observed.cushionMm = (r.cushionCm3 * 1000) / areaMm2;
      return { settings, observed, cycle: r.jobCycleCounter, ...(ref !== undefined ? { cushionRefMm: ref } : {}) };
    });
  } finally {
    await store.close();
  }
}

/** The CSV cycle file as observed cycles of one press, or TWIN_ERR_VALIDATION naming every bad cell. */
export function readCycleCsv(
  text: string,
  file: string,
  press: string,
  recipe: ProcessSettings,
  cushionRefMm?: number,
): ObservedCycle[] {
  const table = parseCsvTable(text, file, WHAT, []);
  const unknown = table.columns.filter((c) => !ALL_COLUMNS.includes(c));
  if (unknown.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `${WHAT} file ${file}: unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`,
      unknown.map((c) => ({
        field: `${file} header column ${c}`,
        value: c,
        allowed: `one of: ${ALL_COLUMNS.join(", ")}`,
      })),
    );
  }
  if (!table.columns.some((c) => c in OUTPUT_COLUMNS)) {
    throw new MoldtwinError("FILE_ERR_READ", `${WHAT} file ${file}: no observed output column`, [
      {
        field: `${file} header`,
        value: table.columns.join(","),
        allowed: `at least one of: ${Object.keys(OUTPUT_COLUMNS).join(", ")}`,
      },
    ]);
  }
  const errors = new CellErrors();
  const cycles: ObservedCycle[] = [];
  let position = 0;
  for (const r of table.rows) {
    const id = r.cell("press");
    if (table.columns.includes("press") && id !== press) continue;
    const changes: Partial<ProcessSettings> = {};
    for (const [column, key] of Object.entries(SETTING_COLUMNS)) {
      const raw = r.cell(column);
      if (raw === "") continue;
      const v = numberCell(raw);
      if (v === undefined || !Number.isFinite(v))
        errors.add(r.row, column, raw, `a finite number (${SETTING_UNITS[key]})`);
      else changes[key] = v;
    }
    const observed: Partial<Record<ObservedOutput, number>> = {};
    for (const [column, key] of Object.entries(OUTPUT_COLUMNS)) {
      const raw = r.cell(column);
      if (raw === "") continue;
      const v = numberCell(raw);
      if (v === undefined || !Number.isFinite(v))
        errors.add(r.row, column, raw, `a finite number (${OUTPUT_UNITS[key]})`);
      else observed[key] = v;
    }
    if (Object.keys(observed).length === 0) {
      errors.add(r.row, "observed outputs", "", `at least one of: ${Object.keys(OUTPUT_COLUMNS).join(", ")}`);
    }
    let cycle = position;
    const rawCycle = r.cell("cycle");
    if (rawCycle !== "") {
      const v = numberCell(rawCycle);
      if (v === undefined || !Number.isInteger(v) || v < 0) errors.add(r.row, "cycle", rawCycle, "an integer ≥ 0");
      else cycle = v;
    }
    let ref = cushionRefMm;
    const rawRef = r.cell("cushion_ref_mm");
    if (rawRef !== "") {
      const v = numberCell(rawRef);
      if (v === undefined || !(v > 0 && Number.isFinite(v)))
        errors.add(r.row, "cushion_ref_mm", rawRef, "a number > 0 (mm)");
      else ref = v;
    }
    if (observed.cushionMm !== undefined && ref === undefined) {
      errors.add(
        r.row,
        "cushion_ref_mm",
        "",
        "needed with cushion_mm: the cushion a tight check ring leaves, > 0 mm (or --cushion-ref-mm)",
      );
    }
    position++;
    cycles.push({
      settings: withSettings(recipe, changes),
      observed,
      cycle,
      ...(ref === undefined ? {} : { cushionRefMm: ref }),
    });
  }
  errors.throwIfAny(WHAT, file);
  return cycles;
}

/** The JSON cycle file: an array, or {cycles: [...]}, of {press?, cycle?, settings?, observed, cushionRefMm?}. */
export function readCycleJson(
  value: unknown,
  file: string,
  press: string,
  recipe: ProcessSettings,
  cushionRefMm?: number,
): ObservedCycle[] {
  const list = Array.isArray(value) ? value : (value as { cycles?: unknown } | null)?.cycles;
  if (!Array.isArray(list)) {
    throw new MoldtwinError("FILE_ERR_READ", `${WHAT} file ${file}: expected an array of cycles or {"cycles": [...]}`, [
      { field: file, value: typeof value, allowed: 'an array of cycles or an object {"cycles": [...]}' },
    ]);
  }
  return list
    .filter((c) => !(c && typeof c === "object" && "press" in c && (c as { press: unknown }).press !== press))
    .map((c, i) => {
      const o = (c ?? {}) as Record<string, unknown>;
      const settings = (o.settings ?? {}) as Partial<ProcessSettings>;
      const ref = o.cushionRefMm ?? cushionRefMm;
      return {
        settings: withSettings(recipe, settings),
        observed: (o.observed ?? {}) as Partial<Record<ObservedOutput, number>>,
        cycle: typeof o.cycle === "number" ? o.cycle : i,
        ...(ref === undefined ? {} : { cushionRefMm: ref as number }),
      };
    });
}

function findPress(plantRef: string, id: string): { press: PlantPress; plant: string } {
  const plant = loadPlantRef(plantRef, join(process.cwd(), "calibrate"));
  const presses = plant.cells.flatMap((c) => c.presses);
  const press = presses.find((p) => p.id === id);
  if (!press) {
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no press ${id} in plant ${plant.id}`, [
      { field: "--press", value: id, allowed: `one of: ${presses.map((p) => p.id).join(", ")}` },
    ]);
  }
  return { press, plant: plant.id };
}

function parameterList(raw: unknown): "auto" | CalibrationParameter[] {
  if (raw === undefined || raw === "auto") return "auto";
  const names = String(raw)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(CALIBRATION_PARAMETERS as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new MoldtwinError("CLI_ERR_USAGE", `unknown calibration parameter ${bad.join(", ") || "(none)"}`, [
      { field: "--params", value: raw, allowed: `auto or a comma list of: ${CALIBRATION_PARAMETERS.join(", ")}` },
    ]);
  }
  return names as CalibrationParameter[];
}

// ---------------------------------------------------------------------------------------------------------------
// JSON and human output

function calibrationJson(c: Calibration): Record<string, unknown> {
  return {
    fitted: c.fitted,
    held: c.held,
    estimates: c.estimates,
    adjustments: c.adjustments,
    correlation: c.correlation,
    residuals: c.outputs,
    cycles: c.cycles,
    firstCycle: c.firstCycle,
    lastCycle: c.lastCycle,
    distinctSettings: c.distinctSettings,
    observations: c.observations,
    chiSquare: c.chiSquare,
    dof: c.dof,
    reducedChiSquare: c.reducedChiSquare,
    varianceFactor: c.varianceFactor,
    confidence: c.confidence,
    iterations: c.iterations,
    converged: c.converged,
    stopReason: c.stopReason,
  };
}

function monitoringJson(m: OnlineResult, drift: Required<Pick<DriftOptions, "method">> & DriftOptions, window: number) {
  return {
    method: drift.method,
    ...(drift.method === "cusum" ? { kSigma: drift.k, hSigma: drift.h } : { lambda: drift.lambda, L: drift.L }),
    window,
    chartedCycles: m.trace.length,
    alerts: m.alerts,
    recalibrations: m.recalibrations.map((r) =>
      r.error
        ? { cycle: r.cycle, error: r.error }
        : {
            cycle: r.cycle,
            fitted: r.calibration.fitted,
            estimates: r.calibration.estimates,
            reducedChiSquare: r.calibration.reducedChiSquare,
          },
    ),
    finalAdjustments: m.final.adjustments,
  };
}

function demoJson(d: DemoResult): Record<string, unknown> {
  return {
    seed: d.seed,
    hidden: d.hidden,
    trialSettings: d.trialSettings,
    heldOut: d.heldOut,
    wear: d.wear,
    massTolerancePct: d.massTolerancePct,
    nominalPartMassG: d.nominalPartMassG,
    massToleranceExitCycle: d.massToleranceExitCycle,
    firstAlertCycle: d.firstAlertCycle,
    finalTrueLeakage: d.finalTrueLeakage,
  };
}

function parameterTable(c: Calibration, truth?: Record<string, number>): string {
  const pct = Math.round(c.confidence * 100);
  const head = ["parameter", "fitted", "± SE", `${pct} % interval`, ...(truth ? ["truth"] : [])];
  const rows = c.fitted.map((name) => {
    const e = c.estimates[name]!;
    return [
      name,
      fmt(e.value),
      fmt(e.standardError),
      `${fmt(e.lower)} – ${fmt(e.upper)}`,
      ...(truth ? [fmt(truth[name]!)] : []),
    ];
  });
  for (const h of c.held)
    rows.push([h.parameter, `${fmt(h.value)} held`, "—", "—", ...(truth ? [fmt(truth[h.parameter]!)] : [])]);
  let s = columns(head, rows, "    ");
  for (const h of c.held) s += `    held ${h.parameter}: ${h.reason}\n`;
  return s;
}

function residualTable(c: Calibration): string {
  const rows = OBSERVED_OUTPUTS.flatMap((o) => {
    const r = c.outputs[o];
    return r
      ? [
          [
            o,
            r.unit,
            String(r.n),
            fmt(r.measurementSd),
            fmt(r.meanResidual),
            fmt(r.rmsResidual),
            fmt(r.rmsStandardized),
          ],
        ]
      : [];
  });
  return columns(["output", "unit", "n", "sd", "mean (obs − pred)", "rms", "rms / sd"], rows, "    ");
}

function alertLines(alerts: DriftAlert[], limit: number): string {
  const rows = alerts
    .slice(0, limit)
    .map((a) => [
      String(a.cycle),
      a.output,
      a.direction,
      `${fmt(a.shift)} ${a.unit} (${fmt(a.shiftSigma)} σ)`,
      String(a.since),
    ]);
  let s = columns(["cycle", "output", "direction", "estimated shift", "since"], rows, "    ");
  if (alerts.length > limit) s += `    … ${alerts.length - limit} more (--json lists all)\n`;
  return s;
}

/** The alert level on the chart's scale: h for CUSUM, the EWMA's asymptotic L·√(λ/(2 − λ)). */
function chartLimit(d: DriftOptions & typeof DRIFT_DEFAULTS): number {
  return d.method === "cusum" ? d.h : ewmaLimit(d.lambda, d.L, Number.MAX_SAFE_INTEGER);
}

function describeDrift(d: DriftOptions & { method: DriftMethod }): string {
  return d.method === "cusum" ? `CUSUM k ${d.k} σ, h ${d.h} σ` : `EWMA λ ${d.lambda}, L ${d.L}`;
}

function summaryLine(c: Calibration): string {
  return `${c.cycles} cycles (${c.firstCycle}–${c.lastCycle}) at ${c.distinctSettings} settings, ${c.observations} observations; χ²/dof ${fmt(c.reducedChiSquare)}, ${c.iterations} iterations (${c.converged ? "converged" : "NOT converged"}: ${c.stopReason})`;
}

// ---------------------------------------------------------------------------------------------------------------
// SVG: the drift chart (monitoring) or the standardized residuals (calibration only)

function driftSvg(title: string, m: OnlineResult, threshold: number, extra: MarkerLine[] = []): string {
  const outputs = OBSERVED_OUTPUTS.filter((o) => m.trace.some((t) => t.statistics[o] !== undefined));
  return lineChart({
    title,
    xLabel: "cycle",
    yLabel: "chart statistic (σ)",
    series: outputs.map((o, i) => ({
      name: o,
      points: m.trace.map((t) => [t.cycle, t.statistics[o] ?? 0] as const),
      color: PALETTE[i % PALETTE.length]!,
      markers: false,
    })),
    hLines: [{ value: threshold, label: "alert", dashed: true }],
    vLines: [
      ...m.recalibrations.slice(0, 12).map((r) => ({ value: r.cycle, color: "#999999", dashed: true })),
      ...extra,
    ],
  });
}

function residualSvg(title: string, c: Calibration, cycles: ObservedCycle[]): string {
  const outputs = OBSERVED_OUTPUTS.filter((o) => c.outputs[o]);
  const points = new Map<ObservedOutput, [number, number][]>(outputs.map((o) => [o, []]));
  for (const cyc of cycles) {
    const p = predict(c, cyc.settings, {
      uncertainty: false,
      ...(cyc.cushionRefMm === undefined ? {} : { cushionRefMm: cyc.cushionRefMm }),
    });
    for (const o of outputs) {
      const y = cyc.observed[o];
      const f = p.outputs[o];
      if (y === undefined || f === undefined) continue;
      points.get(o)!.push([cyc.cycle ?? 0, (y - f) / p.measurementSd[o]!]);
    }
  }
  return lineChart({
    title,
    xLabel: "cycle",
    yLabel: "(observed − predicted) / sd",
    series: outputs.map((o, i) => ({
      name: o,
      points: points.get(o)!,
      color: PALETTE[i % PALETTE.length]!,
      markers: true,
    })),
    hLines: [
      { value: 3, dashed: true },
      { value: -3, dashed: true },
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("calibrate a press's twin to its observed cycles (Levenberg–Marquardt), chart drift, recalibrate")
    .requiredOption("--press <id>", "press id in the plant file")
    .option("--plant <id|file>", "demo plant id (seeds/<id>.json) or a plant file (default case-a-automotive)")
    .option("--cycles <file>", "observed cycles: CSV (see README) or JSON")
    .option("--store <file>", "observed cycles from the history store (moldtwin ingest)")
    .option("--demo", "no cycle file: a simulated press with hidden offsets and check-ring wear")
    .option(
      "--window <n>",
      "calibrate on the first n cycles, chart the rest and recalibrate on the last n at each alert",
    )
    .option("--fit-cycles <n>", "cycles of the first calibration (default: --window, or all)")
    .option("--params <list>", `auto (default) or a comma list of: ${CALIBRATION_PARAMETERS.join(", ")}`)
    .option("--drift <method>", "cusum (default) or ewma")
    .option("--cushion-ref-mm <mm>", "cushion with a tight check ring, for rows without cushion_ref_mm")
    .option("--seed <n>", "--demo: random seed (default 7)")
    .option("--production <n>", "--demo: production cycles after the trial (default 1500)")
    .option("--wear-start <cycle>", "--demo: cycle at which check-ring wear starts (default 300)")
    .option("--svg <file>", "write the drift chart (or the residuals) as SVG")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), async () => {
        if ([o.demo, o.cycles, o.store].filter(Boolean).length !== 1) {
          throw new MoldtwinError("CLI_ERR_USAGE", "give exactly one of --cycles <file>, --store <file> or --demo", [
            {
              field: "--cycles",
              value: o.cycles,
              allowed: "a cycle file (CSV or JSON), or --demo for a simulated press",
            },
          ]);
        }
        const { press, plant } = findPress(o.plant ?? "case-a-automotive", o.press);
        const twin: Twin = resolveTwin({ material: press.material, machine: press.machine, mold: press.mold });
        const params = parameterList(o.params);
        const method = enumOption(o.drift, "--drift", ["cusum", "ewma"] as const, "cusum");
        const drift = { ...DRIFT_DEFAULTS, method };
        const intOption = (raw: unknown, name: string, min: number): number | undefined =>
          numberOption(raw, name, { allowed: `an integer ≥ ${min}`, ok: (v) => Number.isInteger(v) && v >= min });
        const window = intOption(o.window, "--window", 3);
        const cushionRef = numberOption(o.cushionRefMm, "--cushion-ref-mm", {
          allowed: "a number > 0 (mm)",
          ok: (v) => v > 0,
          unit: "mm",
        });
        const head = `moldtwin calibrate — press ${press.id} of ${plant}: ${press.material} on ${press.machine}, mold ${press.mold}`;
        const calOptions = { parameters: params };

        if (o.demo) {
          const seed = numberOption(o.seed, "--seed", { allowed: "an integer", ok: Number.isInteger }) ?? 7;
          const d = runCalibrationDemo(twin, press.settings, {
            seed,
            productionCycles: intOption(o.production, "--production", 0) ?? 1500,
            wearStartCycle: intOption(o.wearStart, "--wear-start", 0) ?? 300,
            window: window ?? 50,
            drift: { method },
            calibration: calOptions,
          });
          const exit = d.massToleranceExitCycle;
          if (o.svg) {
            writeSvg(
              o.svg,
              driftSvg(
                `${press.id}: drift chart (${describeDrift(drift)}), simulated check-ring wear`,
                d.monitoring,
                chartLimit(drift),
                [
                  { value: d.wear.startCycle, label: "wear starts", color: "#2ca02c" },
                  ...(exit === null ? [] : [{ value: exit, label: "mass out", color: "#d62728" }]),
                ],
              ),
            );
          }
          if (o.json) {
            printJson({
              press: press.id,
              plant,
              twin: { material: press.material, machine: press.machine, mold: press.mold },
              mode: "demo",
              calibration: calibrationJson(d.calibration),
              monitoring: monitoringJson(d.monitoring, drift, window ?? 50),
              demo: demoJson(d),
              ...(o.svg ? { svgFile: o.svg } : {}),
            });
            return;
          }
          const h = d.heldOut;
          let s = `${head}\n  demo: a simulated press with hidden offsets (seed ${d.seed}); it does not know them, calibration does not either\n`;
          s += `  trial: ${d.trialSettings.length} settings one factor at a time around the recipe\n`;
          s += `  calibration: ${summaryLine(d.calibration)}\n${parameterTable(d.calibration, d.hidden)}`;
          s += `  residuals:\n${residualTable(d.calibration)}`;
          s += `  held-out setting (melt ${fmt(h.settings.meltTempC)} °C, mold ${fmt(h.settings.moldTempC)} °C, injection ${fmt(h.settings.injectionTimeS ?? 0)} s, hold ${fmt(h.settings.holdPressureMPa)} MPa): peak pressure ${fmt(h.predictedPeakMPa)} ± ${fmt(h.parameterSdMPa)} MPa predicted, ${fmt(h.truePeakMPa)} MPa true (${fmt(h.errorPct)} %; the uncalibrated twin ${fmt(h.uncalibratedErrorPct)} %)\n`;
          const m = d.monitoring;
          s += `  production: ${m.trace.length} cycles at the recipe; check-ring wear from cycle ${d.wear.startCycle}; ${describeDrift(drift)}, recalibration window ${window ?? 50}\n`;
          s += `  ${m.alerts.length} alerts, ${m.recalibrations.length} recalibrations; first alerts:\n${alertLines(m.alerts, 8)}`;
          s += `  part mass leaves ±${d.massTolerancePct} % of ${fmt(d.nominalPartMassG)} g at cycle ${exit ?? "— (not in this run)"}; first alert at cycle ${d.firstAlertCycle ?? "—"}`;
          s += exit !== null && d.firstAlertCycle !== null ? ` (${exit - d.firstAlertCycle} cycles earlier)\n` : "\n";
          s += `  final twin: checkRingLeakageFraction ${fmt(m.final.adjustments.checkRingLeakageFraction)} (true ${fmt(d.finalTrueLeakage)})\n`;
          if (o.svg) s += `  drift chart: ${o.svg}\n`;
          process.stdout.write(s);
          return;
        }

        const file = String(o.cycles ?? o.store);
        const cycles = o.store
          ? await cyclesFromStore(file, press.id, press.settings, twin, cushionRef)
          : file.toLowerCase().endsWith(".json")
            ? readCycleJson(readJsonFile(file, WHAT), file, press.id, press.settings, cushionRef)
            : readCycleCsv(readTextFile(file, WHAT), file, press.id, press.settings, cushionRef);
        if (cycles.length === 0) {
          throw new MoldtwinError(
            "FIT_ERR_INSUFFICIENT_DATA",
            `cycle file ${file} has no cycles of press ${press.id}`,
            [{ field: "--press", value: press.id, allowed: "a press with rows in the cycle file" }],
          );
        }
        const fitCount = intOption(o.fitCycles, "--fit-cycles", 3) ?? window ?? cycles.length;
        const fit = calibrate(twin, cycles.slice(0, fitCount), calOptions);
        const rest = cycles.slice(fitCount);
        const monitoring = rest.length > 0 ? monitorPress(fit, rest, { window: window ?? 50, drift }) : undefined;
        if (o.svg) {
          writeSvg(
            o.svg,
            monitoring
              ? driftSvg(`${press.id}: drift chart (${describeDrift(drift)})`, monitoring, chartLimit(drift))
              : residualSvg(`${press.id}: calibration residuals`, fit, cycles.slice(0, fitCount)),
          );
        }
        if (o.json) {
          printJson({
            press: press.id,
            plant,
            twin: { material: press.material, machine: press.machine, mold: press.mold },
            mode: "cycles",
            cyclesFile: file,
            calibration: calibrationJson(fit),
            ...(monitoring ? { monitoring: monitoringJson(monitoring, drift, window ?? 50) } : {}),
            ...(o.svg ? { svgFile: o.svg } : {}),
          });
          return;
        }
        let s = `${head}\n  cycles: ${file}, ${cycles.length} cycles of ${press.id}\n`;
        s += `  calibration: ${summaryLine(fit)}\n${parameterTable(fit)}`;
        s += `  residuals:\n${residualTable(fit)}`;
        if (monitoring) {
          s += `  monitoring: ${monitoring.trace.length} later cycles, ${describeDrift(drift)}, recalibration window ${window ?? 50}\n`;
          s += `  ${monitoring.alerts.length} alerts, ${monitoring.recalibrations.length} recalibrations${monitoring.alerts.length > 0 ? "; first alerts:" : ""}\n`;
          if (monitoring.alerts.length > 0) s += alertLines(monitoring.alerts, 8);
          const changed = CALIBRATION_PARAMETERS.filter((p) => monitoring.final.adjustments[p] !== fit.adjustments[p]);
          if (changed.length > 0) {
            s += `  final twin: ${changed.map((p) => `${p} ${fmt(fit.adjustments[p])} → ${fmt(monitoring.final.adjustments[p])}`).join(", ")}\n`;
          }
        } else {
          s +=
            "  no later cycles to chart (use --window n or --fit-cycles n to calibrate on the first n and monitor the rest)\n";
        }
        if (o.svg) s += `  ${monitoring ? "drift chart" : "residual chart"}: ${o.svg}\n`;
        process.stdout.write(s);
      }),
    );
}
