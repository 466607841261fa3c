import type { Command } from "commander";
import { MoldtwinError } from "../../../../engine/errors.ts";
import {
  type DistributionName,
  distributionFromParams,
  type LifeDistribution,
} from "../../../../engine/reliability/distributions.ts";
import {
  type AgeReplacementResult,
  costRateCurve,
  type MinimalRepairResult,
  minimalRepairCostRate,
  minimalRepairPeriodic,
  optimalAgeReplacement,
} from "../../../../engine/reliability/replacement.ts";
import { lineChart } from "../../../svg/chart.ts";
import { fmt, printJson, run } from "../../io.ts";
import { columns, enumOption, FINITE, type NumberRule, POSITIVE, requiredNumber, writeSvg } from "./common.ts";

/**
 * `moldtwin life replacement`: preventive replacement economics (engine/reliability/replacement.ts).
 * - `--policy age` (default): replace at age T or at failure, as good as new; exact optimum of the long-run
 *   cost rate [C_P·R(T) + C_U·F(T)] / ∫_0^T R, compared with running to failure (C_U / MTTF). Any distribution.
 * - `--policy minimal-repair`: failures between planned replacements at interval T are minimally repaired (as
 *   good as old) at C_U each, power-law intensity (t/α)^β; C(T) = (C_P + C_U·(T/α)^β)/T. Weibull 2P only.
 */

const DISTS = ["weibull2p", "weibull3p", "exponential", "lognormal", "normal", "gamma"] as const;
const POLICIES = ["age", "minimal-repair"] as const;
const ALL_PARAMS = ["alpha", "beta", "gamma", "lambda", "mu", "sigma"] as const;
type Param = (typeof ALL_PARAMS)[number];

/** The options each distribution takes, with their rules (γ ≥ 0: the part cannot be failed when installed). */
const PARAMS: Record<DistributionName, Partial<Record<Param, NumberRule>>> = {
  weibull2p: { alpha: POSITIVE, beta: POSITIVE },
  weibull3p: {
    alpha: POSITIVE,
    beta: POSITIVE,
    gamma: { allowed: "a finite number ≥ 0 (failure-free life)", ok: (v) => Number.isFinite(v) && v >= 0 },
  },
  exponential: { lambda: POSITIVE },
  lognormal: { mu: FINITE, sigma: POSITIVE },
  normal: { mu: FINITE, sigma: POSITIVE },
  gamma: { alpha: POSITIVE, beta: POSITIVE },
};

const SYMBOL_HELP: Record<DistributionName, string> = {
  weibull2p: "--alpha (scale), --beta (shape)",
  weibull3p: "--alpha (scale), --beta (shape), --gamma (location)",
  exponential: "--lambda (rate)",
  lognormal: "--mu, --sigma (of ln t)",
  normal: "--mu (mean), --sigma (standard deviation)",
  gamma: "--alpha (scale), --beta (shape)",
};

export function distributionFromOptions(o: Record<string, unknown>): LifeDistribution {
  const name = enumOption(o.dist, "--dist", DISTS, "weibull2p");
  const rules = PARAMS[name];
  const params: Record<string, number> = {};
  for (const p of ALL_PARAMS) {
    const rule = rules[p];
    if (rule) params[p] = requiredNumber(o[p], `--${p}`, rule);
    else if (o[p] !== undefined) {
      throw new MoldtwinError("CLI_ERR_USAGE", `option --${p} does not apply to --dist ${name}`, [
        { field: `--${p}`, value: o[p], allowed: `only the parameters of ${name}: ${SYMBOL_HELP[name]}` },
      ]);
    }
  }
  return distributionFromParams(name, params);
}

interface Costs {
  cp: number;
  cu: number;
}

function ageJson(d: LifeDistribution, c: Costs, r: AgeReplacementResult) {
  return {
    policy: "age",
    distribution: { name: d.name, params: d.params, mttf: d.mean() },
    costPreventive: c.cp,
    costUnplanned: c.cu,
    optimalAge: r.optimalAge,
    costRate: r.costRate,
    runToFailureCostRate: r.runToFailureCostRate,
    saving: r.runToFailureCostRate - r.costRate,
    savingFraction: r.savingFraction,
    finite: r.finite,
    reason: r.reason,
    definitions: {
      optimalAge: "age (time unit of the parameters) at which to replace preventively; null: run to failure",
      costRate: "long-run cost per unit time at the optimum, [C_P·R(T) + C_U·F(T)] / ∫_0^T R(s) ds",
      runToFailureCostRate: "C_U / MTTF: replace only at failure",
      saving: "runToFailureCostRate − costRate, cost per unit time",
      savingFraction: "1 − costRate / runToFailureCostRate",
    },
  };
}

function minimalJson(d: LifeDistribution, c: Costs, r: MinimalRepairResult) {
  const { alpha, beta } = d.params as { alpha: number; beta: number };
  return {
    policy: "minimal-repair",
    distribution: { name: d.name, params: d.params },
    costPreventive: c.cp,
    costUnplanned: c.cu,
    optimalInterval: r.optimalInterval,
    costRate: r.costRate,
    expectedFailuresPerInterval: r.optimalInterval === null ? null : (r.optimalInterval / alpha) ** beta,
    finite: r.finite,
    reason: r.reason,
    definitions: {
      optimalInterval: "planned replacement interval T* = α·(C_P/(C_U(β − 1)))^(1/β); null when β ≤ 1",
      costRate: "cost per unit time (C_P + C_U·(T/α)^β)/T at T*; for β ≤ 1 its limit as T grows",
      expectedFailuresPerInterval: "(T*/α)^β minimal repairs expected between planned replacements",
    },
  };
}

