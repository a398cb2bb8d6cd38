// The whole Usage & Costs API surface as data (SPEC §1). The client, the fake server, the CLI and
// the dashboard's tabs are all driven by this one table, so an endpoint is added in one place.

export const ENDPOINT_IDS = [
  'completions',
  'embeddings',
  'moderations',
  'images',
  'audio_speeches',
  'audio_transcriptions',
  'vector_stores',
  'code_interpreter_sessions',
  'file_search_calls',
  'web_search_calls',
  'costs',
] as const;
export type EndpointId = (typeof ENDPOINT_IDS)[number];

export const BUCKET_WIDTHS = ['1m', '1h', '1d'] as const;
export type BucketWidth = (typeof BUCKET_WIDTHS)[number];

/** Seconds in one bucket of each width. */
export const WIDTH_SECONDS: Readonly<Record<BucketWidth, number>> = { '1m': 60, '1h': 3600, '1d': 86400 };

/** Query filters, by their camelCase name in our API and the array parameter the API takes. */
export const FILTER_PARAMS = {
  projectIds: 'project_ids',
  userIds: 'user_ids',
  apiKeyIds: 'api_key_ids',
  models: 'models',
  sources: 'sources',
  sizes: 'sizes',
  batch: 'batch',
  vectorStoreIds: 'vector_store_ids',
  contextLevels: 'context_levels',
} as const;
export type FilterName = keyof typeof FILTER_PARAMS;

