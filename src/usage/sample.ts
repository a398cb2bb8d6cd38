// A deterministic synthetic organisation for "Try with Sample Data", the fake API server and the
// tests. It answers every query of every endpoint of the table with the API's semantics (UTC-aligned
// buckets, filters, group_by, nothing after "now"), so sample mode exercises the same code paths
// as a real key.
//
// Model: a fixed list of "streams" (one project × key × model × … combination each). A stream has
// an integer total per metric per UTC day (weekly rhythm, gentle trend, seeded noise); an hourly
// profile splits the day by cumulative rounding, and minutes split an hour evenly, so minutes sum
// exactly to hours and hours to days. Costs are priced from the same numbers.
// Completions' breakdown fields are split as leaves (text/audio/image × cached/uncached, cache
// writes, output by modality) and every total is the sum of its leaves in every bucket, so a part
// never exceeds its total: input = cached + cache-write + uncached, output = text + audio + image.
// It also carries the names (keys, admin keys, users) and budgets (a spend limit, alerts) that the
// fake server serves and sample mode shows; budgets can be changed like the real ones.

import { ENDPOINTS, WIDTH_SECONDS } from '../shared/endpoints';
import type {
  ApiKeyInfo,
  BucketWidth,
  BudgetScope,
  Dimension,
  EndpointId,
  NameDirectory,
  Project,
  SpendAlert,
  SpendAlertInput,
  SpendLimit,
  SpendLimitInput,
  UsageBucket,
  UsageQuery,
  UsageRow,
  UserInfo,
} from '../shared/endpoints';
import type { UsageSource } from './source';
import { DAY_SECONDS, alignDown, dayIndex, weekday } from '../shared/time';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;

/** A query the sample cannot answer the way the API would not either (the API says HTTP 400). */
export class SampleQueryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'SampleQueryError';
  }
}

/** A budget or alert that does not exist (the API says HTTP 404). */
export class SampleNotFoundError extends Error {
  readonly status = 404;
  constructor(message: string) {
    super(message);
    this.name = 'SampleNotFoundError';
  }
}

