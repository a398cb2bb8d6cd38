// The one message protocol between the dashboard host (src/panel/dashboard.ts) and the webview
// (webview/main.ts). Every message is a zod schema; the TypeScript types come from z.infer, so the
// two sides cannot drift. The host validates everything the webview sends; the webview validates
// what the host sends. No message carries the admin key: nothing here has a field for it.
//
// The webview bundle imports this file too, so the schemas must be built after
// `z.config({ jitless: true })` has run (webview/zodConfig.ts): zod decides at construction time
// whether to compile parsers with `new Function`, which the webview's CSP forbids.
// zod/mini, not classic zod: classic drags every locale into the webview bundle (~450 KB).
import * as z from 'zod/mini';
import { BUCKET_WIDTHS, DIMENSIONS, ENDPOINT_IDS } from './endpoints';
import { ERROR_CODES } from './errorCode';

// ---- shared pieces ------------------------------------------------------------------------------

/** Longest ID (or model name) and most values a filter may hold. */
export const MAX_ID_LENGTH = 200;
export const MAX_LIST_LENGTH = 100;

/** A UTC calendar day, 'YYYY-MM-DD', that really exists. */
export const IsoDaySchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/),
  z.refine((s: string) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s;
  }, 'not a calendar date'),
);

/** The `kind` of an error the host reports: its code (src/shared/errorCode.ts), never a class name. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const TAB_IDS = ['overview', 'attribution', ...ENDPOINT_IDS] as const;
export const TabIdSchema = z.enum(TAB_IDS);
export type TabId = z.infer<typeof TabIdSchema>;

export const EndpointIdSchema = z.enum(ENDPOINT_IDS);
export const BucketWidthSchema = z.enum(BUCKET_WIDTHS);
export const DimensionSchema = z.enum(DIMENSIONS);

export const PRESET_DAYS = [7, 30, 90] as const;
/** Longest custom range: a year (plus a leap day) keeps the overview and cost pages bounded. */
export const MAX_CUSTOM_DAYS = 366;

/** Today's UTC date, 'YYYY-MM-DD': the latest day a custom range may end on. */
export function todayIso(nowMs: number = Date.now()): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export const RangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('preset'), days: z.literal(PRESET_DAYS) }),
  z.object({ kind: z.literal('custom'), start: IsoDaySchema, end: IsoDaySchema }).check(
    z.refine((r: { start: string; end: string }) => r.start <= r.end, 'start after end'),
    // No usage exists after today; a future end would also make an inverted query window.
    z.refine((r: { start: string; end: string }) => r.end <= todayIso(), 'end after today (UTC)'),
    z.refine(
      (r: { start: string; end: string }) =>
        (Date.parse(`${r.end}T00:00:00Z`) - Date.parse(`${r.start}T00:00:00Z`)) / 86_400_000 < MAX_CUSTOM_DAYS,
      'range too long',
    ),
  ),
]);
export type Range = z.infer<typeof RangeSchema>;

const IdSchema = z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH));
const IdListSchema = z.array(IdSchema).check(z.maxLength(MAX_LIST_LENGTH));

export const BatchFilterSchema = z.enum(['any', 'true', 'false']);

/** Per-tab filters. Projects are global (UiState.projectIds) because every endpoint takes them. */
export const FiltersSchema = z.object({
  userIds: IdListSchema,
  apiKeyIds: IdListSchema,
  models: IdListSchema,
  sources: IdListSchema,
  sizes: IdListSchema,
  batch: BatchFilterSchema,
  // Added with the 2026 endpoints: optional, as state saved by an older build has neither.
  vectorStoreIds: z.optional(IdListSchema),
  contextLevels: z.optional(IdListSchema),
});
export type Filters = z.infer<typeof FiltersSchema>;

export const SortSchema = z.object({
  column: z.string().check(z.minLength(1), z.maxLength(64)),
  direction: z.enum(['ascending', 'descending']),
});
export type Sort = z.infer<typeof SortSchema>;

/** 'none' = not grouped: one total per bucket. */
export const GroupChoiceSchema = z.union([DimensionSchema, z.literal('none')]);
export type GroupChoice = z.infer<typeof GroupChoiceSchema>;

export const TabSettingsSchema = z.object({
  width: BucketWidthSchema,
  groupBy: GroupChoiceSchema,
  /** The metric the chart shows (the table shows all of them). */
  metric: z.string().check(z.minLength(1), z.maxLength(64)),
  filters: FiltersSchema,
  sort: z.optional(SortSchema),
});
export type TabSettings = z.infer<typeof TabSettingsSchema>;

