// The dashboard's UI state: defaults, repair of restored state, and which part of it decides the
// data. Pure (no vscode, no DOM): the host and the webview both use it.
import { ENDPOINTS } from './endpoints';
import type { EndpointId, UsageQuery } from './endpoints';
import { PRESET_DAYS } from './protocol';
import type { Filters, Range, TabId, TabSettings, UiState } from './protocol';

export const EMPTY_FILTERS: Filters = {
  userIds: [],
  apiKeyIds: [],
  models: [],
  sources: [],
  sizes: [],
  batch: 'any',
  vectorStoreIds: [],
  contextLevels: [],
};

/** The tabs that show one endpoint (everything but the overview and attribution). */
export function isEndpointTab(tab: TabId): tab is EndpointId {
  return tab !== 'overview' && tab !== 'attribution';
}

/** A fresh panel: the overview over the configured default range (a preset when it is one). */
export function defaultUiState(defaultRangeDays: number): UiState {
  return {
    version: 1,
    tab: 'overview',
    range: presetOrCustomRange(defaultRangeDays),
    projectIds: [],
    overview: { stackBy: 'project' },
    tabs: {},
  };
}

/**
 * openaiUsage.defaultRangeDays may be any number of days; 7/30/90 become presets, anything else the
 * matching custom range ending today (UTC).
 */
export function presetOrCustomRange(days: number, nowMs: number = Date.now()): Range {
  const preset = PRESET_DAYS.find((d) => d === days);
  if (preset !== undefined) return { kind: 'preset', days: preset };
  const n = Math.min(Math.max(1, Math.round(Number.isFinite(days) ? days : 30)), 366);
  const end = new Date(nowMs).toISOString().slice(0, 10);
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - (n - 1) * 86_400_000).toISOString().slice(0, 10);
  return { kind: 'custom', start, end };
}

export function defaultTabSettings(endpoint: EndpointId): TabSettings {
  const spec = ENDPOINTS[endpoint];
  return {
    width: '1d',
    // Costs by project and usage by model are what people look for first.
    groupBy: endpoint === 'costs' ? 'project_id' : spec.groupBy.includes('model') ? 'model' : spec.groupBy[0] ?? 'none',
    metric: spec.metrics[0] ?? 'amount',
    filters: EMPTY_FILTERS,
  };
}

/**
 * The settings of one tab, repaired so they are valid for that endpoint: restored state from an
 * older build, or a hand-made message, never produces a query the API answers with 400.
 */
export function tabSettings(ui: UiState, endpoint: EndpointId): TabSettings {
  const spec = ENDPOINTS[endpoint];
  const base = defaultTabSettings(endpoint);
  const s = ui.tabs[endpoint];
  if (!s) return base;
  const allowed = new Set<string>(spec.filters);
  const f = s.filters;
  return {
    width: spec.widths.includes(s.width) ? s.width : base.width,
    groupBy: s.groupBy === 'none' || spec.groupBy.includes(s.groupBy) ? s.groupBy : base.groupBy,
    metric: spec.metrics.includes(s.metric) ? s.metric : base.metric,
    filters: {
      userIds: allowed.has('userIds') ? f.userIds : [],
      apiKeyIds: allowed.has('apiKeyIds') ? f.apiKeyIds : [],
      models: allowed.has('models') ? f.models : [],
      sources: allowed.has('sources') ? f.sources : [],
      sizes: allowed.has('sizes') ? f.sizes : [],
      batch: allowed.has('batch') ? f.batch : 'any',
      vectorStoreIds: allowed.has('vectorStoreIds') ? f.vectorStoreIds ?? [] : [],
      contextLevels: allowed.has('contextLevels') ? f.contextLevels ?? [] : [],
    },
    sort: s.sort,
  };
}

/**
 * The part of the UI state that decides which data is needed. Sorting, the chart's metric and the
 * overview's stacking are display-only: changing them must not start a new query.
 */
export function dataKey(ui: UiState): string {
  const base = { range: ui.range, projectIds: [...ui.projectIds].sort() };
  if (!isEndpointTab(ui.tab)) return JSON.stringify({ tab: ui.tab, ...base });
  const s = tabSettings(ui, ui.tab);
  const f = s.filters;
  return JSON.stringify({
    tab: ui.tab,
    ...base,
    width: s.width,
    groupBy: s.groupBy,
    filters: {
      userIds: [...f.userIds].sort(),
      apiKeyIds: [...f.apiKeyIds].sort(),
      models: [...f.models].sort(),
      sources: [...f.sources].sort(),
      sizes: [...f.sizes].sort(),
      batch: f.batch,
      vectorStoreIds: [...(f.vectorStoreIds ?? [])].sort(),
      contextLevels: [...(f.contextLevels ?? [])].sort(),
    },
  });
}

/** The UsageQuery (without its time window) of an endpoint tab. */
export function queryFilters(ui: UiState, endpoint: EndpointId): Omit<UsageQuery, 'startTime' | 'endTime' | 'bucketWidth'> {
  const s = tabSettings(ui, endpoint);
  const f = s.filters;
  const nonEmpty = (xs: readonly string[]): readonly string[] | undefined => (xs.length ? xs : undefined);
  return {
    endpoint,
    groupBy: s.groupBy === 'none' ? undefined : [s.groupBy],
    projectIds: nonEmpty(ui.projectIds),
    userIds: nonEmpty(f.userIds),
    apiKeyIds: nonEmpty(f.apiKeyIds),
    models: nonEmpty(f.models),
    sources: nonEmpty(f.sources),
    sizes: nonEmpty(f.sizes),
    batch: f.batch === 'any' ? undefined : f.batch === 'true',
    vectorStoreIds: nonEmpty(f.vectorStoreIds ?? []),
    contextLevels: nonEmpty(f.contextLevels ?? []),
  };
}
