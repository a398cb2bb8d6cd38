import { summarize } from '../report/summary';
import type { UsageSnapshot } from '../shared/snapshot';
import type { TreeData } from './projectsTree';
import type { StatusFigures } from './statusText';

export interface DerivedViews {
  readonly status: StatusFigures;
  readonly tree: TreeData;
}

/** What the status bar and the tree show, derived from the snapshot each time (never stored). */
export function deriveViews(snapshot: UsageSnapshot, nowMs: number, rangeDays: number): DerivedViews {
  const s = summarize(snapshot, { nowMs, rangeDays });
  return {
    status: {
      currency: s.currency,
      today: s.today,
      yesterday: s.yesterday,
      monthToDate: s.monthToDate,
      forecastMonthEnd: s.forecastMonthEnd,
      topProjectsToday: s.topProjectsToday,
      fetchedAt: s.fetchedAt,
    },
    tree: {
      currency: s.currency,
      rangeDays: s.rangeDays,
      projects: s.projects.map((p) => ({
        id: p.id,
        name: p.name,
        archived: p.archived,
        spend: p.spend,
        models: p.models,
        lineItems: p.lineItems,
      })),
    },
  };
}