export const StackBySchema = z.enum(['project', 'line_item']);
export type StackBy = z.infer<typeof StackBySchema>;

/**
 * Everything the user chose in the panel. It is what the webview keeps with setState (UI state
 * only, never data) and what it sends the host so the host knows what to fetch and export.
 */
export const UiStateSchema = z.object({
  version: z.literal(1),
  tab: TabIdSchema,
  range: RangeSchema,
  projectIds: IdListSchema,
  overview: z.object({ stackBy: StackBySchema, sort: z.optional(SortSchema) }),
  tabs: z.partialRecord(EndpointIdSchema, TabSettingsSchema),
});
export type UiState = z.infer<typeof UiStateSchema>;

/** Commands the webview may ask the host to run (exactly those its buttons send); anything else is refused. */
export const ALLOWED_COMMANDS = ['openaiUsage.setAdminKey', 'openaiUsage.useSampleData', 'openaiUsage.refresh', 'openaiUsage.export'] as const;
export const AllowedCommandSchema = z.enum(ALLOWED_COMMANDS);
export type AllowedCommand = z.infer<typeof AllowedCommandSchema>;

// ---- webview → host -----------------------------------------------------------------------------

export const WebviewMessageSchema = z.discriminatedUnion('type', [
  /** The webview has loaded and listens; the host posts nothing before this. */
  z.object({ type: z.literal('ready') }),
  /** The user's choices changed (or were restored); the host fetches what they need. */
  z.object({ type: z.literal('view'), ui: UiStateSchema }),
  /** Run the current query again (after an error). */
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('command'), command: AllowedCommandSchema }),
  /** A script error or CSP violation in the webview, for the log. */
  z.object({ type: z.literal('clientError'), message: z.string().check(z.maxLength(2000)) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

// ---- host → webview -----------------------------------------------------------------------------

const FiniteSchema = z.number().check(z.refine((n: number) => Number.isFinite(n), 'not finite'));
const UnixSecondsSchema = z.int().check(z.nonnegative());

/** UsageRow of src/shared/endpoints.ts, on the wire. */
export const RowSchema = z.readonly(
  z.object({
    values: z.readonly(z.record(z.string(), FiniteSchema)),
    dims: z.readonly(z.partialRecord(DimensionSchema, z.string())),
    currency: z.optional(z.string()),
    quantityUnit: z.optional(z.string()),
  }),
);
/** UsageBucket of src/shared/endpoints.ts, on the wire. */
export const BucketSchema = z.readonly(
  z.object({
    startTime: UnixSecondsSchema,
    endTime: UnixSecondsSchema,
    rows: z.readonly(z.array(RowSchema)),
  }),
);

export const ProjectInfoSchema = z.object({ id: z.string(), name: z.string(), archived: z.boolean() });
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

/** Values seen so far for the filters that have no list endpoint (models, keys, users…). */
export const FilterOptionsSchema = z.object({
  models: z.array(z.string()),
  apiKeyIds: z.array(z.string()),
  userIds: z.array(z.string()),
  sources: z.array(z.string()),
  sizes: z.array(z.string()),
  vectorStoreIds: z.array(z.string()),
  contextLevels: z.array(z.string()),
});
export type FilterOptions = z.infer<typeof FilterOptionsSchema>;

export const ProjectBudgetSchema = z.object({
  projectId: z.string(),
  name: z.string(),
  /** Dollars; absent when no limit is set or it cannot be read. */
  limit: z.optional(FiniteSchema),
  currency: z.string(),
  enforcing: z.boolean(),
  reading: z.enum(['none', 'set', 'unreadable']),
  monthToDate: FiniteSchema,
  percent: z.optional(FiniteSchema),
});
export type ProjectBudgetInfo = z.infer<typeof ProjectBudgetSchema>;
const NamedKeySchema = z.object({ label: z.string(), owner: z.optional(z.string()), projectId: z.optional(z.string()) });
/**
 * The name directory, compact: API key and user IDs → their names (projects are in `projects`).
 * `known`: a directory was read at all; `unreadable`: the parts this key may not list.
 */
export const NameTableSchema = z.object({
  known: z.boolean(),
  apiKeys: z.record(z.string(), NamedKeySchema),
  users: z.record(z.string(), z.object({ label: z.string() })),
  unreadable: z.array(z.enum(['apiKeys', 'adminKeys', 'users'])),
});
export type NameTable = z.infer<typeof NameTableSchema>;

export const StatusSchema = z.object({
  mode: z.enum(['none', 'api', 'team', 'sample']),
  loading: z.boolean(),
  error: z.optional(z.object({ message: z.string(), kind: ErrorCodeSchema })),
  staleSince: z.optional(z.number()),
  /** Usage endpoints the last refresh could not read: their tabs show older data, or none; spend is fresh. */
  partial: z.optional(z.array(z.object({ endpoint: z.string(), code: ErrorCodeSchema, message: z.string(), since: z.number() }))),
  fetchedAt: z.optional(z.number()),
  currency: z.string(),
  /** The budget in force (dollars): the organisation's hard spend limit, else openaiUsage.monthlyBudget; 0 = none. */
  budget: FiniteSchema,
  /** Where `budget` comes from: the API's hard limit or the personal setting; absent when none. */
  budgetSource: z.optional(z.enum(['spendLimit', 'setting'])),
  /** For a spend limit: whether the API enforces it. */
  budgetEnforcing: z.optional(z.boolean()),
  /** The organisation's limit as read: 'unreadable' = this key may not read it (say so quietly). Absent before it is read. */
  spendLimit: z.optional(z.enum(['none', 'set', 'unreadable'])),
  /** Which budget is used, in words, for the dashboard to show beside it. */
  budgetNote: z.optional(z.string()),
  /** One budget card per active project whose limit was read; amounts in dollars. */
  projectBudgets: z.optional(z.array(ProjectBudgetSchema)),
  projects: z.array(ProjectInfoSchema),
  options: FilterOptionsSchema,
  /** Names for key and user IDs; absent before the first snapshot. */
  names: z.optional(NameTableSchema),
});
export type Status = z.infer<typeof StatusSchema>;

/** One day's cost of one project and line item; `d` indexes OverviewData.days. */
export const CostCellSchema = z.object({ d: z.int().check(z.nonnegative()), p: z.string(), l: z.string(), a: FiniteSchema });
export type CostCell = z.infer<typeof CostCellSchema>;

export const ModelTokensSchema = z.object({
  model: z.string(),
  input: FiniteSchema,
  output: FiniteSchema,
  cached: FiniteSchema,
  requests: FiniteSchema,
});
export type ModelTokens = z.infer<typeof ModelTokensSchema>;

/** The money cards of one currency (amounts of two currencies are never added). */
export const CurrencyCardsSchema = z.object({
  rangeSpend: FiniteSchema,
  today: FiniteSchema,
  monthToDate: FiniteSchema,
  forecast: z.optional(FiniteSchema),
});
export type CurrencyCards = z.infer<typeof CurrencyCardsSchema>;

export const OverviewCardsSchema = z.object({
  rangeSpend: FiniteSchema,
  today: FiniteSchema,
  monthToDate: FiniteSchema,
  /** Month-end estimate; absent when there is no month data yet. */
  forecast: z.optional(FiniteSchema),
  budget: FiniteSchema,
  inputTokens: FiniteSchema,
  outputTokens: FiniteSchema,
  cachedTokens: FiniteSchema,
  requests: FiniteSchema,
});
export type OverviewCards = z.infer<typeof OverviewCardsSchema>;

/** A provisional day's estimate: billed so far and the estimated part not billed yet (never called spend without "estimate"). */
export const DayEstimateSchema = z.object({
  /** Index into `days`. */
  d: z.int().check(z.nonnegative()),
  billed: FiniteSchema,
  unbilled: FiniteSchema,
});
export type DayEstimateCell = z.infer<typeof DayEstimateSchema>;

export const OverviewDataSchema = z.object({
  startTime: UnixSecondsSchema,
  endTime: UnixSecondsSchema,
  currency: z.string(),
  /** 'YYYY-MM-DD' of every UTC day in the range. */
  days: z.array(IsoDaySchema),
  /** Index into `days` of the first provisional day (cost data still arriving); days.length = none. */
  provisionalFrom: z.int().check(z.nonnegative()),
  /** Yesterday's and today's estimates (the provisional days in the range), main currency. */
  estimates: z.optional(z.array(DayEstimateSchema)),
  /** Cards and costs are of `currency`, the one with the most spend in the range. */
  cards: OverviewCardsSchema,
  /** Each currency's money cards, only when more than one currency appears. */
  byCurrency: z.optional(z.record(z.string(), CurrencyCardsSchema)),
  costs: z.array(CostCellSchema),
  projectNames: z.record(z.string(), z.string()),
  tokensByModel: z.array(ModelTokensSchema),
});
export type OverviewData = z.infer<typeof OverviewDataSchema>;

/** The window a tab's query really covered (1m/1h are clamped to one page of buckets). */
export const WindowSchema = z.object({
  startTime: UnixSecondsSchema,
  endTime: UnixSecondsSchema,
  width: BucketWidthSchema,
  clamped: z.boolean(),
});
export type Window = z.infer<typeof WindowSchema>;

const MissingSchema = z.optional(z.enum(['unreadable', 'unknown']));

/** The Attribution tab: spend by API key, usage by user, keys not used lately (src/report/attribution.ts). */
export const AttributionDataSchema = z.object({
  startTime: UnixSecondsSchema,
  endTime: UnixSecondsSchema,
  currency: z.string(),
  /** Where the stored spend by key starts (it covers the snapshot's range only); absent: none stored. */
  keysFrom: z.optional(UnixSecondsSchema),
  keys: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      missing: MissingSchema,
      owner: z.optional(z.string()),
      projectId: z.optional(z.string()),
      project: z.optional(z.string()),
      spend: FiniteSchema,
    }),
  ),
  users: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      rows: z.array(
        z.object({ id: z.string(), label: z.string(), missing: MissingSchema, inputTokens: FiniteSchema, outputTokens: FiniteSchema, requests: FiniteSchema }),
      ),
    }),
    z.object({ ok: z.literal(false), message: z.string() }),
  ]),
  /** Absent when the key list could not be read. */
  staleKeys: z.optional(
    z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        owner: z.optional(z.string()),
        projectId: z.optional(z.string()),
        project: z.optional(z.string()),
        lastUsedAt: z.optional(UnixSecondsSchema),
      }),
    ),
  ),
  staleDays: z.int().check(z.positive()),
  note: z.optional(z.string()),
});
export type AttributionData = z.infer<typeof AttributionDataSchema>;