function svgOf(d: LifeDistribution, c: Costs, policy: string, r: AgeReplacementResult | MinimalRepairResult): string {
  const opt = "optimalAge" in r ? r.optimalAge : r.optimalInterval;
  const age = policy === "age";
  const tMax = age
    ? Math.max(opt === null ? 0 : 2.5 * opt, d.quantile(0.99))
    : opt === null
      ? 3 * (d.params.alpha ?? 1)
      : 3 * opt;
  const ages = Array.from({ length: 200 }, (_, i) => (tMax * (i + 1)) / 200);
  const { alpha = 1, beta = 1 } = d.params;
  const curve = age
    ? costRateCurve(d, c.cp, c.cu, ages).map((p) => [p.age, p.costRate] as const)
    : ages.map((a) => [a, minimalRepairCostRate(alpha, beta, c.cp, c.cu, a)] as const);
  const ref = age
    ? (r as AgeReplacementResult).runToFailureCostRate
    : opt === null
      ? curve[curve.length - 1]![1]
      : r.costRate;
  return lineChart({
    title: `${age ? "Age replacement" : "Periodic replacement with minimal repair"} — ${d.name} (C_P ${fmt(c.cp)}, C_U ${fmt(c.cu)})`,
    xLabel: age ? "replacement age T" : "replacement interval T",
    yLabel: "cost per unit time",
    xMin: 0,
    xMax: tMax,
    yMin: 0,
    yMax: age ? 2 * ref : 3 * ref,
    series: [{ name: "cost rate C(T)", points: curve, markers: false, color: "#1f77b4" }],
    ...(age ? { hLines: [{ value: ref, label: `run to failure C_U/MTTF = ${fmt(ref)}` }] } : {}),
    ...(opt === null
      ? {}
      : {
          vLines: [{ value: opt, color: "#2ca02c" }],
          points: [
            { x: opt, y: r.costRate, label: `T* = ${fmt(opt)}: cost rate ${fmt(r.costRate)}`, color: "#2ca02c" },
          ],
        }),
  });
}

function human(d: LifeDistribution, c: Costs, body: Record<string, unknown>): string {
  const params = Object.entries(d.params)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(", ");
  let s = `moldtwin life replacement — ${body.policy} policy, ${d.name} (${params}), C_P ${fmt(c.cp)}, C_U ${fmt(c.cu)}\n`;
  const cell = (v: unknown): string => (typeof v === "number" ? fmt(v) : v === null ? "—" : String(v));
  const rows =
    body.policy === "age"
      ? [
          ["optimal replacement age", cell(body.optimalAge)],
          [body.finite ? "cost rate at the optimum" : "cost rate (run to failure)", cell(body.costRate)],
          ["run-to-failure cost rate", cell(body.runToFailureCostRate)],
          ["saving per unit time", cell(body.saving)],
          ["saving", `${fmt(100 * (body.savingFraction as number))} %`],
        ]
      : [
          ["optimal replacement interval", cell(body.optimalInterval)],
          [body.finite ? "cost rate at the optimum" : "cost rate (limit, never replacing)", cell(body.costRate)],
          ["minimal repairs per interval", cell(body.expectedFailuresPerInterval)],
        ];
  s += columns(["quantity", "value"], rows);
  return `${s}  ${body.reason}\n`;
}

export function registerReplacement(life: Command): void {
  const cmd = life
    .command("replacement")
    .description("optimal preventive replacement age (or interval with minimal repair) and its cost rate")
    .option("--dist <name>", `${DISTS.join(" | ")} (default weibull2p)`)
    .option("--alpha <x>", "scale (weibull, gamma)")
    .option("--beta <x>", "shape (weibull, gamma)")
    .option("--gamma <x>", "location (weibull3p)")
    .option("--lambda <x>", "rate (exponential)")
    .option("--mu <x>", "mean of ln t (lognormal) or of t (normal)")
    .option("--sigma <x>", "standard deviation of ln t (lognormal) or of t (normal)")
    .option("--cp <cost>", "cost of a planned (preventive) replacement, > 0")
    .option("--cu <cost>", "cost of an unplanned replacement (failure), > 0")
    .option("--policy <name>", "age | minimal-repair (default age)")
    .option("--svg <file>", "write the cost rate against age with the optimum marked as SVG")
    .option("--json", "print one JSON object");
  cmd.action(async (o) =>
    run(Boolean(o.json), () => {
      const policy = enumOption(o.policy, "--policy", POLICIES, "age");
      const dist = distributionFromOptions(o);
      const c = { cp: requiredNumber(o.cp, "--cp", POSITIVE), cu: requiredNumber(o.cu, "--cu", POSITIVE) };
      let body: Record<string, unknown>;
      let result: AgeReplacementResult | MinimalRepairResult;
      if (policy === "age") {
        const r = optimalAgeReplacement(dist, c.cp, c.cu);
        result = r;
        body = ageJson(dist, c, r);
      } else {
        if (dist.name !== "weibull2p") {
          throw new MoldtwinError("CLI_ERR_USAGE", "--policy minimal-repair needs --dist weibull2p", [
            { field: "--dist", value: dist.name, allowed: "weibull2p (power-law intensity (t/α)^β)" },
          ]);
        }
        const r = minimalRepairPeriodic(dist.params.alpha!, dist.params.beta!, c.cp, c.cu);
        result = r;
        body = minimalJson(dist, c, r);
      }
      if (o.svg) writeSvg(o.svg, svgOf(dist, c, policy, result));
      if (o.json) printJson({ analysis: "replacement", ...body, ...(o.svg ? { svgFile: o.svg } : {}) });
      else process.stdout.write(human(dist, c, body) + (o.svg ? `  cost plot: ${o.svg}\n` : ""));
    }),
  );
}
