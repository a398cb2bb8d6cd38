// `daily` and `monthly`: spend, tokens and requests per UTC day or month, in all or by project,
// model or API key. Every figure is the one engine's: one `buildReport` per period (spend, tokens,
// requests, its projects and models) and, by key, `keySpend`/`keyModelUsage` over the snapshot's
// keyCosts/keyModels. Nothing here sums rows.
import { parseArgs } from 'node:util';
import type { UsageBucket } from '../shared/endpoints';
import type { UsageSnapshot } from '../shared/snapshot';
import { buildReport, keyModelUsage, keySpend, projectUsage } from '../report/report';
import { nameIndex, noKeyLabel, unreadableNote } from '../report/names';
import type { NameIndex } from '../report/names';
import { csvText } from '../report/exportFormat';
import { formatCount, formatMoney } from '../shared/format';
import { addDays, dayStartOfMs, daysBetween, isoDate, monthStart, rangeForDays } from '../shared/time';
import type { TimeRange } from '../shared/time';
import { loadSnapshot } from '../usage/loader';
import type { CommandIo } from './common';
import { CommandError, argError, positiveInt, sourceFrom, withDeadline } from './common';
import * as l10n from '@vscode/l10n';

export const REPORT_GROUPS = ['project', 'model', 'key'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export type Period = 'day' | 'month';


export interface ReportRow {
  /** 'YYYY-MM-DD' or 'YYYY-MM'. */
  readonly period: string;
  /** The group's id (project id, model, key id) when grouped; '' for rows without one. */
  readonly group?: string;
  readonly name?: string;
  /** Why a key's name is its ID: a deleted or unknown key, or names not readable with this key. */
  readonly nameMissing?: 'unknown' | 'unreadable';
  /** Undefined where costs are not split this way (by model). */
  readonly spend: number | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedTokens: number;
  readonly requests: number;
}

const periodOf = (sec: number, period: Period): string => (period === 'day' ? isoDate(sec) : isoDate(sec).slice(0, 7));

/** The periods of a range, oldest first: each UTC day, or each calendar month (cut to the range). */
export function periodRanges(range: TimeRange, period: Period): { label: string; range: TimeRange }[] {
  const out: { label: string; range: TimeRange }[] = [];
  for (let d = range.start; d < range.end; d = addDays(d, 1)) {
    const label = periodOf(d, period);
    const last = out.at(-1);
    if (last && last.label === label) out[out.length - 1] = { label, range: { start: last.range.start, end: addDays(d, 1) } };
    else out.push({ label, range: { start: d, end: addDays(d, 1) } });
  }
  return out;
}

const within = (buckets: readonly UsageBucket[] | undefined, r: TimeRange): UsageBucket[] => (buckets ?? []).filter((b) => b.startTime >= r.start && b.startTime < r.end);

function keyRows(snapshot: UsageSnapshot, label: string, r: TimeRange, names: NameIndex): ReportRow[] {
  const spend = keySpend(within(snapshot.keyCosts, r), r, snapshot.currency);
  const usage = new Map(keyModelUsage(within(snapshot.keyModels, r), r).map((k) => [k.id, k]));
  const ids = [...new Set([...spend.map((k) => k.id), ...usage.keys()])];
  const spendOf = new Map(spend.map((k) => [k.id, k.spend]));
  return ids.map((id): ReportRow => {
    const n = id === '' ? { label: noKeyLabel() } : names.apiKey(id);
    const u = usage.get(id);
    return {
      period: label,
      group: id,
      name: n.label,
      ...('missing' in n && n.missing !== undefined ? { nameMissing: n.missing } : {}),
      spend: spendOf.get(id) ?? 0,
      inputTokens: u?.inputTokens ?? 0,
      outputTokens: u?.outputTokens ?? 0,
      cachedTokens: u?.cachedTokens ?? 0,
      requests: u?.requests ?? 0,
    };
  });
}

/**
 * Rows per period (and group), oldest first, every period of the range present when not grouped;
 * within a period, most spend first, then most requests.
 */
export function reportRows(snapshot: UsageSnapshot, range: TimeRange, period: Period, nowMs: number, by?: ReportGroup): ReportRow[] {
  const names = nameIndex(snapshot.projects, snapshot.names);
  const rows: ReportRow[] = [];
  for (const { label, range: r } of periodRanges(range, period)) {
    let group: ReportRow[];
    if (by === 'key') {
      group = keyRows(snapshot, label, r, names);
    } else {
      const usage: Record<string, UsageBucket[]> = {};
      for (const [id, buckets] of Object.entries(snapshot.usage)) usage[id] = within(buckets, r);
      const report = buildReport({ nowMs, range: r, projects: snapshot.projects, costs: within(snapshot.costs, r), usage, currency: snapshot.currency });
      // The snapshot's currency, whichever is the main one of this period alone.
      const inCurrency = (spends: readonly { currency: string; amount: number }[]): number => spends.find((m) => m.currency === snapshot.currency)?.amount ?? 0;
      if (by === 'project') {
        group = report.projects.map((p) => ({ period: label, group: p.id, name: p.name, spend: inCurrency(p.spends), ...projectUsage(p) }));
      } else if (by === 'model') {
        group = report.tokensByModel.map(({ model, ...u }) => ({ period: label, group: model, name: model, spend: undefined, ...u }));
      } else {
        const t = report.byCurrency[snapshot.currency];
        group = [{ period: label, spend: t?.rangeTotal ?? 0, inputTokens: report.tokens.input, outputTokens: report.tokens.output, cachedTokens: report.tokens.cached, requests: report.requests }];
      }
    }
    group.sort((a, b) => (b.spend ?? 0) - (a.spend ?? 0) || b.requests - a.requests || (a.group ?? '').localeCompare(b.group ?? ''));
    rows.push(...group);
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

/** The one snapshot a report reads: costs, usage, spend by key and names, as the extension loads them. */
export function loadReportSnapshot(source: Parameters<typeof loadSnapshot>[0], nowMs: number, range: TimeRange, signal?: AbortSignal): Promise<UsageSnapshot> {
  return loadSnapshot(source, { nowMs, rangeDays: daysBetween(range.start, range.end), ...(signal ? { signal } : {}) });
}

/** One quiet stderr note when a part of the names could not be read (not an error). */
export function namesNotes(snapshot: UsageSnapshot, parts: readonly ('apiKeys' | 'users')[]): string[] {
  const note = unreadableNote(nameIndex(snapshot.projects, snapshot.names), parts);
  return note === undefined ? [] : [l10n.t('Note: {0}', note)];
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function reportsHelp(): string {
  return `  daily                   ${l10n.t('spend, tokens and requests per UTC day (--days N, default 30)')}
  monthly                 ${l10n.t('the same per calendar month (--months N, default 3)')}
      --by project|model|key   ${l10n.t('one row per project, model or API key (name and id) in each period')}`;
}

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
  if (period === 'day' && values.months !== undefined) throw new CommandError(l10n.t('daily takes --days, not --months.'));
  if (period === 'month' && values.days !== undefined) throw new CommandError(l10n.t('monthly takes --months, not --days.'));
  const count = period === 'day' ? positiveInt(values.days, 'days', 30, 400) : positiveInt(values.months, 'months', 3, 13);
  const by = values.by === undefined ? undefined : REPORT_GROUPS.find((g) => g === values.by);
  if (values.by !== undefined && !by) throw new CommandError(l10n.t('--by must be one of {0}, not "{1}".', REPORT_GROUPS.join(', '), values.by));
  if (values.json && values.csv) throw new CommandError(l10n.t('Choose one of --json and --csv.'));

  const nowMs = io.now();
  const range = reportRange(nowMs, period, count);
  const source = await sourceFrom({ baseUrl: values['base-url'], sample: values.sample }, io);
  const snapshot = await withDeadline(io.env, (signal) => loadReportSnapshot(source, nowMs, range, signal));
  const rows = reportRows(snapshot, range, period, nowMs, by);
  const currency = snapshot.currency;
  const m = (v: number): number => Math.round(v * 1e6) / 1e6;
  if (by === 'key') for (const note of namesNotes(snapshot, ['apiKeys'])) io.err(note);

  if (values.json) {
    io.out(JSON.stringify({ period, from: isoDate(range.start), to: isoDate(range.end - 1), currency, ...(by ? { by } : {}), rows: rows.map((r) => ({ ...r, ...(r.spend === undefined ? {} : { spend: m(r.spend) }) })) }, null, 2));
    return;
  }
  const named = by === 'project' || by === 'key';
  const head = [period, ...(by ? [by, ...(named ? ['name'] : [])] : []), ...(by === 'model' ? [] : [`spend_${currency}`]), 'input_tokens', 'output_tokens', 'cached_tokens', 'requests'];
  const cells = <T>(r: ReportRow, money: (v: number) => T, count: (v: number) => T, name: (r: ReportRow) => string): (string | T)[] => [
    r.period,
    ...(by ? [r.group ?? '', ...(named ? [name(r)] : [])] : []),
    ...(by === 'model' ? [] : [money(r.spend ?? 0)]),
    count(r.inputTokens),
    count(r.outputTokens),
    count(r.cachedTokens),
    count(r.requests),
  ];
  if (values.csv) {
    io.out(csvText(head, rows.map((r) => cells(r, m, (v) => v, (x) => x.name ?? ''))).trimEnd());
    return;
  }
  const shown = (r: ReportRow): string => (r.nameMissing === 'unknown' ? l10n.t('{0} (deleted or unknown key)', r.name ?? '') : (r.name ?? ''));
  const firstNumber = head.length - (by === 'model' ? 4 : 5);
  const right = new Set(head.map((_, i) => i).filter((i) => i >= firstNumber));
  io.out(table([head, ...rows.map((r) => cells(r, (v) => formatMoney(v, currency), formatCount, shown))], right));
}