/** The dimensions a result can be grouped by (the `group_by` values and the result fields). */
export const DIMENSIONS = [
  'project_id',
  'user_id',
  'api_key_id',
  'model',
  'batch',
  'service_tier',
  'size',
  'source',
  'line_item',
  'vector_store_id',
  'context_level',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The only values `context_levels` takes (web search calls); anything else is a 400. */
export const CONTEXT_LEVELS = ['low', 'medium', 'high'] as const;
export type ContextLevel = (typeof CONTEXT_LEVELS)[number];

/**
 * Completions' breakdown metrics: each is a part of `input_tokens` or `output_tokens` (SPEC §1),
 * shown beside the totals and never added to them.
 */
export const COMPLETIONS_BREAKDOWN = [
  'input_cached_tokens',
  'input_cache_write_tokens',
  'input_uncached_tokens',
  'input_text_tokens',
  'output_text_tokens',
  'input_cached_text_tokens',
  'input_audio_tokens',
  'input_cached_audio_tokens',
  'output_audio_tokens',
  'input_image_tokens',
  'input_cached_image_tokens',
  'output_image_tokens',
] as const;

export interface EndpointSpec {
  readonly id: EndpointId;
  /** Path below the base URL, e.g. `/organization/usage/completions`. */
  readonly path: string;
  /** The `object` of this endpoint's results, e.g. `organization.usage.completions.result`. */
  readonly resultObject: string;
  /** A short human title for menus, tabs and tables. */
  readonly title: string;
  /** Numeric metrics a result carries (for costs: `amount` and `quantity`). */
  readonly metrics: readonly string[];
  readonly filters: readonly FilterName[];
  readonly groupBy: readonly Dimension[];
  readonly widths: readonly BucketWidth[];
  /** Largest `limit` the API accepts, per width. */
  readonly maxLimit: Partial<Readonly<Record<BucketWidth, number>>>;
}

const USAGE_LIMITS = { '1m': 1440, '1h': 168, '1d': 31 } as const;
const ALL_WIDTHS = BUCKET_WIDTHS;
const COMMON_FILTERS: readonly FilterName[] = ['projectIds', 'userIds', 'apiKeyIds', 'models'];
const COMMON_GROUPS: readonly Dimension[] = ['project_id', 'user_id', 'api_key_id', 'model'];

function usage(
  id: Exclude<EndpointId, 'costs'>,
  title: string,
  metrics: readonly string[],
  filters: readonly FilterName[],
  groupBy: readonly Dimension[],
  // The result kind does not always follow the path (file_search_calls → file_searches).
  resultKind: string = id,
): EndpointSpec {
  return {
    id,
    path: `/organization/usage/${id}`,
    resultObject: `organization.usage.${resultKind}.result`,
    title,
    metrics,
    filters,
    groupBy,
    widths: ALL_WIDTHS,
    maxLimit: USAGE_LIMITS,
  };
}

export const ENDPOINTS: Readonly<Record<EndpointId, EndpointSpec>> = {
  completions: usage(
    'completions',
    'Completions',
    ['input_tokens', 'output_tokens', ...COMPLETIONS_BREAKDOWN, 'num_model_requests'],
    [...COMMON_FILTERS, 'batch'],
    [...COMMON_GROUPS, 'batch', 'service_tier'],
  ),
  embeddings: usage('embeddings', 'Embeddings', ['input_tokens', 'num_model_requests'], COMMON_FILTERS, COMMON_GROUPS),
  moderations: usage('moderations', 'Moderations', ['input_tokens', 'num_model_requests'], COMMON_FILTERS, COMMON_GROUPS),
  images: usage(
    'images',
    'Images',
    ['images', 'num_model_requests'],
    [...COMMON_FILTERS, 'sources', 'sizes'],
    [...COMMON_GROUPS, 'size', 'source'],
  ),
  audio_speeches: usage('audio_speeches', 'Audio speeches', ['characters', 'num_model_requests'], COMMON_FILTERS, COMMON_GROUPS),
  audio_transcriptions: usage(
    'audio_transcriptions',
    'Audio transcriptions',
    ['seconds', 'num_model_requests'],
    COMMON_FILTERS,
    COMMON_GROUPS,
  ),
  vector_stores: usage('vector_stores', 'Vector stores', ['usage_bytes'], ['projectIds'], ['project_id']),
  code_interpreter_sessions: usage(
    'code_interpreter_sessions',
    'Code interpreter',
    ['num_sessions'],
    ['projectIds'],
    ['project_id'],
  ),
  file_search_calls: usage(
    'file_search_calls',
    'File search',
    ['num_requests'],
    ['projectIds', 'userIds', 'apiKeyIds', 'vectorStoreIds'],
    ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
    'file_searches',
  ),
  web_search_calls: usage(
    'web_search_calls',
    'Web search',
    ['num_requests', 'num_model_requests'],
    [...COMMON_FILTERS, 'contextLevels'],
    [...COMMON_GROUPS, 'context_level'],
    'web_searches',
  ),
  costs: {
    id: 'costs',
    path: '/organization/costs',
    resultObject: 'organization.costs.result',
    title: 'Costs',
    metrics: ['amount', 'quantity'],
    filters: ['projectIds', 'apiKeyIds'],
    groupBy: ['project_id', 'line_item', 'api_key_id'],
    widths: ['1d'],
    maxLimit: { '1d': 180 },
  },
};

/** The ten usage endpoints (everything but costs). */
export const USAGE_ENDPOINT_IDS = ENDPOINT_IDS.filter((id) => id !== 'costs') as Exclude<EndpointId, 'costs'>[];

/**
 * The usage endpoints whose `num_model_requests` are requests of their own. Web search's are the
 * completions requests that searched, already counted there: adding them would count twice.
 */
export const REQUEST_ENDPOINT_IDS = USAGE_ENDPOINT_IDS.filter((id) => id !== 'web_search_calls');

/** The endpoints whose results carry token counts (used for the tree's per-model tokens). */
export const TOKEN_ENDPOINT_IDS = ['completions', 'embeddings', 'moderations'] as const;

export function endpointForResultObject(object: string): EndpointSpec | undefined {
  return ENDPOINT_IDS.map((id) => ENDPOINTS[id]).find((e) => e.resultObject === object);
}

/**
 * A query's filters as the API's array parameters, in one order: `[name, value]` pairs, repeated
 * keys for arrays (`project_ids=a&project_ids=b`) and `batch=true|false`.
 */
export function filterParams(q: UsageQuery): [string, string][] {
  const out: [string, string][] = [];
  for (const filter of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const value = q[filter];
    if (filter === 'batch') {
      if (typeof value === 'boolean') out.push(['batch', String(value)]);
    } else if (Array.isArray(value)) {
      for (const v of value as readonly string[]) out.push([FILTER_PARAMS[filter], v]);
    }
  }
  return out;
}

/** One query to one endpoint. Times are Unix seconds; `startTime` inclusive, `endTime` exclusive. */
export interface UsageQuery {
  readonly endpoint: EndpointId;
  readonly startTime: number;
  readonly endTime?: number;
  /** Default `1d`. */
  readonly bucketWidth?: BucketWidth;
  readonly groupBy?: readonly Dimension[];
  readonly projectIds?: readonly string[];
  readonly userIds?: readonly string[];
  readonly apiKeyIds?: readonly string[];
  readonly models?: readonly string[];
  readonly sources?: readonly string[];
  readonly sizes?: readonly string[];
  readonly batch?: boolean;
  readonly vectorStoreIds?: readonly string[];
  readonly contextLevels?: readonly string[];
  /** Buckets per page; default (and always sent): the width's maximum. */
  readonly limit?: number;
}

/**
 * One result of a bucket, normalised: the metrics as finite numbers and the grouping dimensions
 * the API filled in (absent when not grouped by them). Costs carry `amount` (and `quantity` when
 * the API gave one) in `values`, the currency in `currency` and the unit of `quantity` (tokens,
 * images, …) in `quantityUnit` when the API named one.
 */
export interface UsageRow {
  readonly values: Readonly<Record<string, number>>;
  readonly dims: Readonly<Partial<Record<Dimension, string>>>;
  readonly currency?: string;
  /** Costs only: `tokens`, `1000_tokens`, `images`, `characters`, `duration_seconds`… as sent. */
  readonly quantityUnit?: string;
}

export interface UsageBucket {
  readonly startTime: number;
  readonly endTime: number;
  readonly rows: readonly UsageRow[];
}

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'archived' | string;
  readonly createdAt?: number;
}

