// The data tables under the charts, as plain data: columns, rows, sorting. Pure: the webview renders
// them and the host exports the very same rows, so the CSV is what the user saw.
import { ENDPOINTS } from '../shared/endpoints';
import type { BucketWidth, Dimension, EndpointId, UsageBucket } from '../shared/endpoints';
import type { GroupChoice, OverviewData, Sort, StackBy } from '../shared/protocol';
import { formatBytes, formatMoney } from '../shared/format';
import { bucketLabel, dimensionLabel, formatNumber, isLevelMetric, isoTime, metricLabel } from '../shared/labels';
import { rowCurrency } from './finite';

export type ColumnKind = 'time' | 'day' | 'text' | 'number' | 'money' | 'bytes';
export type CellValue = string | number;

export interface Column {
  /** Stable id: the sort key kept in UI state and the JSON export's field name. */
  readonly id: string;
  readonly label: string;
  readonly kind: ColumnKind;
}

export interface DataTable {
  readonly columns: readonly Column[];
  /** One array of cells per row, in column order. */
  readonly rows: readonly (readonly CellValue[])[];
  readonly currency: string;
  /** Width of 'time' columns, for their labels. */
  readonly width: BucketWidth;
}

/** Shown for a grouping dimension the API left empty (e.g. usage without an API key). */
export const NONE_LABEL = '(none)';

function costLabel(currency: string): string {
  return `Cost (${(currency || 'usd').toUpperCase()})`;
}

/** A dimension value as the user reads it: project names instead of IDs, "(none)" for empty. */
export function dimensionValueLabel(dim: Dimension, value: string | undefined, projectNames: Readonly<Record<string, string>>): string {
  if (value === undefined || value === '') return NONE_LABEL;
  if (dim === 'project_id') return projectNames[value] ?? value;
  return value;
}

export interface UsageTableInput {
  readonly endpoint: EndpointId;
  readonly buckets: readonly UsageBucket[];
  readonly groupBy: GroupChoice;
  readonly width: BucketWidth;
  readonly currency: string;
  readonly projectNames: Readonly<Record<string, string>>;
}

/**
 * The table of an endpoint tab: one row per bucket and group, every metric of the endpoint as a
 * column. Rows of the same bucket and group are summed (the API may split them further than asked).
 */
export function usageTable(input: UsageTableInput): DataTable {
  const spec = ENDPOINTS[input.endpoint];
  const fallback = input.currency || 'usd';
  // Amounts of two currencies are never summed into one cell: with several, each row is of one.
  const currencies = new Set<string>();
  if (spec.metrics.includes('amount')) for (const b of input.buckets) for (const r of b.rows) currencies.add(rowCurrency(r.currency, fallback));
  const several = currencies.size > 1;
  const columns: Column[] = [{ id: 'start', label: 'Start (UTC)', kind: input.width === '1d' ? 'day' : 'time' }];
  const dim = input.groupBy === 'none' ? undefined : input.groupBy;
  if (dim) {
    columns.push({ id: dim, label: dimensionLabel(dim), kind: 'text' });
    if (dim === 'project_id') columns.push({ id: 'project_id_raw', label: 'Project ID', kind: 'text' });
  }
  if (several) columns.push({ id: 'currency', label: 'Currency', kind: 'text' });
  for (const m of spec.metrics) {
    // Several currencies: a plain number beside its row's Currency column, never one symbol for all.
    const kind: ColumnKind = m === 'amount' ? (several ? 'number' : 'money') : m === 'usage_bytes' ? 'bytes' : 'number';
    columns.push({ id: m, label: m === 'amount' ? (several ? 'Cost' : costLabel(input.currency)) : metricLabel(m), kind });
  }

  const rows: CellValue[][] = [];
  for (const b of [...input.buckets].sort((x, y) => x.startTime - y.startTime)) {
    const groups = new Map<string, { value: string | undefined; currency: string; sums: number[] }>();
    for (const r of b.rows) {
      const value = dim ? r.dims[dim] : undefined;
      const currency = several ? rowCurrency(r.currency, fallback) : '';
      const key = `${value ?? '\u0000'}\u0000${currency}`;
      let g = groups.get(key);
      if (!g) {
        g = { value, currency, sums: spec.metrics.map(() => 0) };
        groups.set(key, g);
      }
      spec.metrics.forEach((m, i) => {
        g.sums[i] += r.values[m] ?? 0;
      });
    }
    for (const g of groups.values()) {
      const cells: CellValue[] = [b.startTime];
      if (dim) {
        cells.push(dimensionValueLabel(dim, g.value, input.projectNames));
        if (dim === 'project_id') cells.push(g.value ?? '');
      }
      if (several) cells.push(g.currency);
      cells.push(...g.sums);
      rows.push(cells);
    }
  }
  return { columns, rows, currency: input.currency, width: input.width };
}

