// The data tables under the charts, as plain data: columns, rows, sorting. Pure: the webview renders
// them and the host exports the very same rows, so the CSV is what the user saw.
import * as l10n from '@vscode/l10n';
import { ENDPOINTS } from '../shared/endpoints';
import type { BucketWidth, Dimension, EndpointId, UsageBucket } from '../shared/endpoints';
import type { AttributionData, GroupChoice, NameTable, OverviewData, Sort, StackBy } from '../shared/protocol';
import { formatBytes, formatMoney, formatQuantity } from '../shared/format';
import { idName } from './attribution';
import { bucketLabel, dimensionLabel, formatNumber, isLevelMetric, isoTime, metricLabel } from '../shared/labels';
import { rowCurrency } from './finite';

/** 'quantity': a number shown with the unit in the row's `quantity_unit` cell ("1.2M tokens"). */
export type ColumnKind = 'time' | 'day' | 'text' | 'number' | 'money' | 'bytes' | 'quantity';
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
export function noneLabel(): string {
  return l10n.t('(none)');
}

function costLabel(currency: string): string {
  return l10n.t('Cost ({0})', (currency || 'usd').toUpperCase());
}

/**
 * A dimension value as the user reads it: project, key and user names instead of IDs (an ID with
 * no name says so), "(none)" for empty.
 */
export function dimensionValueLabel(dim: Dimension, value: string | undefined, projectNames: Readonly<Record<string, string>>, names?: NameTable): string {
  if (value === undefined || value === '') return noneLabel();
  return idName(dim, value, projectNames, names).label;
}

/** The dimensions whose values are IDs with names: the table shows the ID in a column of its own. */
function idColumnLabel(dim: Dimension): string | undefined {
  if (dim === 'project_id') return l10n.t('Project ID');
  if (dim === 'api_key_id') return l10n.t('API key ID');
  if (dim === 'user_id') return l10n.t('User ID');
  return undefined;
}

export interface UsageTableInput {
  readonly endpoint: EndpointId;
  readonly buckets: readonly UsageBucket[];
  readonly groupBy: GroupChoice;
  readonly width: BucketWidth;
  readonly currency: string;
  readonly projectNames: Readonly<Record<string, string>>;
  /** Key and user names (absent: their IDs show as they are). */
  readonly names?: NameTable;
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
  const columns: Column[] = [{ id: 'start', label: l10n.t('Start (UTC)'), kind: input.width === '1d' ? 'day' : 'time' }];
  const dim = input.groupBy === 'none' ? undefined : input.groupBy;
  if (dim) {
    columns.push({ id: dim, label: dimensionLabel(dim), kind: 'text' });
    const idLabel = idColumnLabel(dim);
    if (idLabel) columns.push({ id: `${dim}_raw`, label: idLabel, kind: 'text' });
  }
  if (several) columns.push({ id: 'currency', label: l10n.t('Currency'), kind: 'text' });
  // Quantities of different units (tokens, images, GiB-hours) are never added: a row per unit.
  const units = spec.metrics.includes('quantity');
  for (const m of spec.metrics) {
    // Several currencies: a plain number beside its row's Currency column, never one symbol for all.
    const kind: ColumnKind = m === 'amount' ? (several ? 'number' : 'money') : m === 'usage_bytes' ? 'bytes' : m === 'quantity' ? 'quantity' : 'number';
    columns.push({ id: m, label: m === 'amount' ? (several ? l10n.t('Cost') : costLabel(input.currency)) : metricLabel(m), kind });
  }
  if (units) columns.push({ id: 'quantity_unit', label: l10n.t('Unit'), kind: 'text' });

