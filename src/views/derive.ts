import { summarize } from '../report/summary';
import type { Summary } from '../report/summary';
import type { UsageSnapshot } from '../shared/snapshot';
import type { TreeData } from './treeText';
import type { StatusFigures } from './statusText';

export interface DerivedViews {
  readonly status: StatusFigures;
  readonly tree: TreeData;
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

/** What the status bar and the tree show, derived from the snapshot each time (never stored). */
export function deriveViews(snapshot: UsageSnapshot, nowMs: number, rangeDays: number): DerivedViews {
  const s = summarize(snapshot, { nowMs, rangeDays });
  return { status: statusFigures(s), tree: treeData(s) };
}
