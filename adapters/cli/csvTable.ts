import { type ErrorDetail, MoldtwinError } from "../../engine/errors.ts";

/**
 * A small reader for the command line's data CSVs, with the conventions of parseLifeCsv
 * (engine/reliability/lifeData.ts): a header row naming the columns (any order, case-insensitive, extra columns
 * ignored), blank lines and lines starting with `#` skipped, fields quoted with double quotes as in RFC 4180
 * (no line breaks inside a field). Rows are numbered as lines of the file (the header of a file without comments
 * is row 1), so errors read `row 7 column time`; cell checks collect every bad cell, up to 20, before failing.
 */

const MAX_DETAILS = 20;

export interface CsvRow {
  /** Line number in the file, 1-based. */
  row: number;
  /** Trimmed cell of a named column ("" when the row is short or the column is optional and absent). */
  cell(column: string): string;
}

export interface CsvTable {
  fileName: string;
  /** Lower-cased header names in file order. */
  columns: string[];
  rows: CsvRow[];
}

/** Splits one CSV line into trimmed fields; `"a, b"` keeps its comma and `""` inside quotes is one quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === "") {
      field = "";
      quoted = true;
    } else if (ch === ",") {
      out.push(field.trim());
      field = "";
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/** A plain decimal number (no hex, no "Infinity", no empty string), else undefined. */
export function numberCell(text: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * Parses the text of a CSV whose header must contain `required` columns. `what` names the kind of file in
 * messages ("failure-time file"). A missing column is FILE_ERR_READ naming the header row.
 */
export function parseCsvTable(text: string, fileName: string, what: string, required: readonly string[]): CsvTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const allowed = `a header row with columns ${required.join(", ")}`;
  const headerRow = lines.findIndex((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (headerRow < 0) {
    throw new MoldtwinError("FILE_ERR_READ", `${what} file ${fileName} is empty`, [
      { field: fileName, value: "", allowed },
    ]);
  }
  const columns = splitCsvLine(lines[headerRow]!).map((h) => h.toLowerCase());
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new MoldtwinError(
      "FILE_ERR_READ",
      `${what} file ${fileName}: header has no ${missing.join(" and ")} column${missing.length > 1 ? "s" : ""}`,
      [{ field: `${fileName} row ${headerRow + 1} (header)`, value: lines[headerRow]!.trim(), allowed }],
    );
  }
  const rows: CsvRow[] = [];
  for (let i = headerRow + 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = splitCsvLine(raw);
    rows.push({
      row: i + 1,
      cell: (column) => {
        const k = columns.indexOf(column);
        return k < 0 ? "" : (cells[k] ?? "");
      },
    });
  }
  return { fileName, columns, rows };
}

/** Collects bad cells as `row N column X` details and throws them together as TWIN_ERR_VALIDATION. */
export class CellErrors {
  readonly details: ErrorDetail[] = [];
  private count = 0;

  add(row: number, column: string, value: unknown, allowed: string): void {
    this.count++;
    if (this.details.length < MAX_DETAILS) this.details.push({ field: `row ${row} column ${column}`, value, allowed });
  }

  /** Adds a detail whose field is not a single cell (e.g. `system "B"`). */
  addField(field: string, value: unknown, allowed: string): void {
    this.count++;
    if (this.details.length < MAX_DETAILS) this.details.push({ field, value, allowed });
  }

  /** Throws the collected details, cell errors in file order first, then the others in the order found. */
  throwIfAny(what: string, fileName: string): void {
    if (this.count === 0) return;
    const rowOf = (d: ErrorDetail): number =>
      Number(/^row (\d+) /.exec(d.field ?? "")?.[1] ?? Number.POSITIVE_INFINITY);
    this.details.sort((a, b) => rowOf(a) - rowOf(b));
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `${what} file ${fileName}: ${this.count} invalid value(s), first at ${this.details[0]!.field}`,
      this.details,
    );
  }
}
