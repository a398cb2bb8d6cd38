// What Export Usage… writes: the view the panel shows, or (nothing shown) the overview from the
// snapshot, or a message that says why there is nothing. Pure (no vscode): unit-tested.
import type { EndpointId, Project, UsageBucket } from '../shared/endpoints';
import type { AttributionData, CompletionsMix, GroupChoice, NameTable, OverviewData, UiState, Window } from '../shared/protocol';
import type { UsageSnapshot } from '../shared/snapshot';
import type { ExportMeta } from './exportFormat';
import { isoTime } from '../shared/labels';
import { buildOverview } from './overview';
import { keySpendTable, overviewTable, sortRows, usageTable } from './table';
import type { DataTable } from './table';
import { dataKey, tabSettings } from '../shared/uiState';
import { resolveRange } from '../shared/queryWindow';

/** An endpoint tab's data: one query's buckets and what was asked. */
export interface TabResult {
  readonly endpoint: EndpointId;
  readonly window: Window;
  readonly groupBy: GroupChoice;
  readonly buckets: UsageBucket[];
  readonly currency: string;
  /** Completions only: cache hits, batch share and service tiers over the same window. */
  readonly mix?: CompletionsMix;
}

/** What a view shows, kept so Export writes exactly that. */
export type Shown =
  | { readonly kind: 'overview'; readonly key: string; readonly ui: UiState; readonly data: OverviewData }
  | { readonly kind: 'tab'; readonly key: string; readonly ui: UiState; readonly result: TabResult }
  | { readonly kind: 'attribution'; readonly key: string; readonly ui: UiState; readonly data: AttributionData };

export interface ExportContent {
  readonly table: DataTable;
  readonly meta: ExportMeta;
  /** File name without extension. */
  readonly name: string;
}

/** The export of a shown view: its table in the on-screen order, and the context to name it. */
export function shownExport(
  shown: Shown,
  ui: UiState,
  source: 'api' | 'sample',
  projects: readonly Project[],
  exportedAt: string = new Date().toISOString(),
  names?: NameTable,
): ExportContent {
  if (shown.kind === 'overview') {
    const d = shown.data;
    const table = overviewTable(d, ui.overview.stackBy);
    const rows = sortRows(table, ui.overview.sort);
    return {
      table: { ...table, rows },
      name: `openai-usage-overview-${isoTime(d.startTime).slice(0, 10)}_${isoTime(d.endTime - 1).slice(0, 10)}`,
      meta: {
        view: 'overview',
        source,
        start: isoTime(d.startTime),
        end: isoTime(d.endTime),
        bucketWidth: '1d',
        groupBy: ui.overview.stackBy === 'project' ? 'project_id' : 'line_item',
        filters: ui.projectIds.length ? { projectIds: ui.projectIds } : undefined,
        currency: d.currency,
        exportedAt,
        // The JSON carries what the view shows beside the table (CSV keeps to the table).
        cards: d.cards,
        tokensByModel: d.tokensByModel,
        ...(d.byCurrency ? { byCurrency: d.byCurrency } : {}),
      },
    };
  }
  if (shown.kind === 'attribution') {
    const d = shown.data;
    const table = keySpendTable(d);
    return {
      table,
      name: `openai-usage-attribution-${isoTime(d.startTime).slice(0, 10)}_${isoTime(d.endTime - 1).slice(0, 10)}`,
      meta: {
        view: 'attribution',
        source,
        start: isoTime(d.startTime),
        end: isoTime(d.endTime),
        bucketWidth: '1d',
        groupBy: 'api_key_id',
        filters: ui.projectIds.length ? { projectIds: ui.projectIds } : undefined,
        currency: d.currency,
        exportedAt,
      },
    };
  }
  const r = shown.result;
  const settings = tabSettings(ui, r.endpoint);
  const projectNames = Object.fromEntries(projects.map((p) => [p.id, p.name || p.id]));
  const table = usageTable({ endpoint: r.endpoint, buckets: r.buckets, groupBy: r.groupBy, width: r.window.width, currency: r.currency, projectNames, names });
  const rows = sortRows(table, settings.sort);
  const filters: Record<string, unknown> = {};
  if (ui.projectIds.length) filters.projectIds = ui.projectIds;
  for (const [k, v] of Object.entries(settings.filters)) if (Array.isArray(v) ? v.length > 0 : v !== 'any') filters[k] = v;
  return {
    table: { ...table, rows },
    name: `openai-usage-${r.endpoint}-${isoTime(r.window.startTime).slice(0, 10)}_${isoTime(r.window.endTime - 1).slice(0, 10)}`,
    meta: {
      view: r.endpoint,
      source,
      start: isoTime(r.window.startTime),
      end: isoTime(r.window.endTime),
      bucketWidth: r.window.width,
      groupBy: settings.groupBy === 'none' ? undefined : settings.groupBy,
      filters: Object.keys(filters).length ? filters : undefined,
      currency: r.currency,
      exportedAt,
    },
  };
}

/**
 * The overview of the snapshot, for Export when no view is shown (no panel, or a panel still
 * loading or failed): the panel's range and projects when it has them, clipped to the snapshot,
 * since export must never start requests.
 */
export function snapshotOverviewExport(snapshot: UsageSnapshot, ui: UiState, nowMs: number, budget: number): ExportContent {
  const range = resolveRange(ui.range, nowMs);
  const start = Math.max(range.start, snapshot.rangeStart);
  const clipped = { start, end: Math.max(start, Math.min(range.end, snapshot.rangeEnd)) };
  const overviewUi: UiState = { ...ui, tab: 'overview' };
  const data = buildOverview({
    nowMs,
    range: clipped,
    currency: snapshot.currency,
    budget,
    projectIds: ui.projectIds,
    projects: snapshot.projects,
    rangeCosts: snapshot.costs,
    monthCosts: snapshot.costs,
    usage: snapshot.usage,
  });
  return shownExport({ kind: 'overview', key: dataKey(overviewUi), ui: overviewUi, data }, overviewUi, snapshot.source, snapshot.projects);
}
