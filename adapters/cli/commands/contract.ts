import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type ContractResult, runContract } from "../../../engine/contracts/contract.ts";
import { type PricingResult, priceContract } from "../../../engine/contracts/pricing.ts";
import type { Summary } from "../../../engine/contracts/stats.ts";
import { closeSweepPools, defaultWorkers } from "../../../engine/sweep/pool.ts";
import { ContractScenario } from "../../../twin-models/schemas/contract.ts";
import { parse } from "../../../twin-models/validate.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { type ReportSection, renderReport } from "../../report/html.ts";
import { barChart, lineChart } from "../../svg/chart.ts";
import { tornadoChart } from "../../svg/tornado.ts";
import { REDIS_OPTION, withDistributed } from "../distributed.ts";
import { columns, eur, fmt, pct, printJson, readJsonFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";
import { parseWorkers } from "./window.ts";

/**
 * `moldtwin contract <scenario.json>`: the Monte Carlo of a service contract over its term (risk and cost), and
 * `moldtwin price <scenario.json>`: the lowest fees meeting the margin target at the stated risk, per tier, with
 * the price–risk curve and the customer's view. Both can write an HTML report with charts.
 */

const kEur = (x: number): string => `${(x / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} kEUR`;

function loadScenario(path: string, o: { runs?: string; seed?: string }): ContractScenario {
  const raw = readJsonFile(path, "scenario") as Record<string, unknown>;
  const patched = {
    ...raw,
    ...(o.runs !== undefined ? { runs: Number(o.runs) } : {}),
    ...(o.seed !== undefined ? { seed: Number(o.seed) } : {}),
  };
  return parse(ContractScenario, patched, "scenario");
}

function workersFor(sc: ContractScenario, raw: string | undefined): number {
  if (raw !== undefined) return parseWorkers(raw, 0);
  // The pool pays off from ≈ 10⁶ press-months.
  return sc.runs * sc.termMonths * 20 >= 1_000_000 ? defaultWorkers() : 0;
}

const summaryRow = (name: string, s: Summary, f: (x: number) => string = eur): string[] => [
  name,
  `${f(s.mean)} ± ${f(s.se)}`,
  f(s.p10),
  f(s.p50),
  f(s.p90),
];

export function contractReport(r: ContractResult): string {
  const a = r.availability;
  let s = `moldtwin contract — ${r.name}\n`;
  s += `  ${r.tier} tier, ${r.presses} presses of ${r.plant} from ${r.start} for ${r.termMonths} months; ${r.runs} Monte Carlo runs (seed ${r.seed})\n`;
  s += `  price: setup ${eur(r.price.setupFeeEur)}, ${eur(r.price.monthlyFeePerPressEur)} per press-month, ${r.price.feePerGoodPartEur} EUR per good part\n`;
  s += `  ${r.conventions.quantiles}\n\n`;
  s += `  SLA availability (supplier-dependent, fleet), over the term: mean ${pct(a.term.mean)}, P10 ${pct(a.term.p10)}, P90 ${pct(a.term.p90)}\n`;
  if (r.sla) {
    s += `  SLA ${pct(r.sla.availabilityTarget, 1)} per ${a.window} (${r.sla.penalty.form}): P(breach) per ${a.window} ${pct(a.breachProbability.p)} ± ${pct(a.breachProbability.se)}; P(at least one breach in the term) ${pct(a.anyBreachInTerm.p, 1)} ± ${pct(a.anyBreachInTerm.se, 1)}\n`;
  }
  s += `\n  over the term (mean ± standard error, P10, P50, P90):\n`;
  s += columns(
    ["", "mean ± SE", "P10", "P50", "P90"],
    [
      summaryRow("revenue", r.revenueEur),
      summaryRow("cost", r.costEur),
      summaryRow("penalties", r.penaltyEur),
      summaryRow("margin", r.marginEur),
      summaryRow("NPV of margin", r.npvEur),
      summaryRow("energy sharing", r.energy.sharingEur),
      summaryRow("yield credits", r.yieldCreditEur),
      summaryRow("good parts", r.goodParts, (x) => Math.round(x).toLocaleString("en-US")),
      summaryRow("kWh per part", r.energy.kWhPerPart, (x) => x.toFixed(5)),
    ],
  );
  s += `  margin ${pct(r.marginShareOfRevenue, 1)} of revenue; P(loss) ${pct(r.lossProbability.p)} ± ${pct(r.lossProbability.se)}; VaR${Math.round(100 * r.tail.level)} of the loss ${eur(r.tail.var)}, CVaR ${eur(r.tail.cvar)} ± ${eur(r.tail.cvarSe)} (loss = −margin: negative is a gain)\n`;
  const f = r.failures;
  s += `  breakdowns ${fmt(f.breakdownsPerPressYear)} per press-year (+ ${fmt(f.caughtByPdmPerPressYear)} caught ahead by PdM); ${pct(f.stockoutShare, 1)} wait for a part, ${fmt(f.waitingForPartsHoursPerPressYear)} h per press-year\n`;
  if (r.spares.source === "metric") {
    s += `  spares: ${eur(r.spares.stockValueEur)} of stock for ${pct(r.spares.availability ?? 0)} press availability (spares model)\n`;
  }
  if (r.tornado.length > 0) {
    s += `\n  tornado — expected margin when one driver moves (${r.conventions.tornado.split(",")[0]}):\n`;
    s += columns(
      ["driver", "low", "margin", "high", "margin", "swing"],
      r.tornado.map((t) => [t.driver, t.low, kEur(t.marginLowEur), t.high, kEur(t.marginHighEur), kEur(t.swingEur)]),
    );
  }
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  return s;
}

export function contractHtml(r: ContractResult): string {
  const months = r.monthly.map((m) => m.month);
  const band = (name: string, pick: (m: ContractResult["monthly"][0]) => number, dashed: boolean) => ({
    name,
    points: r.monthly.map((m, k) => [months[k]!, pick(m)] as const),
    markers: false,
    dashed,
  });
  const sections: ReportSection[] = [
    {
      heading: "Summary",
      paragraphs: [
        `${r.tier} tier, ${r.presses} presses, ${r.termMonths} months from ${r.start}; ${r.runs} runs (seed ${r.seed}). Price: setup ${eur(r.price.setupFeeEur)}, ${eur(r.price.monthlyFeePerPressEur)} per press-month, ${r.price.feePerGoodPartEur} EUR per good part.`,
        `Expected margin ${eur(r.marginEur.mean)} (${pct(r.marginShareOfRevenue, 1)} of revenue), P(loss) ${pct(r.lossProbability.p)}, CVaR${Math.round(100 * r.tail.level)} of the loss ${eur(r.tail.cvar)}.`,
        r.sla
          ? `Availability SLA ${pct(r.sla.availabilityTarget, 1)} per ${r.availability.window}: P(breach) ${pct(r.availability.breachProbability.p)} ± ${pct(r.availability.breachProbability.se)} per window; expected penalties ${eur(r.penaltyEur.mean)} over the term.`
          : "No availability SLA on this tier.",
      ],
      table: {
        head: ["over the term", "mean", "± SE", "P10", "P50", "P90"],
        numeric: [1, 2, 3, 4, 5],
        rows: (
          [
            ["revenue", r.revenueEur],
            ["cost", r.costEur],
            ["penalties", r.penaltyEur],
            ["margin", r.marginEur],
            ["NPV of margin", r.npvEur],
          ] as [string, Summary][]
        ).map(([n, s]) => [n, eur(s.mean), eur(s.se), eur(s.p10), eur(s.p50), eur(s.p90)]),
      },
      notes: Object.values(r.conventions),
    },
    {
      heading: "Availability and margin per month",
      svgs: [
        lineChart({
          title: "Fleet availability per month (P10 / P50 / P90)",
          xLabel: "month of the term",
          yLabel: "availability, %",
          series: [
            band("P10", (m) => 100 * m.availability.p10, true),
            band("P50", (m) => 100 * m.availability.p50, false),
            band("P90", (m) => 100 * m.availability.p90, true),
          ],
          hLines: r.sla ? [{ value: 100 * r.sla.availabilityTarget, label: "SLA target", dashed: true }] : [],
          yMin: Math.floor(
            Math.min(...r.monthly.map((m) => 100 * m.availability.p10), 100 * (r.sla?.availabilityTarget ?? 1)) - 1,
          ),
          yMax: 100,
        }),
        lineChart({
          title: "Margin per month (P10 / P50 / P90)",
          xLabel: "month of the term",
          yLabel: "margin, EUR",
          series: [
            band("P10", (m) => m.marginEur.p10, true),
            band("P50", (m) => m.marginEur.p50, false),
            band("P90", (m) => m.marginEur.p90, true),
          ],
        }),
      ],
    },
  ];
  {
    const h = r.marginHistogram;
    sections.push({
      heading: "Distribution of the margin over the term",
      svgs: [
        barChart({
          title: `Margin over the term, ${r.runs} runs`,
          xLabel: "margin, kEUR (bin centre)",
          yLabel: "runs",
          categories: h.fromEur.map((x) => `${Math.round((x + h.widthEur / 2) / 1000)}`),
          series: [{ name: "runs", values: h.counts }],
        }),
      ],
    });
  }
  if (r.tornado.length > 0) {
    const base = r.marginEur.mean;
    sections.push({
      heading: "Tornado: what moves the margin",
      paragraphs: [r.conventions.tornado],
      table: {
        head: ["driver", "low", "Δ margin", "high", "Δ margin", "swing"],
        numeric: [2, 4, 5],
        rows: r.tornado.map((t) => [
          t.driver,
          t.low,
          kEur(t.marginLowEur - base),
          t.high,
          kEur(t.marginHighEur - base),
          kEur(t.swingEur),
        ]),
      },
      svgs: [
        tornadoChart({
          title: "What moves the expected margin",
          xLabel: "expected margin over the term, kEUR",
          base: base / 1000,
          rows: r.tornado.map((t) => ({
            driver: t.driver,
            lowLabel: t.low,
            highLabel: t.high,
            low: t.marginLowEur / 1000,
            high: t.marginHighEur / 1000,
          })),
        }),
      ],
    });
  }
  if (r.warnings.length > 0) sections.push({ heading: "Warnings", paragraphs: r.warnings });
  return renderReport({ title: `Contract risk and cost — ${r.name}`, subtitle: "moldtwin contract", sections });
}

export function pricingReport(r: PricingResult): string {
  let s = `moldtwin price — ${r.name}\n`;
  s += `  ${r.presses} presses, ${r.termMonths} months, ${r.runs} runs (seed ${r.seed}); constraint: margin ≥ ${pct(r.constraint.marginTargetShare, 0)} of revenue with probability ≥ ${pct(1 - r.constraint.maxShortfallProbability, 0)}`;
  s +=
    r.constraint.cvarLimitEur !== undefined
      ? `, CVaR${Math.round(100 * r.constraint.cvarLevel)} ≤ ${eur(r.constraint.cvarLimitEur)}\n`
      : "\n";
  s += columns(
    [
      "tier",
      "solves",
      "monthly/press",
      "per good part",
      "margin (mean)",
      "P(shortfall)",
      "P(loss)",
      "availability",
      "customer cost",
    ],
    r.tiers.map((t) => [
      t.tier,
      t.solveFor,
      eur(t.price.monthlyFeePerPressEur),
      `${t.price.feePerGoodPartEur.toFixed(5)} EUR`,
      eur(t.at.marginMeanEur),
      `${pct(t.at.shortfallProbability.p, 1)} ± ${pct(t.at.shortfallProbability.se, 1)}`,
      pct(t.at.lossProbability.p, 1),
      pct(t.at.availabilityMean),
      eur(t.at.customerCostMeanEur),
    ]),
  );
  const c = r.customerView;
  s += `\n  the customer's view over the term (expected): buy the presses + standard service ${eur(c.buyAndStandardServiceEur)}; own presses + advanced ${eur(c.advancedServiceWithOwnPressesEur)}; performance service ${eur(c.performanceServiceEur)} (press capital ${eur(c.pressCapitalEur)})\n`;
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  return s;
}

export function pricingHtml(r: PricingResult): string {
  const perf = r.tiers.find((t) => t.tier === "performance")!;
  const x = (f: number): number => (perf.solveFor === "monthly" ? f : f * 1000);
  const unit = perf.solveFor === "monthly" ? "EUR per press-month" : "EUR per 1,000 good parts";
  return renderReport({
    title: `Pricing — ${r.name}`,
    subtitle: "moldtwin price",
    sections: [
      {
        heading: "The three tiers side by side",
        table: {
          head: [
            "tier",
            "monthly/press",
            "per good part",
            "mean margin",
            "P(shortfall)",
            "P(loss)",
            "availability",
            "customer cost",
          ],
          numeric: [1, 2, 3, 4, 5, 6, 7],
          rows: r.tiers.map((t) => [
            t.tier,
            eur(t.price.monthlyFeePerPressEur),
            t.price.feePerGoodPartEur.toFixed(5),
            eur(t.at.marginMeanEur),
            pct(t.at.shortfallProbability.p, 1),
            pct(t.at.lossProbability.p, 1),
            pct(t.at.availabilityMean),
            eur(t.at.customerCostMeanEur),
          ]),
        },
        notes: [r.customerView.note, ...Object.values(r.conventions)],
      },
      {
        heading: "Price vs risk (performance tier)",
        svgs: [
          lineChart({
            title: "Probability of missing the margin target vs fee",
            xLabel: unit,
            yLabel: "probability, %",
            series: [
              {
                name: "P(margin < target)",
                points: perf.curve.map((p) => [x(p.feeEur), 100 * p.shortfallProbability.p] as const),
              },
              { name: "P(loss)", points: perf.curve.map((p) => [x(p.feeEur), 100 * p.lossProbability.p] as const) },
            ],
            hLines: [{ value: 100 * r.constraint.maxShortfallProbability, label: "allowed", dashed: true }],
            vLines: [{ value: x(perf.at.feeEur), label: "price", dashed: true }],
          }),
        ],
      },
      {
        heading: "The customer's view",
        table: {
          head: ["option over the term", "expected cost"],
          numeric: [1],
          rows: [
            ["buy the presses + standard service (T&M)", eur(r.customerView.buyAndStandardServiceEur)],
            ["own presses + advanced service", eur(r.customerView.advancedServiceWithOwnPressesEur)],
            ["performance service (pay per good part)", eur(r.customerView.performanceServiceEur)],
          ],
        },
      },
    ],
  });
}

/** The object `contract --json` prints; the HTTP job runner (adapters/http/jobWorker.ts) returns the same. */
export function contractJson(sc: ContractScenario, r: ContractResult, report?: string) {
  return { scenario: sc.name, ...r, ...(report ? { files: { report } } : {}) };
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option("--runs <n>", "Monte Carlo runs (overrides the scenario)")
    .option("--seed <s>", "random seed (overrides the scenario)")
    .option("--workers <n>", "worker threads (0 = this thread; default: all cores for large runs; identical numbers)")
    .option(...REDIS_OPTION)
    .option("--report <out.html>", "write an HTML report with charts")
    .option("--json", "print one JSON object");
}

export function registerContract(program: Command): void {
  commonOptions(
    program
      .command("contract <scenario>")
      .description(
        "service-contract Monte Carlo: availability, SLA breaches, penalties, revenue, cost, margin, NPV, VaR/CVaR, tornado",
      ),
  )
    .option("--no-tornado", "skip the tornado (re-simulations)")
    .action(async (path: string, o) =>
      run(Boolean(o.json), async () => {
        const sc = loadScenario(path, o);
        const plant = loadPlantRef(sc.plant, path);
        const progress = progressReporter(process.stderr, "runs");
        let r: ContractResult;
        try {
          r = await withDistributed(
            o.redis,
            ({ executor }) =>
              runContract(sc, plant, {
                workers: workersFor(sc, o.workers),
                ...(executor ? { executor } : {}),
                tornado: o.tornado !== false,
                onProgress: (stage, done, total) => progress.update(stage, done, total),
              }),
            { exitOnSigint: true },
          );
        } finally {
          progress.stop();
          await closeSweepPools();
        }
        if (o.report) writeFileSync(o.report, contractHtml(r));
        if (o.json) printJson(contractJson(sc, r, o.report));
        else {
          process.stdout.write(contractReport(r));
          if (o.report) process.stdout.write(`report: ${o.report}\n`);
        }
      }),
    );
  commonOptions(
    program
      .command("price <scenario>")
      .description(
        "lowest fees meeting the margin target at the stated risk, per tier; price–risk curve; the customer's view",
      ),
  ).action(async (path: string, o) =>
    run(Boolean(o.json), async () => {
      const sc = loadScenario(path, o);
      const plant = loadPlantRef(sc.plant, path);
      const progress = progressReporter(process.stderr, "runs");
      let r: PricingResult;
      try {
        r = await withDistributed(
          o.redis,
          ({ executor }) =>
            priceContract(sc, plant, {
              workers: workersFor(sc, o.workers),
              ...(executor ? { executor } : {}),
              onProgress: (stage, done, total) => progress.update(stage, done, total),
            }),
          { exitOnSigint: true },
        );
      } finally {
        progress.stop();
        await closeSweepPools();
      }
      if (o.report) writeFileSync(o.report, pricingHtml(r));
      if (o.json) printJson({ scenario: sc.name, ...r, ...(o.report ? { files: { report: o.report } } : {}) });
      else {
        process.stdout.write(pricingReport(r));
        if (o.report) process.stdout.write(`report: ${o.report}\n`);
      }
    }),
  );
}
