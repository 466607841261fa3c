import type { Command } from "commander";
import {
  type AltObservation,
  arrheniusAccelerationFactor,
  BOLTZMANN_EV_PER_K,
  fitWeibullLifeStress,
  type SingleStressModel,
  type WeibullLifeStressFit,
} from "../../../../engine/reliability/lifeStress.ts";
import { CellErrors, numberCell, parseCsvTable } from "../../csvTable.ts";
import { fmt, printJson, readTextFile, run } from "../../io.ts";
import { ciOption, columns, enumOption, numberOption, POSITIVE, requiredNumber } from "./common.ts";

/**
 * `moldtwin life alt <data.csv> --model arrhenius|eyring|power`: Weibull life–stress fit of accelerated life
 * test data (engine/reliability/lifeStress.ts), scale α = L(S) with one shape β at every stress.
 * `moldtwin life af`: the Arrhenius acceleration factor between two temperatures.
 */

const MODELS = ["arrhenius", "eyring", "power"] as const;
const WHAT = "accelerated-life-test";
const EQUATION: Record<SingleStressModel, string> = {
  arrhenius: "L(S) = b·exp(a/S)",
  eyring: "L(S) = (1/S)·exp(−(c − a/S))",
  power: "L(S) = a·S^n",
};
const LN_09 = -Math.log(0.9);

export function readAltCsv(text: string, file: string): AltObservation[] {
  const table = parseCsvTable(text, file, WHAT, ["time", "status", "stress"]);
  const errors = new CellErrors();
  const out: AltObservation[] = [];
  for (const r of table.rows) {
    const t = numberCell(r.cell("time"));
    const status = r.cell("status").toUpperCase();
    const s = numberCell(r.cell("stress"));
    let ok = true;
    if (t === undefined || !(Number.isFinite(t) && t > 0)) {
      errors.add(r.row, "time", r.cell("time"), "a number > 0");
      ok = false;
    }
    if (status !== "F" && status !== "S") {
      errors.add(r.row, "status", r.cell("status"), "F (failed) or S (suspended)");
      ok = false;
    }
    if (s === undefined || !(Number.isFinite(s) && s > 0)) {
      errors.add(r.row, "stress", r.cell("stress"), "a number > 0 (temperatures for arrhenius/eyring in K)");
      ok = false;
    }
    if (ok) out.push({ time: t!, stress: s!, failed: status === "F" });
  }
  errors.throwIfAny(WHAT, file);
  return out;
}

/** Life at one stress: Weibull scale α = L(S), B10 = α·(−ln 0.9)^(1/β), MTTF = α·Γ(1 + 1/β). */
function lifeAt(fit: WeibullLifeStressFit, stress: number) {
  const alpha = fit.lifeAt(stress);
  return { stress, alpha, b10: alpha * LN_09 ** (1 / fit.params.beta!), mttf: fit.meanLifeAt(stress) };
}

function levels(data: AltObservation[], fit: WeibullLifeStressFit) {
  const by = new Map<number, { n: number; failures: number }>();
  for (const d of data) {
    const e = by.get(d.stress) ?? { n: 0, failures: 0 };
    e.n++;
    if (d.failed) e.failures++;
    by.set(d.stress, e);
  }
  return [...by]
    .sort((a, b) => a[0] - b[0])
    .map(([stress, e]) => ({ ...lifeAt(fit, stress), n: e.n, failures: e.failures }));
}

function human(file: string, body: ReturnType<typeof altJson>): string {
  let s = `moldtwin life alt — ${file}: Weibull–${body.model}, ${body.lifeStress}, ${fmt(100 * body.ci)} % bounds\n`;
  s += `  ${body.n} units, ${body.failures} failures\n`;
  s += columns(
    ["parameter", "estimate", "std error", "lower", "upper"],
    Object.keys(body.params).map((k) => [
      k,
      fmt(body.params[k]!),
      fmt(body.standardErrors[k]!),
      fmt(body.bounds[k]!.lower),
      fmt(body.bounds[k]!.upper),
    ]),
  );
  s += `  lnL ${fmt(body.logLikelihood)}   AICc ${body.aicc === null ? "n/a" : fmt(body.aicc)}   BIC ${fmt(body.bic)}\n`;
  const rows = body.stressLevels.map((l) => [
    fmt(l.stress),
    String(l.n),
    String(l.failures),
    fmt(l.alpha),
    fmt(l.b10),
    fmt(l.mttf),
  ]);
  if (body.use)
    rows.push([`${fmt(body.use.stress)} (use)`, "", "", fmt(body.use.alpha), fmt(body.use.b10), fmt(body.use.mttf)]);
  s += columns(["stress", "units", "failed", "alpha", "B10", "MTTF"], rows);
  if (body.use) {
    s += `  acceleration factor L(use)/L(test): ${body.use.accelerationFactors.map((a) => `${fmt(a.testStress)} → ${fmt(a.factor)}`).join(", ")}\n`;
  }
  return s;
}

