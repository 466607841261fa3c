/**
 * CSV for spreadsheets and EAM/CMMS imports (RFC 4180): a header row, comma-separated fields, fields with a comma,
 * quote or line break quoted with doubled quotes, CRLF line ends.
 */
export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[]): string {
  const field = (v: unknown): string => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.join(","), ...rows.map((r) => columns.map((c) => field(r[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
