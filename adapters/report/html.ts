/**
 * A self-contained HTML report (no scripts, no external assets): headed sections of paragraphs, tables and inline
 * SVG charts, for results people would rather read than parse (contracts, pricing, the shadow pilot). Same input,
 * same bytes.
 */

export interface ReportTable {
  head: string[];
  rows: (string | number)[][];
  /** Columns to right-align (numbers). */
  numeric?: number[];
}

export interface ReportSection {
  heading: string;
  paragraphs?: string[];
  table?: ReportTable;
  /** Inline SVG documents. */
  svgs?: string[];
  notes?: string[];
}

export interface Report {
  title: string;
  subtitle?: string;
  sections: ReportSection[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:980px;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.sub{color:#666;margin-top:0}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:left}th{background:#f4f6f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#666;font-size:.85rem}figure{margin:.8rem 0}svg{max-width:100%;height:auto}`;

export function renderReport(r: Report): string {
  let h = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title>`;
  h += `<style>${STYLE}</style></head><body>\n<h1>${escapeHtml(r.title)}</h1>\n`;
  if (r.subtitle) h += `<p class="sub">${escapeHtml(r.subtitle)}</p>\n`;
  for (const s of r.sections) {
    h += `<h2>${escapeHtml(s.heading)}</h2>\n`;
    for (const p of s.paragraphs ?? []) h += `<p>${escapeHtml(p)}</p>\n`;
    if (s.table) h += table(s.table);
    for (const svg of s.svgs ?? []) h += `<figure>${svg.replace(/^<\?xml[^>]*>\s*/, "")}</figure>\n`;
    for (const n of s.notes ?? []) h += `<p class="note">${escapeHtml(n)}</p>\n`;
  }
  return `${h}</body></html>\n`;
}

function table(t: ReportTable): string {
  const numeric = new Set(t.numeric ?? []);
  let h = "<table><thead><tr>";
  for (const c of t.head) h += `<th>${escapeHtml(c)}</th>`;
  h += "</tr></thead><tbody>\n";
  for (const row of t.rows) {
    h += "<tr>";
    row.forEach((c, k) => {
      h += `<td${numeric.has(k) ? ' class="n"' : ""}>${escapeHtml(String(c))}</td>`;
    });
    h += "</tr>\n";
  }
  return `${h}</tbody></table>\n`;
}
