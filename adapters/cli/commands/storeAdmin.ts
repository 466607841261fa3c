import { statSync } from "node:fs";
import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { parseTimestampMs } from "../../../engine/kpi/time.ts";
import type { ExportRange, RetentionPolicy } from "../../store/historyStore.ts";
import { DEFAULT_STORE_PATH, EXPORT_TABLES, type ExportTable } from "../../store/names.ts";
import { printJson, run } from "../io.ts";
import { columns, enumOption, numberOption, POSITIVE } from "./life/common.ts";

/**
 * `moldtwin store-export` (a history table, or a time/press slice of it, as an Arrow IPC file) and
 * `moldtwin store-retention` (delete rows older than N days per table; gaps and quarantined values outlive them).
 */

function timeOption(raw: unknown, option: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseTimestampMs(String(raw));
  if (ms === undefined) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid option ${option} ${JSON.stringify(raw)}`, [
      { field: option, value: raw, allowed: "an ISO 8601 timestamp such as 2026-01-05T06:00:00Z (no zone = UTC)" },
    ]);
  }
  return ms;
}

function requiredText(raw: unknown, option: string, allowed: string): string {
  if (typeof raw !== "string" || raw.length === 0) {
    throw new MoldtwinError("CLI_ERR_USAGE", `missing option ${option}`, [{ field: option, value: raw, allowed }]);
  }
  return raw;
}

const DAYS = { ...POSITIVE, unit: "days" };

export function registerStoreCommands(program: Command): void {
  program
    .command("store-export")
    .description("write one history table (or a time/press slice of it) as an Arrow IPC file")
    .option("--store <file>", "history store file", DEFAULT_STORE_PATH)
    .option("--table <name>", EXPORT_TABLES.join(" | "))
    .option("--out <file>", "the Arrow IPC file to write")
    .option("--from <iso>", "only rows at or after this time (source time; gaps: start of the gap)")
    .option("--to <iso>", "only rows before this time")
    .option("--press <id>", "only this press")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), async () => {
        const table: ExportTable = enumOption(o.table, "--table", EXPORT_TABLES);
        const out = requiredText(o.out, "--out", "a path for the Arrow IPC file");
        const fromMs = timeOption(o.from, "--from");
        const toMs = timeOption(o.to, "--to");
        if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
          throw new MoldtwinError("TWIN_ERR_VALIDATION", `--to ${o.to} is not after --from ${o.from}`, [
            { field: "--to", value: o.to, allowed: `a time after --from (${o.from})` },
          ]);
        }
        const range: ExportRange = {
          ...(fromMs !== undefined ? { fromMs } : {}),
          ...(toMs !== undefined ? { toMs } : {}),
          ...(o.press !== undefined ? { press: String(o.press) } : {}),
        };
        const file = String(o.store);
        const { openStore } = await import("../../store/historyStore.ts");
        const store = await openStore(file, { readOnly: true });
        let rows: number;
        const started = performance.now();
        try {
          ({ rows } = await store.exportArrow(table, out, range));
        } finally {
          await store.close();
        }
        const seconds = (performance.now() - started) / 1000;
        const bytes = statSync(out).size;
        if (o.json)
          printJson({
            store: file,
            table,
            out,
            rows,
            bytes,
            range: { from: o.from ?? null, to: o.to ?? null, press: o.press ?? null },
            seconds,
          });
        else {
          process.stdout.write(
            `exported ${rows} rows of ${table} from ${file} to ${out} (${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s)\n`,
          );
        }
      }),
    );

  program
    .command("store-retention")
    .description(
      "delete history older than N days per table (cycles with their part ids; events with old state changes, keeping the last per variable); gaps and quarantined values go only once every table has a retention and they are older than the longest",
    )
    .option("--store <file>", "history store file", DEFAULT_STORE_PATH)
    .option("--signals-days <n>", "keep signal samples this many days")
    .option("--cycles-days <n>", "keep cycles and their part ids this many days")
    .option("--events-days <n>", "keep events (and superseded state changes) this many days")
    .option("--bookkeeping-days <n>", "keep gaps and quarantined values at least this many days")
    .option("--now <iso>", "the reference time (default: now)")
    .option("--json", "print one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), async () => {
        const policy: RetentionPolicy = {};
        const days: [keyof RetentionPolicy, string, unknown][] = [
          ["signalsDays", "--signals-days", o.signalsDays],
          ["cyclesDays", "--cycles-days", o.cyclesDays],
          ["eventsDays", "--events-days", o.eventsDays],
          ["bookkeepingDays", "--bookkeeping-days", o.bookkeepingDays],
        ];
        for (const [key, option, raw] of days) {
          const v = numberOption(raw, option, DAYS);
          if (v !== undefined) policy[key] = v;
        }
        if (policy.signalsDays === undefined && policy.cyclesDays === undefined && policy.eventsDays === undefined) {
          throw new MoldtwinError("CLI_ERR_USAGE", "no retention given: nothing to delete", [
            {
              field: "--signals-days",
              value: undefined,
              allowed: "at least one of --signals-days, --cycles-days, --events-days",
            },
          ]);
        }
        const nowMs = timeOption(o.now, "--now");
        if (nowMs !== undefined) policy.nowMs = nowMs;
        const file = String(o.store);
        const { openStore } = await import("../../store/historyStore.ts");
        const store = await openStore(file, { mustExist: true });
        let deleted: Record<string, number>;
        let remaining: Record<string, number>;
        try {
          deleted = await store.applyRetention(policy);
          remaining = await store.counts();
        } finally {
          await store.close();
        }
        const now = new Date(policy.nowMs ?? Date.now()).toISOString();
        if (o.json) printJson({ store: file, now, policy, deleted, remaining });
        else {
          process.stdout.write(`store-retention ${file} at ${now}\n`);
          process.stdout.write(
            columns(
              ["table", "deleted", "remaining"],
              Object.keys(remaining).map((t) => [t, String(deleted[t] ?? 0), String(remaining[t])]),
            ),
          );
        }
      }),
    );
}
