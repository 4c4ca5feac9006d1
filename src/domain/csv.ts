/**
 * CSV as Excel and LibreOffice read it: RFC 4180 quoting, CRLF line ends. Text cells that a spreadsheet would run
 * as a formula (=, +, -, @ first) get a leading apostrophe — subjects come from outside emails.
 * The UTF-8 byte-order mark that makes Excel show Arabic is added where the file is written or attached.
 */
export type CsvCell = string | number | null;

const FORMULA = /^[=+\-@\t\r]/;

function cell(v: CsvCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = FORMULA.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const CSV_BOM = '\uFEFF';