function altJson(file: string, data: AltObservation[], fit: WeibullLifeStressFit, useStress: number | undefined) {
  const bounds: Record<string, { lower: number; upper: number }> = {};
  for (const k of fit.paramNames) bounds[k] = { lower: fit.lower[k]!, upper: fit.upper[k]! };
  const stressLevels = levels(data, fit);
  return {
    analysis: "accelerated-life-test",
    file,
    distribution: "weibull",
    model: fit.model,
    lifeStress: EQUATION[fit.model],
    params: fit.params,
    standardErrors: fit.se,
    bounds,
    paramOrder: fit.paramNames,
    covariance: fit.covariance,
    ci: fit.ci,
    logLikelihood: fit.lnL,
    aicc: fit.AICc,
    bic: fit.BIC,
    n: fit.n,
    failures: fit.failures,
    stressLevels,
    use:
      useStress === undefined
        ? null
        : {
            ...lifeAt(fit, useStress),
            beta: fit.params.beta!,
            accelerationFactors: stressLevels.map((l) => ({
              testStress: l.stress,
              factor: fit.accelerationFactor(useStress, l.stress),
            })),
          },
    definitions: {
      params: `${EQUATION[fit.model]}: the Weibull scale at stress S; beta is the Weibull shape at every stress`,
      bounds: "two-sided ci Fisher bounds: X·exp(±Z·SE/X) for positive parameters (b, power a, beta), else X ± Z·SE",
      alpha: "Weibull scale α = L(S) (time unit of the data)",
      b10: "B10 life α·(−ln 0.9)^(1/β): 10 % failed",
      mttf: "mean life α·Γ(1 + 1/β)",
      accelerationFactors: "L(use stress) / L(test stress): hours at use per hour on test",
    },
  };
}

export function registerAlt(life: Command): void {
  life
    .command("alt <data>")
    .description("Weibull life–stress fit of accelerated life test data (CSV: time, status F|S, stress)")
    .option("--model <name>", "arrhenius | eyring | power (required)")
    .option("--use-stress <S>", "stress in service: report life there and the acceleration factors")
    .option("--ci <level>", "confidence level of the two-sided bounds (default 0.95)")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const model = enumOption(o.model, "--model", MODELS);
        const useStress = numberOption(o.useStress, "--use-stress", POSITIVE);
        const ci = ciOption(o.ci);
        const data = readAltCsv(readTextFile(file, WHAT), file);
        const fit = fitWeibullLifeStress(data, model, { ci });
        const body = altJson(file, data, fit, useStress);
        if (o.json) printJson(body);
        else process.stdout.write(human(file, body));
      }),
    );
}

const TEMP_C = {
  allowed: "a temperature above absolute zero, > −273.15 °C",
  ok: (v: number) => Number.isFinite(v) && v > -273.15,
  unit: "°C",
};

export function registerAf(life: Command): void {
  life
    .command("af")
    .description("Arrhenius acceleration factor between a use and a test temperature")
    .option("--use-temp-c <t>", "temperature in service, °C")
    .option("--accelerated-temp-c <t>", "temperature on test, °C")
    .option("--ea-ev <Ea>", "activation energy, eV (≥ 0)")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), () => {
        const useTempC = requiredNumber(o.useTempC, "--use-temp-c", TEMP_C);
        const acceleratedTempC = requiredNumber(o.acceleratedTempC, "--accelerated-temp-c", TEMP_C);
        const activationEnergyEV = requiredNumber(o.eaEv, "--ea-ev", {
          allowed: "a finite activation energy ≥ 0",
          ok: (v) => Number.isFinite(v) && v >= 0,
          unit: "eV",
        });
        const af = arrheniusAccelerationFactor({ useTempC, acceleratedTempC, activationEnergyEV });
        if (o.json) {
          printJson({
            model: "arrhenius",
            useTempC,
            acceleratedTempC,
            activationEnergyEV,
            accelerationFactor: af,
            boltzmannEVPerK: BOLTZMANN_EV_PER_K,
            definition:
              "AF = exp[(Ea/k_B)·(1/T_use − 1/T_acc)], T in K = °C + 273.15: hours in service per hour on test",
          });
        } else {
          process.stdout.write(
            `moldtwin life af — Arrhenius, Ea ${fmt(activationEnergyEV)} eV: ${fmt(useTempC)} °C in use, ${fmt(acceleratedTempC)} °C on test\n` +
              `  acceleration factor ${fmt(af)} (one hour on test ≈ ${fmt(af)} h in use)\n`,
          );
        }
      }),
    );
}
