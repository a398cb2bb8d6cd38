// `daily` and `monthly`: spend, tokens and requests per UTC day or month, in all or by project,
// model or API key. The figures are the report's own: spend from the Costs API rows, tokens from
// the token endpoints and requests from every usage endpoint, counted as `summarize` counts them.
import { parseArgs } from 'node:util';
import { ENDPOINTS, REQUEST_ENDPOINT_IDS, TOKEN_ENDPOINT_IDS, USAGE_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, EndpointId, UsageBucket } from '../shared/endpoints';
import { NO_PROJECT } from '../report/summary';
import { formatCount, formatMoney } from '../shared/format';
import { addDays, dayStartOfMs, daysBetween, isoDate, monthStart, rangeForDays } from '../shared/time';
import type { TimeRange } from '../shared/time';
import { currencyOf, loadSnapshot } from '../usage/loader';
import type { UsageSource } from '../usage/source';
import type { CommandIo } from './common';
import { CommandError, argError, positiveInt, sourceFrom } from './common';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;
export const REPORT_GROUPS = ['project', 'model', 'key'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export type Period = 'day' | 'month';

const DIMENSION_OF: Readonly<Record<ReportGroup, Dimension>> = { project: 'project_id', model: 'model', key: 'api_key_id' };

export interface ReportData {
  readonly currency: string;
  readonly costs: readonly UsageBucket[];
  readonly usage: Readonly<Partial<Record<UsageEndpointId, readonly UsageBucket[]>>>;
  readonly projectNames?: ReadonlyMap<string, string>;
}

export interface ReportRow {
  /** 'YYYY-MM-DD' or 'YYYY-MM'. */
  readonly period: string;
  /** The group's id (project id, model, key id) when grouped; '' for rows without one. */
  readonly group?: string;
  readonly name?: string;
  /** Undefined where costs are not split this way (by model). */
  readonly spend: number | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedTokens: number;
  readonly requests: number;
}

interface Acc {
  spend: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number;
}

const periodOf = (sec: number, period: Period): string => (period === 'day' ? isoDate(sec) : isoDate(sec).slice(0, 7));

/**
 * Rows per period (and group), oldest first, every period of the range present (zero-filled when
 * not grouped). Pure: the same rows from a snapshot or from buckets grouped by key.
 */
export function reportRows(data: ReportData, range: TimeRange, period: Period, by?: ReportGroup): ReportRow[] {
  const dim = by === undefined ? undefined : DIMENSION_OF[by];
  const table = new Map<string, Map<string, Acc>>();
  const periods: string[] = [];
  for (let d = range.start; d < range.end; d = addDays(d, 1)) {
    const p = periodOf(d, period);
    if (periods.at(-1) !== p) periods.push(p);
  }
  const accFor = (sec: number, group: string): Acc | undefined => {
    if (sec < range.start || sec >= range.end) return undefined;
    const p = periodOf(sec, period);
    let groups = table.get(p);
    if (!groups) {
      groups = new Map();
      table.set(p, groups);
    }
    let acc = groups.get(group);
    if (!acc) {
      acc = { spend: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 };
      groups.set(group, acc);
    }
    return acc;
  };
  const groupOf = (dims: Readonly<Partial<Record<Dimension, string>>>): string | undefined =>
    dim === undefined ? '' : dim === 'project_id' ? (dims.project_id ?? NO_PROJECT) : dims[dim];

  if (dim !== 'model') {
    for (const b of data.costs) {
      for (const row of b.rows) {
        const g = groupOf(row.dims) ?? '';
        const acc = accFor(b.startTime, g);
        if (acc) acc.spend += row.values.amount ?? 0;
      }
    }
  }
  const tokenEndpoints: readonly string[] = TOKEN_ENDPOINT_IDS;
  for (const id of REQUEST_ENDPOINT_IDS) {
    const tokens = tokenEndpoints.includes(id);
    for (const b of data.usage[id] ?? []) {
      for (const row of b.rows) {
        const g = groupOf(row.dims);
        // By model: endpoints without models (vector stores, code interpreter) have no row to add to.
        if (g === undefined) continue;
        const acc = accFor(b.startTime, g);
        if (!acc) continue;
        const v = row.values;
        acc.requests += v.num_model_requests ?? 0;
        if (tokens) {
          acc.inputTokens += v.input_tokens ?? 0;
          acc.outputTokens += v.output_tokens ?? 0;
          acc.cachedTokens += v.input_cached_tokens ?? 0;
        }
      }
    }
  }
  const rows: ReportRow[] = [];
  for (const p of periods) {
    const groups = table.get(p) ?? new Map<string, Acc>();
    if (dim === undefined && !groups.has('')) groups.set('', { spend: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 });
    const entries = [...groups].sort((a, b) => b[1].spend - a[1].spend || b[1].requests - a[1].requests || a[0].localeCompare(b[0]));
    for (const [group, acc] of entries) {
      rows.push({
        period: p,
        ...(dim === undefined ? {} : { group, name: by === 'project' ? (data.projectNames?.get(group) ?? (group === NO_PROJECT ? 'No project' : group)) : group }),
        spend: dim === 'model' ? undefined : acc.spend,
        inputTokens: acc.inputTokens,
        outputTokens: acc.outputTokens,
        cachedTokens: acc.cachedTokens,
        requests: acc.requests,
      });
    }
  }
  return rows;
}

/** The range of a report: the last N days, or the last N calendar months (this one included). */
export function reportRange(nowMs: number, period: Period, count: number): TimeRange {
  if (period === 'day') return rangeForDays(nowMs, count);
  const today = dayStartOfMs(nowMs);
  let start = monthStart(today);
  for (let i = 1; i < count; i++) start = monthStart(addDays(start, -1));
  return { start, end: addDays(today, 1) };
}

/** Costs and usage grouped by API key over the range (the snapshot keeps no key grouping). */
async function loadByKey(source: UsageSource, range: TimeRange, signal?: AbortSignal): Promise<ReportData> {
  const usageIds = USAGE_ENDPOINT_IDS.filter((id) => ENDPOINTS[id].groupBy.includes('api_key_id'));
  const [costs, ...usage] = await Promise.all([
    source.query({ endpoint: 'costs', startTime: range.start, endTime: range.end, bucketWidth: '1d', groupBy: ['api_key_id'] }, signal),
    ...usageIds.map((id) => source.query({ endpoint: id, startTime: range.start, endTime: range.end, bucketWidth: '1d', groupBy: ['api_key_id'] }, signal)),
  ]);
  const byEndpoint: Partial<Record<UsageEndpointId, readonly UsageBucket[]>> = {};
  usageIds.forEach((id, i) => (byEndpoint[id] = usage[i] ?? []));
  return { currency: currencyOf(costs ?? []), costs: costs ?? [], usage: byEndpoint };
}

export async function loadReportData(source: UsageSource, nowMs: number, range: TimeRange, by: ReportGroup | undefined): Promise<ReportData> {
  if (by === 'key') return loadByKey(source, range);
  const snapshot = await loadSnapshot(source, { nowMs, rangeDays: daysBetween(range.start, range.end) });
  return { currency: snapshot.currency, costs: snapshot.costs, usage: snapshot.usage, projectNames: new Map(snapshot.projects.map((p) => [p.id, p.name])) };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export const REPORTS_HELP = `  daily                   spend, tokens and requests per UTC day (--days N, default 30)
  monthly                 the same per calendar month (--months N, default 3)
      --by project|model|key   one row per project, model or API key id in each period`;

/** Runs `daily` or `monthly`. */
export async function runReport(command: 'daily' | 'monthly', argv: readonly string[], io: CommandIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        days: { type: 'string' },
        months: { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        'base-url': { type: 'string' },
        sample: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw argError(e);
  }
  const period: Period = command === 'daily' ? 'day' : 'month';
  if (period === 'day' && values.months !== undefined) throw new CommandError('daily takes --days, not --months.');
  if (period === 'month' && values.days !== undefined) throw new CommandError('monthly takes --months, not --days.');
  const count = period === 'day' ? positiveInt(values.days, 'days', 30, 400) : positiveInt(values.months, 'months', 3, 13);
  const by = values.by === undefined ? undefined : REPORT_GROUPS.find((g) => g === values.by);
  if (values.by !== undefined && !by) throw new CommandError(`--by must be one of ${REPORT_GROUPS.join(', ')}, not "${values.by}".`);
  if (values.json && values.csv) throw new CommandError('Choose one of --json and --csv.');

  const nowMs = io.now();
  const range = reportRange(nowMs, period, count);
  const source = await sourceFrom({ baseUrl: values['base-url'], sample: values.sample }, io);
  const data = await loadReportData(source, nowMs, range, by);
  const rows = reportRows(data, range, period, by);
  const m = (v: number): number => Math.round(v * 1e6) / 1e6;

  if (values.json) {
    io.out(JSON.stringify({ period, from: isoDate(range.start), to: isoDate(range.end - 1), currency: data.currency, ...(by ? { by } : {}), rows: rows.map((r) => ({ ...r, ...(r.spend === undefined ? {} : { spend: m(r.spend) }) })) }, null, 2));
    return;
  }
  const head = [period, ...(by ? [by, ...(by === 'project' ? ['name'] : [])] : []), ...(by === 'model' ? [] : [`spend_${data.currency}`]), 'input_tokens', 'output_tokens', 'cached_tokens', 'requests'];
  const cells = (r: ReportRow, money: (v: number) => string, count: (v: number) => string): string[] => [
    r.period,
    ...(by ? [r.group ?? '', ...(by === 'project' ? [r.name ?? ''] : [])] : []),
    ...(by === 'model' ? [] : [money(r.spend ?? 0)]),
    count(r.inputTokens),
    count(r.outputTokens),
    count(r.cachedTokens),
    count(r.requests),
  ];
  if (values.csv) {
    io.out([head, ...rows.map((r) => cells(r, (v) => String(m(v)), String))].map((r) => r.map(csvCell).join(',')).join('\n'));
    return;
  }
  const firstNumber = head.length - (by === 'model' ? 4 : 5);
  const right = new Set(head.map((_, i) => i).filter((i) => i >= firstNumber));
  io.out(table([head, ...rows.map((r) => cells(r, (v) => formatMoney(v, data.currency), formatCount))], right));
}