/** Completions' cache-hit rate, batch share and service-tier mix (rates absent when undefined). */
export const CompletionsMixSchema = z.object({
  inputTokens: FiniteSchema,
  cachedTokens: FiniteSchema,
  requests: FiniteSchema,
  batchRequests: FiniteSchema,
  cacheHitRate: z.optional(FiniteSchema),
  batchShare: z.optional(FiniteSchema),
  tiers: z.array(z.object({ tier: z.string(), requests: FiniteSchema, tokens: FiniteSchema, share: FiniteSchema })),
});
export type CompletionsMix = z.infer<typeof CompletionsMixSchema>;

export const HostMessageSchema = z.discriminatedUnion('type', [
  /** The answer to `ready`: defaults for a fresh panel and a filter asked for by show({projectId}). */
  z.object({
    type: z.literal('init'),
    defaultRangeDays: z.int().check(z.positive()),
    projectId: z.optional(z.string()),
  }),
  z.object({ type: z.literal('status'), status: StatusSchema }),
  /** show({projectId}) on an open panel: filter the panel to this project. */
  z.object({ type: z.literal('filter'), projectId: z.string() }),
  /** `key` is dataKey(ui) of the request, so the webview drops answers to older requests. */
  z.object({ type: z.literal('loading'), key: z.string() }),
  z.object({ type: z.literal('overview'), key: z.string(), data: OverviewDataSchema }),
  z.object({
    type: z.literal('tabData'),
    key: z.string(),
    endpoint: EndpointIdSchema,
    window: WindowSchema,
    /** The grouping the query used (the table's columns follow it, not a newer choice). */
    groupBy: GroupChoiceSchema,
    currency: z.string(),
    buckets: z.array(BucketSchema),
    /** Completions only: the mix over the same window and filters. */
    mix: z.optional(CompletionsMixSchema),
  }),
  z.object({ type: z.literal('attribution'), key: z.string(), data: AttributionDataSchema }),
  z.object({ type: z.literal('queryError'), key: z.string(), message: z.string(), kind: ErrorCodeSchema }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** Parses a message from the webview; undefined (never a throw) for anything malformed. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  const res = WebviewMessageSchema.safeParse(value);
  return res.success ? res.data : undefined;
}

/** Parses a message from the host; undefined for anything malformed. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  const res = HostMessageSchema.safeParse(value);
  return res.success ? res.data : undefined;
}
