import { summarize, summarizeSliced } from '../report/summary';
import type { SliceOptions } from '../report/steps';
import type { Summary } from '../report/summary';
import type { UsageSnapshot } from '../shared/snapshot';
import { keyModelUsage, keySpend } from '../report/report';
import { keyLines, nameIndex, unreadableNote } from '../report/names';
import { rangeForDays } from '../shared/time';
import type { TreeData, TreeKey, TreeModelTotal } from './treeText';
import type { StatusFigures } from './statusText';

export interface DerivedViews {
  readonly status: StatusFigures;
  readonly tree: TreeData;
  /** The quiet note when key names could not be read (the tree's message when grouped by key). */
  readonly keyNote?: string;
}

/** The status bar's figures: a projection of the summary (the main currency, the others beside it). */
export function statusFigures(s: Summary): StatusFigures {
  return {
    currency: s.currency,
    today: s.today,
    yesterday: s.yesterday,
    monthToDate: s.monthToDate,
    forecastMonthEnd: s.forecastMonthEnd,
    topProjectsToday: s.topProjectsToday,
    fetchedAt: s.fetchedAt,
    ...(s.todayEstimate ? { todayEstimate: s.todayEstimate } : {}),
    ...(s.yesterdayEstimate ? { yesterdayEstimate: s.yesterdayEstimate } : {}),
    ...(s.currencies.length > 1
      ? {
          otherCurrencies: s.currencies.slice(1).map((c) => {
            const t = s.byCurrency[c];
            return { currency: c, today: t?.today ?? 0, yesterday: t?.yesterday ?? 0, monthToDate: t?.monthToDate ?? 0, forecastMonthEnd: t?.forecastMonthEnd ?? 0 };
          }),
        }
      : {}),
  };
}

/** The tree's data: a projection of the summary. */
export function treeData(s: Summary): TreeData {
  return {
    currency: s.currency,
    rangeDays: s.rangeDays,
    projects: s.projects.map((p) => ({
      id: p.id,
      name: p.name,
      archived: p.archived,
      spend: p.spend,
      spends: p.spends,
      models: p.models,
      lineItems: p.lineItems,
    })),
  };
}

/** Each model over every project, with the projects using it (the report's per-project rows). */
export function modelTotals(s: Summary): TreeModelTotal[] {
  const names = new Map(s.projects.map((p) => [p.id, p.name]));
  return s.tokensByModel.map((m) => ({
    model: m.model,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    requests: m.requests,
    projects: s.models
      .filter((x) => x.model === m.model)
      .map((x) => ({ projectId: x.projectId, projectName: names.get(x.projectId) ?? x.projectId, model: x.model, inputTokens: x.inputTokens, outputTokens: x.outputTokens, requests: x.requests }))
      .sort((a, b) => b.requests - a.requests || a.projectName.localeCompare(b.projectName)),
  }));
}

/** Each API key with its spend (keySpend), name, owner and project, and its models (keyModels). */
export function treeKeys(snapshot: UsageSnapshot, currency: string, nowMs: number, rangeDays: number): TreeKey[] {
  const range = rangeForDays(nowMs, rangeDays);
  const names = nameIndex(snapshot.projects, snapshot.names);
  const lines = keyLines(keySpend(snapshot.keyCosts ?? [], range, currency), names);
  const usage = new Map(keyModelUsage(snapshot.keyModels ?? [], range).map((k) => [k.id, k.models]));
  const keys: TreeKey[] = lines.map((k) => ({ ...k, models: usage.get(k.id) ?? [] }));
  // Keys with requests but no spend yet (costs arrive later) are listed too, after the rest.
  const seen = new Set(lines.map((k) => k.id));
  for (const [id, models] of usage) {
    if (seen.has(id)) continue;
    const [line] = keyLines([{ id, projectId: undefined, spend: 0 }], names);
    if (line) keys.push({ ...line, models });
  }
  return keys;
}

/** What the status bar and the tree show, derived from the snapshot (never stored). */
export function deriveViews(snapshot: UsageSnapshot, nowMs: number, rangeDays: number): DerivedViews {
  return viewsOf(snapshot, summarize(snapshot, { nowMs, rangeDays }), nowMs, rangeDays);
}

/** `deriveViews` computed in slices that give the event loop back (report/steps.ts): the same views. */
export async function deriveViewsSliced(snapshot: UsageSnapshot, nowMs: number, rangeDays: number, slices?: SliceOptions): Promise<DerivedViews> {
  return viewsOf(snapshot, await summarizeSliced(snapshot, { nowMs, rangeDays }, slices), nowMs, rangeDays);
}

function viewsOf(snapshot: UsageSnapshot, s: Summary, nowMs: number, rangeDays: number): DerivedViews {
  const keyNote = unreadableNote(nameIndex(snapshot.projects, snapshot.names), ['apiKeys']);
  return {
    status: statusFigures(s),
    tree: { ...treeData(s), keys: treeKeys(snapshot, s.currency, nowMs, rangeDays), models: modelTotals(s) },
    ...(keyNote === undefined ? {} : { keyNote }),
  };
}

/** Rows in a snapshot's costs and usage: how much a pass over it costs. */
export function snapshotRows(snapshot: UsageSnapshot): number {
  let n = 0;
  for (const b of snapshot.costs) n += b.rows.length;
  for (const buckets of Object.values(snapshot.usage)) for (const b of buckets ?? []) n += b.rows.length;
  return n;
}