  const rows: CellValue[][] = [];
  const hasIdColumn = dim !== undefined && idColumnLabel(dim) !== undefined;
  for (const b of [...input.buckets].sort((x, y) => x.startTime - y.startTime)) {
    const groups = new Map<string, { value: string | undefined; currency: string; unit: string; sums: number[] }>();
    for (const r of b.rows) {
      const value = dim ? r.dims[dim] : undefined;
      const currency = several ? rowCurrency(r.currency, fallback) : '';
      const unit = units ? r.quantityUnit ?? '' : '';
      const key = `${value ?? '\u0000'}\u0000${currency}\u0000${unit}`;
      let g = groups.get(key);
      if (!g) {
        g = { value, currency, unit, sums: spec.metrics.map(() => 0) };
        groups.set(key, g);
      }
      spec.metrics.forEach((m, i) => {
        g.sums[i] += r.values[m] ?? 0;
      });
    }
    for (const g of groups.values()) {
      const cells: CellValue[] = [b.startTime];
      if (dim) {
        cells.push(dimensionValueLabel(dim, g.value, input.projectNames, input.names));
        if (hasIdColumn) cells.push(g.value ?? '');
      }
      if (several) cells.push(g.currency);
      cells.push(...g.sums);
      if (units) cells.push(g.unit);
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
  /** Quantity only: each unit's total, largest first ('' = rows that named no unit); never one sum of all. */
  readonly byUnit?: readonly { readonly unit: string; readonly quantity: number }[];
}

/** The totals cards of an endpoint tab: every metric over the window. */
export function metricTotals(endpoint: EndpointId, buckets: readonly UsageBucket[], currency: string): MetricTotal[] {
  const spec = ENDPOINTS[endpoint];
  const fallback = currency || 'usd';
  const sums = new Map<string, number>();
  const amounts = new Map<string, number>();
  const quantities = new Map<string, number>();
  let lastStart = -1;
  for (const b of buckets) {
    for (const r of b.rows) {
      for (const m of spec.metrics) {
        if (isLevelMetric(m)) continue;
        if (m === 'amount') {
          const c = rowCurrency(r.currency, fallback);
          amounts.set(c, (amounts.get(c) ?? 0) + (r.values.amount ?? 0));
        } else if (m === 'quantity') {
          if (r.values.quantity !== undefined) quantities.set(r.quantityUnit ?? '', (quantities.get(r.quantityUnit ?? '') ?? 0) + r.values.quantity);
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
    if (m === 'quantity') {
      const byUnit = [...quantities].map(([unit, quantity]) => ({ unit, quantity })).sort((a, b) => b.quantity - a.quantity || a.unit.localeCompare(b.unit));
      // The value is only meaningful with one unit; the cards show byUnit.
      return { metric: m, level: false, value: byUnit.length === 1 ? byUnit[0]?.quantity ?? 0 : 0, byUnit };
    }
    return { metric: m, level: false, value: sums.get(m) ?? 0 };
  });
}

/** The overview's table: spend per UTC day and project (or line item), as the chart stacks it. */
export function overviewTable(data: OverviewData, stackBy: StackBy): DataTable {
  const byProject = stackBy === 'project';
  const columns: Column[] = [
    { id: 'date', label: l10n.t('Date (UTC)'), kind: 'day' },
    ...(byProject
      ? [
          { id: 'project', label: l10n.t('Project'), kind: 'text' as const },
          { id: 'project_id', label: l10n.t('Project ID'), kind: 'text' as const },
        ]
      : [{ id: 'line_item', label: l10n.t('Line item'), kind: 'text' as const }]),
    { id: 'amount', label: costLabel(data.currency), kind: 'money' },
    { id: 'provisional', label: l10n.t('Provisional'), kind: 'text' },
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
        ? [day, data.projectNames[s.key] ?? (s.key || noneLabel()), s.key, s.a, provisional]
        : [day, s.key || noneLabel(), s.a, provisional];
    });
  return { columns, rows, currency: data.currency, width: '1d' };
}

/** The Attribution tab's spend by API key: name, ID, owner, project, spend; most spend first. */
export function keySpendTable(data: AttributionData): DataTable {
  const columns: Column[] = [
    { id: 'key', label: l10n.t('API key'), kind: 'text' },
    { id: 'api_key_id', label: l10n.t('API key ID'), kind: 'text' },
    { id: 'owner', label: l10n.t('Owner'), kind: 'text' },
    { id: 'project', label: l10n.t('Project'), kind: 'text' },
    { id: 'amount', label: costLabel(data.currency), kind: 'money' },
  ];
  const rows = data.keys.map((k): CellValue[] => [k.label, k.id, k.owner ?? '', k.project ?? '', k.spend]);
  return { columns, rows, currency: data.currency, width: '1d' };
}

/** The Attribution tab's usage by user: tokens and requests of completions (no spend: the API has none by user). */
export function userUsageTable(data: AttributionData): DataTable {
  const columns: Column[] = [
    { id: 'user', label: l10n.t('User'), kind: 'text' },
    { id: 'user_id', label: l10n.t('User ID'), kind: 'text' },
    { id: 'input_tokens', label: metricLabel('input_tokens'), kind: 'number' },
    { id: 'output_tokens', label: metricLabel('output_tokens'), kind: 'number' },
    { id: 'num_model_requests', label: metricLabel('num_model_requests'), kind: 'number' },
  ];
  const rows = data.users.ok ? data.users.rows.map((u): CellValue[] => [u.label, u.id, u.inputTokens, u.outputTokens, u.requests]) : [];
  return { columns, rows, currency: data.currency, width: '1d' };
}

/** Keys not used in `staleDays`: name, ID, owner, project, last used (UTC day) or "never". */
export function staleKeysTable(data: AttributionData): DataTable {
  const columns: Column[] = [
    { id: 'key', label: l10n.t('API key'), kind: 'text' },
    { id: 'api_key_id', label: l10n.t('API key ID'), kind: 'text' },
    { id: 'owner', label: l10n.t('Owner'), kind: 'text' },
    { id: 'project', label: l10n.t('Project'), kind: 'text' },
    { id: 'last_used', label: l10n.t('Last used (UTC)'), kind: 'text' },
  ];
  const rows = (data.staleKeys ?? []).map((k): CellValue[] => [k.label, k.id, k.owner ?? '', k.project ?? '', k.lastUsedAt === undefined ? 'never' : isoTime(k.lastUsedAt).slice(0, 10)]);
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

/** A cell as shown on screen (`row`: for a quantity, whose unit is in another cell of it). */
export function displayCell(table: DataTable, col: Column, value: CellValue, row?: readonly CellValue[]): string {
  if (typeof value === 'string') return value;
  if (col.kind === 'quantity') {
    const i = table.columns.findIndex((c) => c.id === 'quantity_unit');
    const unit = i >= 0 ? row?.[i] : undefined;
    return formatQuantity(value, typeof unit === 'string' && unit ? unit : undefined);
  }
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