export interface SampleUser {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface SampleApiKey {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly ownerUserId: string;
  /** Set when a service account owns the key (its usage still carries `ownerUserId`). */
  readonly serviceAccount?: { readonly id: string; readonly name: string };
}

/** The names the sample organisation has, as the list endpoints give them. */
export interface SampleNames {
  readonly apiKeys: readonly ApiKeyInfo[];
  readonly adminKeys: readonly ApiKeyInfo[];
  readonly users: readonly UserInfo[];
}

/** Budgets keyed by scope: `''` is the organisation, else a project id. */
export interface SampleBudgets {
  readonly spendLimits: ReadonlyMap<string, SpendLimit>;
  readonly spendAlerts: ReadonlyMap<string, readonly SpendAlert[]>;
}

export interface SampleOrgOptions {
  /** "Now" in ms: a fixed instant, or a clock (default `Date.now`, so today's spend grows). */
  readonly now?: number | (() => number);
  /** Changes every random draw; default 1. */
  readonly seed?: number;
}

export interface SampleOrg extends UsageSource {
  readonly kind: 'sample';
  readonly seed: number;
  readonly projectList: readonly Project[];
  readonly users: readonly SampleUser[];
  readonly apiKeys: readonly SampleApiKey[];
  /** Every model that appears in the usage. */
  readonly models: readonly string[];
  /** The first UTC midnight with any data (Unix s). */
  readonly dataStart: number;
  /** The sample's current time in ms. */
  now(): number;
  /** Answers a query synchronously; throws `SampleQueryError` where the API would answer 400. */
  querySync(query: UsageQuery): UsageBucket[];
  /** Keys, admin keys and users, as plain lists (the fake server pages them). */
  namesSync(): SampleNames;
  /** The budgets as they are now (a copy; changes go through the write methods). */
  budgetsSync(): SampleBudgets;
  names(signal?: AbortSignal): Promise<NameDirectory>;
  getSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<SpendLimit | null>;
  setSpendLimit(scope: BudgetScope, input: SpendLimitInput, signal?: AbortSignal): Promise<SpendLimit>;
  deleteSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<void>;
  listSpendAlerts(scope: BudgetScope, signal?: AbortSignal): Promise<SpendAlert[]>;
  createSpendAlert(scope: BudgetScope, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert>;
  updateSpendAlert(scope: BudgetScope, alertId: string, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert>;
  deleteSpendAlert(scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The organisation. Day offsets are relative to the "anchor" day (the UTC day of `now` when the
// org was created), so a fixed `now` always gives the same picture.

const HISTORY_DAYS = 420;

interface ProjectDef {
  readonly id: string;
  readonly name: string;
  /** Day offset (≤ 0) of creation. */
  readonly from: number;
  /** Day offset of archiving (exclusive end of its usage), for archived projects. */
  readonly archivedAt?: number;
}

const PROJECTS: readonly ProjectDef[] = [
  { id: 'proj_sample_support', name: 'Support Assistant', from: -HISTORY_DAYS },
  { id: 'proj_sample_search', name: 'Search & Retrieval', from: -380 },
  { id: 'proj_sample_data', name: 'Data Pipeline', from: -300 },
  { id: 'proj_sample_studio', name: 'Marketing Studio', from: -240 },
  { id: 'proj_sample_legacy', name: 'Legacy Chatbot', from: -HISTORY_DAYS, archivedAt: -45 },
];

const USERS: readonly SampleUser[] = [
  { id: 'user_sample_alice', name: 'Alice Martin', email: 'alice@example.com' },
  { id: 'user_sample_bob', name: 'Bob Chen', email: 'bob@example.com' },
  { id: 'user_sample_carol', name: 'Carol Diaz', email: 'carol@example.com' },
  { id: 'user_sample_dave', name: 'Dave Okafor', email: 'dave@example.com' },
  { id: 'user_sample_erin', name: 'Erin Novak', email: 'erin@example.com' },
];

const API_KEYS: readonly SampleApiKey[] = [
  { id: 'key_sample_support_prod', name: 'support-prod', projectId: 'proj_sample_support', ownerUserId: 'user_sample_alice' },
  { id: 'key_sample_support_dev', name: 'support-dev', projectId: 'proj_sample_support', ownerUserId: 'user_sample_bob' },
  { id: 'key_sample_search', name: 'search-indexer', projectId: 'proj_sample_search', ownerUserId: 'user_sample_carol' },
  {
    id: 'key_sample_data_batch',
    name: 'nightly-batch',
    projectId: 'proj_sample_data',
    ownerUserId: 'user_sample_erin',
    serviceAccount: { id: 'svc_sample_pipeline', name: 'pipeline-bot' },
  },
  { id: 'key_sample_data_etl', name: 'etl-worker', projectId: 'proj_sample_data', ownerUserId: 'user_sample_alice' },
  { id: 'key_sample_studio', name: 'studio-app', projectId: 'proj_sample_studio', ownerUserId: 'user_sample_dave' },
  { id: 'key_sample_legacy', name: 'legacy-bot', projectId: 'proj_sample_legacy', ownerUserId: 'user_sample_bob' },
];

const ADMIN_KEYS: readonly ApiKeyInfo[] = [
  {
    id: 'key_sample_admin_finance',
    name: 'finance-dashboard',
    redactedValue: 'sk-admin-...fin1',
    // An admin key's owner carries no email in the API (unlike a project key's user).
    owner: { type: 'user', id: 'user_sample_alice', name: 'Alice Martin' },
  },
  {
    id: 'key_sample_admin_ops',
    name: 'ops-automation',
    redactedValue: 'sk-admin-...ops2',
    owner: { type: 'service_account', id: 'svc_sample_ops', name: 'ops-bot' },
  },
];

// Budgets at creation: the organisation's hard limit ($5,000 a month, enforcing), a project limit
// that is set but not enforcing, and alerts at 50 % and 80 % of the limit plus one on a project.
const ORG = '';
const INITIAL_LIMITS: readonly [string, SpendLimit][] = [
  [ORG, { thresholdCents: 500_000, currency: 'USD', interval: 'month', enforcing: true, enforcementStatus: 'enforcing' }],
  ['proj_sample_studio', { thresholdCents: 30_000, currency: 'USD', interval: 'month', enforcing: false, enforcementStatus: 'inactive' }],
];
const INITIAL_ALERTS: readonly [string, SpendAlert[]][] = [
  [
    ORG,
    [
      { id: 'alert_sample_org_half', thresholdCents: 250_000, currency: 'USD', interval: 'month', recipients: ['finance@example.com'], subjectPrefix: 'OpenAI spend' },
      { id: 'alert_sample_org_80', thresholdCents: 400_000, currency: 'USD', interval: 'month', recipients: ['finance@example.com', 'alice@example.com'] },
    ],
  ],
  ['proj_sample_support', [{ id: 'alert_sample_support', thresholdCents: 100_000, currency: 'USD', interval: 'month', recipients: ['bob@example.com'] }]],
];

type Profile = 'interactive' | 'batch';

interface StreamDef {
  readonly endpoint: UsageEndpointId;
  readonly project: string;
  /** Absent for endpoints that only know projects (vector stores, code interpreter). */
  readonly key?: string;
  readonly model?: string;
  readonly batch?: boolean;
  readonly serviceTier?: string;
  readonly size?: string;
  readonly source?: string;
  readonly vectorStore?: string;
  readonly contextLevel?: string;
  readonly profile: Profile;
  /** Requests (or sessions) per weekday at the anchor; for vector stores, bytes stored. */
  readonly base: number;
  /** Average amount of each other metric per request. */
  readonly perRequest?: Readonly<Record<string, number>>;
  /** Share of input tokens served from cache. */
  readonly cachedShare?: number;
  /** Completions: shares of input (cached and uncached alike) that are audio / image tokens. */
  readonly audioShare?: number;
  readonly imageShare?: number;
  /** Completions: shares of output that are audio / image tokens. */
  readonly outAudioShare?: number;
  readonly outImageShare?: number;
  /** Log growth per day (0.002 ≈ +6 % a month). */
  readonly growth: number;
  /** Weekend volume relative to a weekday. */
  readonly weekend: number;
}

const SUPPORT = 'proj_sample_support';
const SEARCH = 'proj_sample_search';
const DATA = 'proj_sample_data';
const STUDIO = 'proj_sample_studio';
const LEGACY = 'proj_sample_legacy';

function chat(
  project: string,
  key: string,
  model: string,
  base: number,
  input: number,
  output: number,
  extra: Partial<StreamDef> = {},
): StreamDef {
  return {
    endpoint: 'completions',
    project,
    key,
    model,
    batch: false,
    serviceTier: 'default',
    profile: 'interactive',
    base,
    perRequest: { input_tokens: input, output_tokens: output },
    cachedShare: 0.2,
    growth: 0.0015,
    weekend: 0.4,
    ...extra,
  };
}

const STREAMS: readonly StreamDef[] = [
  // Support Assistant: the customer-facing chat app, busiest on weekdays.
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o', 2200, 1800, 350, { cachedShare: 0.35, imageShare: 0.1 }),
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o-mini', 9000, 900, 200),
  chat(SUPPORT, 'key_sample_support_dev', 'gpt-4o-mini', 600, 1200, 260, { weekend: 0.1, growth: 0.001 }),
  // Audio is part of input_tokens/output_tokens: 900 in (600 audio), 990 out (900 audio).
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o-audio-preview', 150, 900, 990, {
    cachedShare: 0.05,
    audioShare: 2 / 3,
    outAudioShare: 900 / 990,
  }),
  usageStream('moderations', SUPPORT, 'key_sample_support_prod', 'omni-moderation-latest', 9000, { input_tokens: 250 }),
  usageStream('embeddings', SUPPORT, 'key_sample_support_prod', 'text-embedding-3-small', 3000, { input_tokens: 400 }),
  usageStream('audio_speeches', SUPPORT, 'key_sample_support_prod', 'tts-1', 400, { characters: 350 }),
  usageStream('audio_transcriptions', SUPPORT, 'key_sample_support_prod', 'whisper-1', 250, { seconds: 45 }),
  storage(SUPPORT, 2.1e9),
  fileSearch(SUPPORT, 'key_sample_support_prod', 'vs_sample_helpdesk', 1800),
  webSearch(SUPPORT, 'key_sample_support_prod', 'gpt-4o', 'low', 700),
  // Search & Retrieval: embeddings-heavy indexing plus reasoning over results.
  usageStream('embeddings', SEARCH, 'key_sample_search', 'text-embedding-3-small', 20000, { input_tokens: 800 }, { weekend: 0.7 }),
  usageStream('embeddings', SEARCH, 'key_sample_search', 'text-embedding-3-large', 2000, { input_tokens: 600 }, { weekend: 0.7 }),
  chat(SEARCH, 'key_sample_search', 'o3-mini', 800, 3000, 1500, { cachedShare: 0.1 }),
  chat(SEARCH, 'key_sample_search', 'gpt-4o-mini', 3000, 1500, 180),
  storage(SEARCH, 14e9),
  fileSearch(SEARCH, 'key_sample_search', 'vs_sample_docs', 5200),
  fileSearch(SEARCH, 'key_sample_search', 'vs_sample_wiki', 1400),
  webSearch(SEARCH, 'key_sample_search', 'gpt-4o-mini', 'medium', 2400),
  webSearch(SEARCH, 'key_sample_search', 'o3-mini', 'high', 300),
  // Data Pipeline: nightly batch jobs, barely slower at weekends.
  chat(DATA, 'key_sample_data_batch', 'gpt-4o-mini', 40000, 700, 150, { batch: true, profile: 'batch', weekend: 0.9, cachedShare: 0 }),
  chat(DATA, 'key_sample_data_batch', 'gpt-4o', 3000, 2000, 300, { batch: true, profile: 'batch', weekend: 0.9, cachedShare: 0 }),
  chat(DATA, 'key_sample_data_etl', 'o3-mini', 500, 2500, 1200, { serviceTier: 'flex', profile: 'batch', weekend: 0.8 }),
  usageStream('audio_transcriptions', DATA, 'key_sample_data_etl', 'whisper-1', 300, { seconds: 90 }, { profile: 'batch', weekend: 0.8 }),
  {
    endpoint: 'code_interpreter_sessions',
    project: DATA,
    profile: 'interactive',
    base: 180,
    growth: 0.002,
    weekend: 0.3,
  },
  storage(DATA, 5e9),
  // Marketing Studio: images and voice-overs, newer project growing fast.
  image('dall-e-3', '1024x1024', 'image.generation', 120),
  image('dall-e-3', '1024x1792', 'image.generation', 40),
  image('gpt-image-1', '1024x1024', 'image.generation', 200),
  image('gpt-image-1', '1024x1024', 'image.edit', 60),
  usageStream('audio_speeches', STUDIO, 'key_sample_studio', 'tts-1-hd', 150, { characters: 600 }, { growth: 0.004 }),
  chat(STUDIO, 'key_sample_studio', 'gpt-4o', 500, 1200, 500, { growth: 0.004, imageShare: 0.3, outImageShare: 0.05, serviceTier: 'priority' }),
  // Legacy Chatbot: archived 45 days ago, shrinking before that.
  chat(LEGACY, 'key_sample_legacy', 'gpt-3.5-turbo', 5000, 800, 220, { growth: -0.004, cachedShare: 0 }),
  chat(LEGACY, 'key_sample_legacy', 'gpt-4o-mini', 1500, 800, 200, { growth: -0.003 }),
  usageStream('moderations', LEGACY, 'key_sample_legacy', 'omni-moderation-latest', 4000, { input_tokens: 200 }, { growth: -0.004 }),
];

function usageStream(
  endpoint: UsageEndpointId,
  project: string,
  key: string,
  model: string,
  base: number,
  perRequest: Readonly<Record<string, number>>,
  extra: Partial<StreamDef> = {},
): StreamDef {
  return { endpoint, project, key, model, profile: 'interactive', base, perRequest, growth: 0.0015, weekend: 0.45, ...extra };
}

function fileSearch(project: string, key: string, vectorStore: string, base: number): StreamDef {
  return { endpoint: 'file_search_calls', project, key, vectorStore, profile: 'interactive', base, growth: 0.002, weekend: 0.5 };
}

/** Web search calls; the model requests that made them are fewer (one request can search twice). */
function webSearch(project: string, key: string, model: string, contextLevel: string, base: number): StreamDef {
  return {
    endpoint: 'web_search_calls',
    project,
    key,
    model,
    contextLevel,
    profile: 'interactive',
    base,
    perRequest: { num_model_requests: 0.7 },
    growth: 0.003,
    weekend: 0.4,
  };
}

function storage(project: string, bytes: number): StreamDef {
  return { endpoint: 'vector_stores', project, profile: 'interactive', base: bytes, growth: 0.003, weekend: 1 };
}

function image(model: string, size: string, source: string, base: number): StreamDef {
  return {
    endpoint: 'images',
    project: STUDIO,
    key: 'key_sample_studio',
    model,
    size,
    source,
    profile: 'interactive',
    base,
    perRequest: { images: 1.3 },
    growth: 0.004,
    weekend: 0.35,
  };
}

// Hour-of-day weights (UTC). Interactive traffic follows European and American office hours;
// batch jobs run overnight.
const PROFILES: Readonly<Record<Profile, readonly number[]>> = {
  interactive: [3, 2, 2, 2, 2, 3, 4, 6, 8, 9, 10, 10, 11, 13, 15, 16, 16, 15, 13, 11, 9, 7, 5, 4],
  batch: [10, 12, 12, 11, 10, 8, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 8, 9, 10],
};

/** Cumulative share of the day at the start of each hour (25 entries, 0 … 1). */
const CUMULATIVE: Readonly<Record<Profile, readonly number[]>> = {
  interactive: cumulativeShares(PROFILES.interactive),
  batch: cumulativeShares(PROFILES.batch),
};

function cumulativeShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = [0];
  let run = 0;
  for (const w of weights) {
    run += w;
    out.push(run / total);
  }
  out[weights.length] = 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prices (USD), list prices of the time; enough to make the costs consistent with the usage.

interface TokenPrice {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  readonly audioInput?: number;
  readonly audioOutput?: number;
}

const PER_MILLION = 1e-6;
const TOKEN_PRICES: Readonly<Record<string, TokenPrice>> = {
  'gpt-4o': { input: 2.5, cached: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cached: 0.075, output: 0.6 },
  'gpt-4o-audio-preview': { input: 2.5, cached: 1.25, output: 10, audioInput: 40, audioOutput: 80 },
  'o3-mini': { input: 1.1, cached: 0.55, output: 4.4 },
  'gpt-3.5-turbo': { input: 0.5, cached: 0.5, output: 1.5 },
};
const EMBEDDING_PRICES: Readonly<Record<string, number>> = { 'text-embedding-3-small': 0.02, 'text-embedding-3-large': 0.13 };
const IMAGE_PRICES: Readonly<Record<string, number>> = {
  'dall-e-3 1024x1024': 0.04,
  'dall-e-3 1024x1792': 0.08,
  'gpt-image-1 1024x1024': 0.042,
};
const TTS_PRICES: Readonly<Record<string, number>> = { 'tts-1': 15, 'tts-1-hd': 30 };
const WHISPER_PER_SECOND = 0.006 / 60;
const CODE_INTERPRETER_PER_SESSION = 0.03;
const FILE_SEARCH_PER_GB_DAY = 0.1;
const FILE_SEARCH_PER_CALL = 2.5 / 1000;
const WEB_SEARCH_PER_CALL: Readonly<Record<string, number>> = { low: 25 / 1000, medium: 27.5 / 1000, high: 30 / 1000 };

/** A cost line item: [line item, amount, quantity, quantity unit (null when none applies)]. */
type LineItem = [string, number, number, string | null];

/** The cost line items one stream's day adds. */
function priceStream(def: StreamDef, v: Readonly<Record<string, number>>, dayFraction: number): LineItem[] {
  const model = def.model ?? '';
  switch (def.endpoint) {
    case 'completions': {
      const p = TOKEN_PRICES[model];
      if (!p) return [];
      // Batch and flex are billed at half price, as a separate line like the real invoice.
      const discounted = def.batch === true || def.serviceTier === 'flex';
      const f = discounted ? 0.5 : 1;
      const tag = def.batch === true ? 'batch ' : def.serviceTier === 'flex' ? 'flex ' : '';
      // Audio is inside input_tokens/output_tokens but billed at its own price, on its own line.
      const cached = v.input_cached_tokens ?? 0;
      const audioIn = p.audioInput === undefined ? 0 : (v.input_audio_tokens ?? 0);
      const audioOut = p.audioOutput === undefined ? 0 : (v.output_audio_tokens ?? 0);
      const input = (v.input_tokens ?? 0) - cached - audioIn;
      const output = (v.output_tokens ?? 0) - audioOut;
      const items: LineItem[] = [
        [`${model}, ${tag}input`, input * p.input * f * PER_MILLION, input, 'tokens'],
        [`${model}, ${tag}cached input`, cached * p.cached * f * PER_MILLION, cached, 'tokens'],
        [`${model}, ${tag}output`, output * p.output * f * PER_MILLION, output, 'tokens'],
      ];
      if (p.audioInput !== undefined) items.push([`${model}, audio input`, audioIn * p.audioInput * PER_MILLION, audioIn, 'tokens']);
      if (p.audioOutput !== undefined) items.push([`${model}, audio output`, audioOut * p.audioOutput * PER_MILLION, audioOut, 'tokens']);
      return items;
    }
    case 'embeddings':
      return [['embeddings', (v.input_tokens ?? 0) * (EMBEDDING_PRICES[model] ?? 0) * PER_MILLION, v.input_tokens ?? 0, 'tokens']];
    case 'moderations':
      return []; // free
    case 'images':
      return [['images', (v.images ?? 0) * (IMAGE_PRICES[`${model} ${def.size ?? ''}`] ?? 0.04), v.images ?? 0, 'images']];
    case 'audio_speeches':
      return [['tts', (v.characters ?? 0) * (TTS_PRICES[model] ?? 15) * PER_MILLION, v.characters ?? 0, 'characters']];
    case 'audio_transcriptions':
      return [['whisper', (v.seconds ?? 0) * WHISPER_PER_SECOND, v.seconds ?? 0, 'duration_seconds']];
    case 'code_interpreter_sessions':
      return [['code interpreter', (v.num_sessions ?? 0) * CODE_INTERPRETER_PER_SESSION, v.num_sessions ?? 0, null]];
    case 'vector_stores': {
      // Storage is billed per GB-day; today only the elapsed part of the day so far. The API
      // counts it in gibibyte-hours.
      const gbDays = ((v.usage_bytes ?? 0) / 1e9) * dayFraction;
      return [['file search', gbDays * FILE_SEARCH_PER_GB_DAY, gbDays * 24, 'gibibyte_hours']];
    }
    case 'file_search_calls':
      return [['file search calls', (v.num_requests ?? 0) * FILE_SEARCH_PER_CALL, v.num_requests ?? 0, null]];
    case 'web_search_calls': {
      const level = def.contextLevel ?? 'medium';
      return [[`web search, ${level} context`, (v.num_requests ?? 0) * (WEB_SEARCH_PER_CALL[level] ?? 0.025), v.num_requests ?? 0, null]];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Deterministic noise.

function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x | 0), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** A uniform draw in [0, 1) from the seed and the given integers (fixed arity: this is hot). */
function uniform(seed: number, a: number, b: number, c: number, d = 0): number {
  let h = mix(mix(mix(mix(mix(0x9e3779b9, seed), a), b), c), d);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** A factor around 1 in [1 - spread, 1 + spread], triangular so most days are near the trend. */
function jitter(seed: number, spread: number, stream: number, day: number, salt = 0): number {
  return 1 + spread * (uniform(seed, stream, day, salt, 1) + uniform(seed, stream, day, salt, 2) - 1);
}

// ---------------------------------------------------------------------------------------------

const LEVEL_METRICS = new Set(['usage_bytes']);
const COUNT_METRICS = new Set(['num_model_requests', 'num_sessions', 'num_requests']);

/**
 * Completions' totals, each the sum of its leaves. Leaves are split over time on their own; a
 * total is always re-added from its split leaves, so it matches them in every bucket.
 */
const DERIVED: Readonly<Record<string, readonly string[]>> = {
  input_cached_tokens: ['input_cached_text_tokens', 'input_cached_audio_tokens', 'input_cached_image_tokens'],
  input_uncached_tokens: ['input_text_tokens', 'input_audio_tokens', 'input_image_tokens'],
  input_tokens: [
    'input_cached_text_tokens',
    'input_cached_audio_tokens',
    'input_cached_image_tokens',
    'input_cache_write_tokens',
    'input_text_tokens',
    'input_audio_tokens',
    'input_image_tokens',
  ],
  output_tokens: ['output_text_tokens', 'output_audio_tokens', 'output_image_tokens'],
};

interface Stream {
  readonly def: StreamDef;
  readonly index: number;
  readonly metrics: readonly string[];
  readonly dims: Readonly<Partial<Record<Dimension, string>>>;
  readonly user?: string;
  /** Absolute day indexes: first day with data and the exclusive end (Infinity if open). */
  readonly fromDay: number;
  readonly toDay: number;
}

/** Full-day integer totals per stream (aligned with `Stream.metrics`), undefined when inactive. */
type DayTotals = readonly (readonly number[] | undefined)[];

interface CostRow {
  readonly project: string;
  readonly lineItem: string;
  readonly key: string | undefined;
  readonly amount: number;
  readonly quantity: number;
  readonly unit: string | null;
}

const MINUTES_PER_DAY = 1440;

class SampleOrganisation implements SampleOrg {
  readonly kind = 'sample' as const;
  readonly seed: number;
  readonly projectList: readonly Project[];
  readonly users = USERS;
  readonly apiKeys = API_KEYS;
  readonly models: readonly string[];
  readonly dataStart: number;

  private readonly clock: () => number;
  private readonly anchorDay: number;
  private readonly streams: readonly Stream[];
  private readonly byEndpoint: ReadonlyMap<UsageEndpointId, readonly Stream[]>;
  private readonly dayCache = new Map<number, DayTotals>();
  private readonly costCache = new Map<string, readonly CostRow[]>();
  private readonly spendLimits = new Map<string, SpendLimit>(INITIAL_LIMITS);
  private readonly spendAlerts = new Map<string, SpendAlert[]>(INITIAL_ALERTS.map(([k, v]) => [k, v.map((a) => ({ ...a }))]));
  private alertSerial = 0;

  constructor(options: SampleOrgOptions) {
    const now = options.now;
    const fixed = typeof now === 'number' ? now : undefined;
    this.clock = typeof now === 'function' ? now : fixed !== undefined ? (): number => fixed : Date.now;
    this.seed = options.seed ?? 1;
    this.anchorDay = dayIndex(Math.floor(this.clock() / 1000));
    this.dataStart = (this.anchorDay - HISTORY_DAYS) * DAY_SECONDS;

    const projectById = new Map(PROJECTS.map((p) => [p.id, p]));
    this.projectList = PROJECTS.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.archivedAt === undefined ? 'active' : 'archived',
      createdAt: (this.anchorDay + p.from) * DAY_SECONDS + 9 * 3600,
    }));
    const keyById = new Map(API_KEYS.map((k) => [k.id, k]));
    this.streams = STREAMS.map((def, index) => {
      const project = projectById.get(def.project);
      if (!project) throw new Error(`sample stream for unknown project ${def.project}`);
      const key = def.key === undefined ? undefined : keyById.get(def.key);
      const spec = ENDPOINTS[def.endpoint];
      const dims: Partial<Record<Dimension, string>> = { project_id: def.project };
      if (spec.groupBy.includes('api_key_id') && key) dims.api_key_id = key.id;
      if (spec.groupBy.includes('user_id') && key) dims.user_id = key.ownerUserId;
      if (spec.groupBy.includes('model') && def.model !== undefined) dims.model = def.model;
      if (spec.groupBy.includes('batch')) dims.batch = String(def.batch === true);
      if (spec.groupBy.includes('service_tier')) dims.service_tier = def.serviceTier ?? 'default';
      if (spec.groupBy.includes('size') && def.size !== undefined) dims.size = def.size;
      if (spec.groupBy.includes('source') && def.source !== undefined) dims.source = def.source;
      if (spec.groupBy.includes('vector_store_id') && def.vectorStore !== undefined) dims.vector_store_id = def.vectorStore;
      if (spec.groupBy.includes('context_level') && def.contextLevel !== undefined) dims.context_level = def.contextLevel;
      return {
        def,
        index,
        metrics: spec.metrics,
        dims,
        user: key?.ownerUserId,
        fromDay: this.anchorDay + project.from,
        toDay: project.archivedAt === undefined ? Infinity : this.anchorDay + project.archivedAt,
      };
    });
    const byEndpoint = new Map<UsageEndpointId, Stream[]>();
    for (const s of this.streams) byEndpoint.set(s.def.endpoint, [...(byEndpoint.get(s.def.endpoint) ?? []), s]);
    this.byEndpoint = byEndpoint;
    this.models = [...new Set(STREAMS.flatMap((s) => (s.model === undefined ? [] : [s.model])))];
  }

  now(): number {
    return this.clock();
  }

  async projects(signal?: AbortSignal): Promise<Project[]> {
    await settle(signal);
    return this.projectList.map((p) => ({ ...p }));
  }

  async query(query: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]> {
    await settle(signal);
    return this.querySync(query);
  }

  querySync(query: UsageQuery): UsageBucket[] {
    const spec = ENDPOINTS[query.endpoint];
    if (!spec) throw new SampleQueryError(`unknown endpoint ${String(query.endpoint)}`);
    const width: BucketWidth = query.bucketWidth ?? '1d';
    if (!spec.widths.includes(width)) throw new SampleQueryError(`bucket_width ${width} is not supported by ${spec.path}`);
    const groupBy = query.groupBy ?? [];
    for (const dim of groupBy) {
      if (!spec.groupBy.includes(dim)) throw new SampleQueryError(`group_by ${dim} is not supported by ${spec.path}`);
    }
    if (!Number.isFinite(query.startTime)) throw new SampleQueryError('start_time is required');

    const nowSec = Math.floor(this.clock() / 1000);
    const widthSec = WIDTH_SECONDS[width];
    const stop = Math.min(query.endTime ?? nowSec, nowSec);
    const buckets: UsageBucket[] = [];
    for (let start = alignDown(query.startTime, widthSec); start < stop; start += widthSec) {
      const end = start + widthSec;
      const rows = query.endpoint === 'costs' ? this.costRows(start, nowSec, query, groupBy) : this.usageRows(query.endpoint, start, end, nowSec, query, groupBy);
      buckets.push({ startTime: start, endTime: end, rows });
    }
    return buckets;
  }

  // --- usage --------------------------------------------------------------------------------

  private usageRows(
    endpoint: UsageEndpointId,
    start: number,
    end: number,
    nowSec: number,
    query: UsageQuery,
    groupBy: readonly Dimension[],
  ): UsageRow[] {
    const streams = (this.byEndpoint.get(endpoint) ?? []).filter((s) => matches(s, query, ENDPOINTS[endpoint].filters));
    if (streams.length === 0) return [];
    const day = dayIndex(start);
    const totals = this.dayTotals(day);
    const dayStartSec = day * DAY_SECONDS;
    // Only whole elapsed minutes count, so the bucket containing "now" is partial, never ahead.
    const elapsedMinute = Math.min(MINUTES_PER_DAY, Math.floor((nowSec - dayStartSec) / 60));
    const fromMinute = Math.min((start - dayStartSec) / 60, elapsedMinute);
    const toMinute = Math.min((end - dayStartSec) / 60, elapsedMinute);

    const groups = new Map<string, { dims: Partial<Record<Dimension, string>>; values: Record<string, number> }>();
    for (const s of streams) {
      const t = totals[s.index];
      if (!t) continue;
      const key = groupBy.map((d) => s.dims[d] ?? '').join('\u0000');
      let group = groups.get(key);
      if (!group) {
        const dims: Partial<Record<Dimension, string>> = {};
        for (const d of groupBy) {
          const value = s.dims[d];
          if (value !== undefined) dims[d] = value;
        }
        group = { dims, values: Object.fromEntries(s.metrics.map((m) => [m, 0])) };
        groups.set(key, group);
      }
      const values = group.values;
      const part = splitStream(s, t, fromMinute, toMinute);
      for (const metric of s.metrics) values[metric] = (values[metric] ?? 0) + (part[metric] ?? 0);
    }
    const rows: UsageRow[] = [];
    for (const g of groups.values()) {
      if (Object.values(g.values).some((v) => v !== 0)) rows.push({ values: g.values, dims: g.dims });
    }
    return rows;
  }

  /** Full-day integer totals of every stream on absolute day `day`, computed once. */
  private dayTotals(day: number): DayTotals {
    const cached = this.dayCache.get(day);
    if (cached) return cached;
    const totals = this.streams.map((s) => (day >= s.fromDay && day < s.toDay ? this.streamDay(s, day) : undefined));
    this.dayCache.set(day, totals);
    return totals;
  }

  private streamDay(s: Stream, day: number): number[] {
    const def = s.def;
    const seed = this.seed;
    const offset = day - this.anchorDay;
    const trend = Math.exp(def.growth * offset);
    // New projects ramp up over their first two weeks.
    const ramp = Math.min(1, (day - s.fromDay + 1) / 14);
    if (def.endpoint === 'vector_stores') {
      const bytes = Math.round(def.base * trend * ramp * jitter(seed, 0.01, s.index, day));
      return s.metrics.map(() => bytes);
    }
    const wd = weekday(day * DAY_SECONDS);
    const weekly = wd === 0 || wd === 6 ? def.weekend : 1;
    // Roughly one day in forty is a spike (a launch, a backfill, a runaway loop).
    const spike = uniform(seed, s.index, day, 7) < 0.025 ? 2 + uniform(seed, s.index, day, 8) : 1;
    const requests = Math.max(0, Math.round(def.base * weekly * trend * ramp * spike * jitter(seed, 0.3, s.index, day)));
    if (def.endpoint === 'completions') return this.completionsDay(s, day, requests);
    return s.metrics.map((metric, i) => {
      const per = def.perRequest?.[metric];
      if (COUNT_METRICS.has(metric) && per === undefined) return requests;
      if (metric === 'input_tokens') return Math.round(requests * (per ?? 0) * jitter(seed, 0.15, s.index, day, 11));
      return Math.round(requests * (per ?? 0) * jitter(seed, 0.15, s.index, day, 20 + i));
    });
  }

  /** A completions stream's day: the leaves first, every total the sum of its leaves. */
  private completionsDay(s: Stream, day: number, requests: number): number[] {
    const def = s.def;
    const seed = this.seed;
    const input = Math.round(requests * (def.perRequest?.input_tokens ?? 0) * jitter(seed, 0.15, s.index, day, 11));
    const output = Math.round(requests * (def.perRequest?.output_tokens ?? 0) * jitter(seed, 0.15, s.index, day, 21));
    const share = def.cachedShare ?? 0;
    const cached = Math.min(input, Math.round(input * share * jitter(seed, 0.3, s.index, day, 12)));
    // Prompts that get cached are written first: a few percent of the rest, where caching happens.
    const cacheWrite = share > 0 ? Math.round((input - cached) * 0.04) : 0;
    const uncached = input - cached - cacheWrite;
    const byModality = (total: number, audio: number, image: number): [number, number, number] => {
      const a = Math.round(total * audio);
      const i = Math.min(total - a, Math.round(total * image));
      return [total - a - i, a, i];
    };
    const [inText, inAudio, inImage] = byModality(uncached, def.audioShare ?? 0, def.imageShare ?? 0);
    const [cText, cAudio, cImage] = byModality(cached, def.audioShare ?? 0, def.imageShare ?? 0);
    const [outText, outAudio, outImage] = byModality(output, def.outAudioShare ?? 0, def.outImageShare ?? 0);
    const v: Record<string, number> = {
      input_tokens: input,
      output_tokens: output,
      input_cached_tokens: cached,
      input_cache_write_tokens: cacheWrite,
      input_uncached_tokens: uncached,
      input_text_tokens: inText,
      output_text_tokens: outText,
      input_cached_text_tokens: cText,
      input_audio_tokens: inAudio,
      input_cached_audio_tokens: cAudio,
      output_audio_tokens: outAudio,
      input_image_tokens: inImage,
      input_cached_image_tokens: cImage,
      output_image_tokens: outImage,
      num_model_requests: requests,
    };
    return s.metrics.map((m) => v[m] ?? 0);
  }

  // --- names and budgets --------------------------------------------------------------------

  namesSync(): SampleNames {
    const users = new Map(USERS.map((u) => [u.id, u]));
    const apiKeys = API_KEYS.map((k): ApiKeyInfo => {
      const project = this.projectList.find((p) => p.id === k.projectId);
      const user = users.get(k.ownerUserId);
      const created = (project?.createdAt ?? this.dataStart) + 3600;
      const archived = PROJECTS.find((p) => p.id === k.projectId)?.archivedAt;
      const lastUsed = archived === undefined ? Math.floor(this.clock() / 1000) - 120 : (this.anchorDay + archived) * DAY_SECONDS - 3600;
      return {
        id: k.id,
        name: k.name,
        redactedValue: `sk-proj-...${k.id.slice(-4)}`,
        projectId: k.projectId,
        owner: k.serviceAccount
          ? { type: 'service_account', id: k.serviceAccount.id, name: k.serviceAccount.name }
          : { type: 'user', id: k.ownerUserId, ...(user ? { name: user.name, email: user.email } : {}) },
        createdAt: created,
        lastUsedAt: lastUsed,
      };
    });
    return { apiKeys, adminKeys: ADMIN_KEYS.map((k) => ({ ...k, createdAt: this.dataStart })), users: USERS.map((u) => ({ ...u })) };
  }

  budgetsSync(): SampleBudgets {
    return {
      spendLimits: new Map(this.spendLimits),
      spendAlerts: new Map([...this.spendAlerts].map(([k, v]) => [k, v.map((a) => ({ ...a }))])),
    };
  }

  async names(signal?: AbortSignal): Promise<NameDirectory> {
    await settle(signal);
    const n = this.namesSync();
    return { apiKeys: { ok: true, items: n.apiKeys }, adminKeys: { ok: true, items: n.adminKeys }, users: { ok: true, items: n.users } };
  }

  async getSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<SpendLimit | null> {
    await settle(signal);
    return this.spendLimits.get(this.scopeKey(scope)) ?? null;
  }

  async setSpendLimit(scope: BudgetScope, input: SpendLimitInput, signal?: AbortSignal): Promise<SpendLimit> {
    await settle(signal);
    if (!Number.isInteger(input.thresholdCents) || input.thresholdCents < 1) throw new SampleQueryError('threshold_amount must be whole cents, at least 1');
    const limit: SpendLimit = {
      thresholdCents: input.thresholdCents,
      currency: input.currency ?? 'USD',
      interval: input.interval ?? 'month',
      enforcing: true,
      enforcementStatus: 'enforcing',
    };
    this.spendLimits.set(this.scopeKey(scope), limit);
    return limit;
  }

  async deleteSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<void> {
    await settle(signal);
    if (!this.spendLimits.delete(this.scopeKey(scope))) throw new SampleNotFoundError('No spend limit is set.');
  }

  async listSpendAlerts(scope: BudgetScope, signal?: AbortSignal): Promise<SpendAlert[]> {
    await settle(signal);
    return (this.spendAlerts.get(this.scopeKey(scope)) ?? []).map((a) => ({ ...a }));
  }

  async createSpendAlert(scope: BudgetScope, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert> {
    await settle(signal);
    const key = this.scopeKey(scope);
    const alert = sampleAlert(`alert_sample_new_${++this.alertSerial}`, input);
    this.spendAlerts.set(key, [...(this.spendAlerts.get(key) ?? []), alert]);
    return { ...alert };
  }

  async updateSpendAlert(scope: BudgetScope, alertId: string, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert> {
    await settle(signal);
    const key = this.scopeKey(scope);
    const list = this.spendAlerts.get(key) ?? [];
    if (!list.some((a) => a.id === alertId)) throw new SampleNotFoundError(`No spend alert ${alertId}.`);
    const alert = sampleAlert(alertId, input);
    this.spendAlerts.set(key, list.map((a) => (a.id === alertId ? alert : a)));
    return { ...alert };
  }

  async deleteSpendAlert(scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<void> {
    await settle(signal);
    const key = this.scopeKey(scope);
    const list = this.spendAlerts.get(key) ?? [];
    if (!list.some((a) => a.id === alertId)) throw new SampleNotFoundError(`No spend alert ${alertId}.`);
    this.spendAlerts.set(key, list.filter((a) => a.id !== alertId));
  }

  private scopeKey(scope: BudgetScope): string {
    if (scope.projectId === undefined) return ORG;
    if (!this.projectList.some((p) => p.id === scope.projectId)) throw new SampleNotFoundError(`No project ${scope.projectId}.`);
    return scope.projectId;
  }

  // --- costs --------------------------------------------------------------------------------

  private costRows(start: number, nowSec: number, query: UsageQuery, groupBy: readonly Dimension[]): UsageRow[] {
    const day = dayIndex(start);
    const elapsedMinute = Math.min(MINUTES_PER_DAY, Math.floor((nowSec - day * DAY_SECONDS) / 60));
    const projectIds = query.projectIds;
    const keyIds = query.apiKeyIds;
    const byProject = groupBy.includes('project_id');
    const byLineItem = groupBy.includes('line_item');
    const byKey = groupBy.includes('api_key_id');
    const groups = new Map<string, { dims: Partial<Record<Dimension, string>>; amount: number; quantity: number; units: Set<string | null> }>();
    for (const row of this.dayCosts(day, elapsedMinute)) {
      if (projectIds && projectIds.length > 0 && !projectIds.includes(row.project)) continue;
      // A cost without a key (storage) is left out when keys are asked for, as the API does.
      if (keyIds && keyIds.length > 0 && (row.key === undefined || !keyIds.includes(row.key))) continue;
      const key = `${byProject ? row.project : ''}\u0000${byLineItem ? row.lineItem : ''}\u0000${byKey ? (row.key ?? '') : ''}`;
      let group = groups.get(key);
      if (!group) {
        const dims: Partial<Record<Dimension, string>> = {};
        if (byProject) dims.project_id = row.project;
        if (byLineItem) dims.line_item = row.lineItem;
        // A cost without a key (storage) has no api_key_id, as the API sends null.
        if (byKey && row.key !== undefined) dims.api_key_id = row.key;
        group = { dims, amount: 0, quantity: 0, units: new Set() };
        groups.set(key, group);
      }
      group.amount += row.amount;
      group.quantity += row.quantity;
      group.units.add(row.unit);
    }
    return [...groups.values()].map((g): UsageRow => {
      // Every part is whole cents, so rounding the sum only removes float noise.
      const row: UsageRow = { values: { amount: Math.round(g.amount * 100) / 100, quantity: roundTo(g.quantity, 6) }, dims: g.dims, currency: 'usd' };
      // One unit for the whole group, or none: quantities of different units are not one number.
      const [unit] = g.units;
      return g.units.size === 1 && unit ? { ...row, quantityUnit: unit } : row;
    });
  }

  /** Cost rows (project × line item × key, whole cents) for day `day` up to `elapsedMinute`. */
  private dayCosts(day: number, elapsedMinute: number): readonly CostRow[] {
    if (elapsedMinute <= 0) return [];
    const cacheKey = `${day}:${elapsedMinute}`;
    const cached = this.costCache.get(cacheKey);
    if (cached) return cached;
    const totals = this.dayTotals(day);
    const sums = new Map<string, { project: string; lineItem: string; key: string | undefined; amount: number; quantity: number; unit: string | null }>();
    for (const s of this.streams) {
      const t = totals[s.index];
      if (!t) continue;
      const values = splitStream(s, t, 0, elapsedMinute);
      // Code interpreter sessions have no key in usage; bill them to the project's first key.
      const key = s.def.key ?? (s.def.endpoint === 'vector_stores' ? undefined : API_KEYS.find((k) => k.projectId === s.def.project)?.id);
      for (const [lineItem, amount, quantity, unit] of priceStream(s.def, values, elapsedMinute / MINUTES_PER_DAY)) {
        const k = `${s.def.project}\u0000${lineItem}\u0000${key ?? ''}`;
        const sum = sums.get(k) ?? { project: s.def.project, lineItem, key, amount: 0, quantity: 0, unit };
        sum.amount += amount;
        sum.quantity += quantity;
        sums.set(k, sum);
      }
    }
    const rows: CostRow[] = [];
    for (const sum of sums.values()) {
      const amount = Math.round(sum.amount * 100) / 100;
      if (amount > 0) rows.push({ ...sum, amount });
    }
    // Today's key changes every minute; keep the cache from growing without bound.
    if (this.costCache.size > 2000) this.costCache.clear();
    this.costCache.set(cacheKey, rows);
    return rows;
  }
}

/**
 * The integer amount of a day's `total` used by the end of minute `minute` (0 … 1440): hours by
 * cumulative rounding of the profile, minutes evenly within the hour. Monotone, 0 at 0 and `total`
 * at 1440, so any split of the day into buckets sums back to the day exactly.
 */
function cumulative(total: number, cum: readonly number[], minute: number): number {
  if (minute <= 0) return 0;
  if (minute >= MINUTES_PER_DAY) return total;
  const hour = Math.floor(minute / 60);
  const m = minute - hour * 60;
  const atHour = Math.round(total * (cum[hour] ?? 0));
  const nextHour = Math.round(total * (cum[hour + 1] ?? 1));
  return atHour + Math.floor(((nextHour - atHour) * m) / 60);
}

/**
 * A stream's share of its day between two minutes, per metric: levels (bytes stored) as they are,
 * counts split by time, and completions' totals re-added from their split leaves.
 */
function splitStream(s: Stream, t: readonly number[], fromMinute: number, toMinute: number): Record<string, number> {
  const cum = CUMULATIVE[s.def.profile];
  const out: Record<string, number> = {};
  s.metrics.forEach((metric, i) => {
    const total = t[i] ?? 0;
    out[metric] = LEVEL_METRICS.has(metric) ? total : cumulative(total, cum, toMinute) - cumulative(total, cum, fromMinute);
  });
  if (s.def.endpoint !== 'completions') return out;
  for (const [metric, leaves] of Object.entries(DERIVED)) out[metric] = leaves.reduce((sum, leaf) => sum + (out[leaf] ?? 0), 0);
  return out;
}

function matches(s: Stream, q: UsageQuery, supported: readonly string[]): boolean {
  const has = (name: string, list: readonly string[] | undefined, value: string | undefined): boolean =>
    !supported.includes(name) || list === undefined || list.length === 0 || (value !== undefined && list.includes(value));
  return (
    has('projectIds', q.projectIds, s.def.project) &&
    has('userIds', q.userIds, s.user) &&
    has('apiKeyIds', q.apiKeyIds, s.def.key) &&
    has('models', q.models, s.def.model) &&
    has('sources', q.sources, s.def.source) &&
    has('sizes', q.sizes, s.def.size) &&
    has('vectorStoreIds', q.vectorStoreIds, s.def.vectorStore) &&
    has('contextLevels', q.contextLevels, s.def.contextLevel) &&
    (!supported.includes('batch') || q.batch === undefined || (s.def.batch === true) === q.batch)
  );
}

/** An alert from what a person asked for, checked as the API checks it. */
function sampleAlert(id: string, input: SpendAlertInput): SpendAlert {
  if (!Number.isInteger(input.thresholdCents) || input.thresholdCents < 0) throw new SampleQueryError('threshold_amount must be whole cents');
  if (input.recipients.length === 0) throw new SampleQueryError('a spend alert needs at least one recipient');
  return {
    id,
    thresholdCents: input.thresholdCents,
    currency: input.currency ?? 'USD',
    interval: input.interval ?? 'month',
    recipients: [...input.recipients],
    ...(input.subjectPrefix === undefined ? {} : { subjectPrefix: input.subjectPrefix }),
  };
}

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Yields to the event loop like a network call would, honouring an abort before and after. */
async function settle(signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

/**
 * A deterministic sample organisation: the same `seed` and `now` always give the same data.
 * Without `now` it follows the real clock, so today's spend grows through the day.
 */
export function createSampleOrg(options: SampleOrgOptions = {}): SampleOrg {
  return new SampleOrganisation(options);
}
