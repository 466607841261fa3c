/**
 * The store's names the CLI needs when it registers its commands, apart from the store itself, so that listing
 * options does not load DuckDB and Arrow (≈ 0.6 s): the commands import the store when they run.
 */

/** The store the CLI uses when no --store is given, relative to the working directory (git-ignored). */
export const DEFAULT_STORE_PATH = ".moldtwin/history.duckdb";

export type ExportTable = "cycles" | "signals" | "states" | "events" | "quarantine" | "gaps" | "parts";
export const EXPORT_TABLES: readonly ExportTable[] = [
  "cycles",
  "signals",
  "states",
  "events",
  "quarantine",
  "gaps",
  "parts",
];
