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
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

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
): EndpointSpec {
  return {
    id,
    path: `/organization/usage/${id}`,
    resultObject: `organization.usage.${id}.result`,
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
    ['input_tokens', 'output_tokens', 'input_cached_tokens', 'input_audio_tokens', 'output_audio_tokens', 'num_model_requests'],
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
  costs: {
    id: 'costs',
    path: '/organization/costs',
    resultObject: 'organization.costs.result',
    title: 'Costs',
    metrics: ['amount', 'quantity'],
    filters: ['projectIds'],
    groupBy: ['project_id', 'line_item', 'api_key_id'],
    widths: ['1d'],
    maxLimit: { '1d': 180 },
  },
};

/** The eight usage endpoints (everything but costs). */
export const USAGE_ENDPOINT_IDS = ENDPOINT_IDS.filter((id) => id !== 'costs') as Exclude<EndpointId, 'costs'>[];

/** The endpoints whose results carry token counts (used for the tree's per-model tokens). */
export const TOKEN_ENDPOINT_IDS = ['completions', 'embeddings', 'moderations'] as const;

export function endpointForResultObject(object: string): EndpointSpec | undefined {
  return ENDPOINT_IDS.map((id) => ENDPOINTS[id]).find((e) => e.resultObject === object);
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
  /** Buckets per page; default (and always sent): the width's maximum. */
  readonly limit?: number;
}

/**
 * One result of a bucket, normalised: the metrics as finite numbers and the grouping dimensions
 * the API filled in (absent when not grouped by them). Costs carry `amount` (and `quantity` when
 * the API gave one) in `values` and the currency in `currency`.
 */
export interface UsageRow {
  readonly values: Readonly<Record<string, number>>;
  readonly dims: Readonly<Partial<Record<Dimension, string>>>;
  readonly currency?: string;
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