// ---------------------------------------------------------------------------------------------
// Names (API keys, admin keys, users) and budgets (hard spend limits, spend alerts): SPEC §1
// "Names and budgets". Money here stays in **cents**, as the API sends it; fields say so.

export interface KeyOwner {
  readonly type: 'user' | 'service_account' | string;
  readonly id?: string;
  readonly name?: string;
  readonly email?: string;
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly redactedValue: string;
  /** The project the key belongs to; absent for admin keys. */
  readonly projectId?: string;
  readonly owner?: KeyOwner;
  readonly createdAt?: number;
  readonly lastUsedAt?: number;
}

export interface UserInfo {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
}

/** One part of the name directory: what was read, or why it could not be (e.g. a 403). */
export type NamePart<T> =
  | { readonly ok: true; readonly items: readonly T[] }
  | { readonly ok: false; readonly items: readonly T[]; readonly status?: number; readonly message: string };

/**
 * Every name the organisation has: project keys (all projects), admin keys and users. Each part
 * stands alone, so a key that may read usage but not (say) users still gets keys' names.
 * `apiKeys.items` holds what the readable projects gave even when another project failed.
 */
export interface NameDirectory {
  readonly apiKeys: NamePart<ApiKeyInfo>;
  readonly adminKeys: NamePart<ApiKeyInfo>;
  readonly users: NamePart<UserInfo>;
}

/** Where a budget applies: the whole organisation, or one project. */
export interface BudgetScope {
  readonly projectId?: string;
}

export interface SpendLimit {
  /** The hard limit in cents (the API's `threshold_amount`). */
  readonly thresholdCents: number;
  /** Upper-case ISO 4217 as the API sends it (`USD`). */
  readonly currency: string;
  readonly interval: 'month' | string;
  readonly enforcing: boolean;
  /** The API's `enforcement.status` as sent (`inactive`, `enforcing`, or a future value). */
  readonly enforcementStatus: string;
}

export interface SpendLimitInput {
  readonly thresholdCents: number;
  /** Default `USD` (the only one the API takes). */
  readonly currency?: string;
  /** Default `month` (the only one the API takes). */
  readonly interval?: string;
}

export interface SpendAlert {
  readonly id: string;
  readonly thresholdCents: number;
  readonly currency: string;
  readonly interval: 'month' | string;
  readonly recipients: readonly string[];
  readonly subjectPrefix?: string;
}

export interface SpendAlertInput {
  readonly thresholdCents: number;
  readonly recipients: readonly string[];
  readonly subjectPrefix?: string;
  readonly currency?: string;
  readonly interval?: string;
}

/** Cents to dollars, for the edge (display, JSON for people); the client keeps cents. */
export function centsToDollars(cents: number): number {
  return cents / 100;
}

/** Dollars to whole cents, for a value a person typed; throws on a non-finite or negative amount. */
export function dollarsToCents(dollars: number): number {
  if (!Number.isFinite(dollars) || dollars < 0) throw new RangeError(`not an amount of dollars: ${dollars}`);
  return Math.round(dollars * 100);
}
