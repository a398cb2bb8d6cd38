// CSV and JSON of a data table (Export Usage…). Pure, so the escaping is unit-tested.
import type { CurrencyCards, ModelTokens, OverviewCards } from '../shared/protocol';
import type { CellValue, DataTable } from './table';
import { exportCell } from './table';
import { sanitizeLine } from '../shared/sanitize';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text that
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe, since
 * project names come from the organisation and an export should never execute anything.
 */
export function csvField(value: CellValue): string {
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The one CSV writer (Export Usage… and the CLI's --csv): a header line, then one line per row,
 * every field through `csvField` (quoting and the formula guard), CRLF line ends (RFC 4180). Text
 * is one plain line first (`sanitizeLine`): a name holding a line break, an escape sequence or a
 * bidi override never splits a row or rewrites what a terminal or spreadsheet shows.
 */
export function csvText(headers: readonly string[], rows: readonly (readonly CellValue[])[]): string {
  const cell = (v: CellValue): string => csvField(typeof v === 'string' ? sanitizeLine(v) : v);
  const lines = [headers.map(cell).join(',')];
  for (const row of rows) lines.push(headers.map((_, i) => cell(row[i] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The table as CSV: a header of column labels, then one line per row, CRLF line ends. */
export function toCsv(table: DataTable, rows: readonly (readonly CellValue[])[] = table.rows): string {
  return csvText(
    table.columns.map((c) => c.label),
    rows.map((row) => table.columns.map((c, i) => exportCell(c, row[i] ?? ''))),
  );
}

export interface ExportMeta {
  /** Which view: 'overview' or an endpoint id. */
  readonly view: string;
  readonly source: 'api' | 'sample';
  /** ISO 8601 (UTC). */
  readonly start: string;
  readonly end: string;
  readonly bucketWidth: string;
  readonly groupBy?: string;
  readonly filters?: Readonly<Record<string, unknown>>;
  readonly currency: string;
  readonly exportedAt: string;
  /** The overview's cards and tokens by model (JSON only: CSV is the table). */
  readonly cards?: OverviewCards;
  readonly tokensByModel?: readonly ModelTokens[];
  /** Each currency's money cards, only when more than one currency appears (never added up). */
  readonly byCurrency?: Readonly<Record<string, CurrencyCards>>;
}

/** The table as JSON: the context of the export, then one object per row keyed by column id. */
export function toJson(meta: ExportMeta, table: DataTable, rows: readonly (readonly CellValue[])[] = table.rows): string {
  const objects = rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.id, exportCell(c, row[i] ?? '')])));
  return `${JSON.stringify({ ...meta, columns: table.columns.map((c) => ({ id: c.id, label: c.label })), rows: objects }, null, 2)}\n`;
}