export interface MetricTotal {
  readonly metric: string;
  /** A level (storage bytes): the latest bucket's, since levels do not add up over time. */
  readonly level: boolean;
  /** The total (amount: of the main currency). */
  readonly value: number;
  /** Amount only: each currency's total, main first, when more than one appears. */
  readonly byCurrency?: readonly { readonly currency: string; readonly amount: number }[];
}

/** The totals cards of an endpoint tab: every metric over the window. */
export function metricTotals(endpoint: EndpointId, buckets: readonly UsageBucket[], currency: string): MetricTotal[] {
  const spec = ENDPOINTS[endpoint];
  const fallback = currency || 'usd';
  const sums = new Map<string, number>();
  const amounts = new Map<string, number>();
  let lastStart = -1;
  for (const b of buckets) {
    for (const r of b.rows) {
      for (const m of spec.metrics) {
        if (isLevelMetric(m)) continue;
        if (m === 'amount') {
          const c = rowCurrency(r.currency, fallback);
          amounts.set(c, (amounts.get(c) ?? 0) + (r.values.amount ?? 0));
        } else sums.set(m, (sums.get(m) ?? 0) + (r.values[m] ?? 0));
      }
    }
    if (b.rows.length > 0 && b.startTime > lastStart) lastStart = b.startTime;
  }
  const last = buckets.find((b) => b.startTime === lastStart);
  const byCurrency = [...amounts]
    .map(([c, amount]) => ({ currency: c, amount }))
    .sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || a.currency.localeCompare(b.currency));
  return spec.metrics.map((m): MetricTotal => {
    if (isLevelMetric(m)) return { metric: m, level: true, value: last ? last.rows.reduce((a, r) => a + (r.values[m] ?? 0), 0) : 0 };
    if (m === 'amount') return { metric: m, level: false, value: byCurrency[0]?.amount ?? 0, ...(byCurrency.length > 1 ? { byCurrency } : {}) };
    return { metric: m, level: false, value: sums.get(m) ?? 0 };
  });
}

/** The overview's table: spend per UTC day and project (or line item), as the chart stacks it. */
export function overviewTable(data: OverviewData, stackBy: StackBy): DataTable {
  const byProject = stackBy === 'project';
  const columns: Column[] = [
    { id: 'date', label: 'Date (UTC)', kind: 'day' },
    ...(byProject
      ? [
          { id: 'project', label: 'Project', kind: 'text' as const },
          { id: 'project_id', label: 'Project ID', kind: 'text' as const },
        ]
      : [{ id: 'line_item', label: 'Line item', kind: 'text' as const }]),
    { id: 'amount', label: costLabel(data.currency), kind: 'money' },
    { id: 'provisional', label: 'Provisional', kind: 'text' },
  ];
  const sums = new Map<string, { d: number; key: string; a: number }>();
  for (const c of data.costs) {
    const key = byProject ? c.p : c.l;
    const id = `${c.d}\u0000${key}`;
    const s = sums.get(id);
    if (s) s.a += c.a;
    else sums.set(id, { d: c.d, key, a: c.a });
  }
  const rows = [...sums.values()]
    .sort((x, y) => x.d - y.d || x.key.localeCompare(y.key))
    .map((s): CellValue[] => {
      const day = data.days[s.d] ?? '';
      const provisional = s.d >= data.provisionalFrom ? 'yes' : 'no';
      return byProject
        ? [day, data.projectNames[s.key] ?? (s.key || NONE_LABEL), s.key, s.a, provisional]
        : [day, s.key || NONE_LABEL, s.a, provisional];
    });
  return { columns, rows, currency: data.currency, width: '1d' };
}

function compareCells(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true, sensitivity: 'base' });
}

/**
 * The rows in the order of `sort` (stable: equal cells keep their order, which is time order);
 * unsorted when the column does not exist in this table.
 */
export function sortRows(table: DataTable, sort: Sort | undefined): readonly (readonly CellValue[])[] {
  if (!sort) return table.rows;
  const i = table.columns.findIndex((c) => c.id === sort.column);
  if (i < 0) return table.rows;
  const dir = sort.direction === 'ascending' ? 1 : -1;
  return table.rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => dir * compareCells(x.row[i], y.row[i]) || x.index - y.index)
    .map((x) => x.row);
}

/** The next sort after a click on a column's header: ascending first, then flip. */
export function nextSort(current: Sort | undefined, column: string): Sort {
  if (current?.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: 'ascending' };
}

/** A cell as shown on screen. */
export function displayCell(table: DataTable, col: Column, value: CellValue): string {
  if (typeof value === 'string') return value;
  switch (col.kind) {
    case 'time':
    case 'day':
      return bucketLabel(value, table.width);
    case 'money':
      return formatMoney(value, table.currency);
    case 'bytes':
      return formatBytes(value);
    default:
      return formatNumber(value);
  }
}

/** A cell as exported: times in ISO 8601 (UTC), numbers unformatted. */
export function exportCell(col: Column, value: CellValue): CellValue {
  if (typeof value === 'number' && (col.kind === 'time' || col.kind === 'day')) {
    return col.kind === 'day' ? isoTime(value).slice(0, 10) : isoTime(value);
  }
  return value;
}
