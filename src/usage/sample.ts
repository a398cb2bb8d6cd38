// A deterministic synthetic organisation for "Try with Sample Data", the fake API server and the
// tests. It answers every query of the nine endpoints with the API's semantics (UTC-aligned
// buckets, filters, group_by, nothing after "now"), so sample mode exercises the same code paths
// as a real key.
//
// Model: a fixed list of "streams" (one project × key × model × … combination each). A stream has
// an integer total per metric per UTC day (weekly rhythm, gentle trend, seeded noise); an hourly
// profile splits the day by cumulative rounding, and minutes split an hour evenly, so minutes sum
// exactly to hours and hours to days. Costs are priced from the same numbers.

import { ENDPOINTS, WIDTH_SECONDS } from '../shared/endpoints';
import type { BucketWidth, Dimension, EndpointId, Project, UsageBucket, UsageQuery, UsageRow } from '../shared/endpoints';
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
  { id: 'key_sample_data_batch', name: 'nightly-batch', projectId: 'proj_sample_data', ownerUserId: 'user_sample_erin' },
  { id: 'key_sample_data_etl', name: 'etl-worker', projectId: 'proj_sample_data', ownerUserId: 'user_sample_alice' },
  { id: 'key_sample_studio', name: 'studio-app', projectId: 'proj_sample_studio', ownerUserId: 'user_sample_dave' },
  { id: 'key_sample_legacy', name: 'legacy-bot', projectId: 'proj_sample_legacy', ownerUserId: 'user_sample_bob' },
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
  readonly profile: Profile;
  /** Requests (or sessions) per weekday at the anchor; for vector stores, bytes stored. */
  readonly base: number;
  /** Average amount of each other metric per request. */
  readonly perRequest?: Readonly<Record<string, number>>;
  /** Share of input tokens served from cache. */
  readonly cachedShare?: number;
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
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o', 2200, 1800, 350, { cachedShare: 0.35 }),
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o-mini', 9000, 900, 200),
  chat(SUPPORT, 'key_sample_support_dev', 'gpt-4o-mini', 600, 1200, 260, { weekend: 0.1, growth: 0.001 }),
  chat(SUPPORT, 'key_sample_support_prod', 'gpt-4o-audio-preview', 150, 300, 90, {
    perRequest: { input_tokens: 300, output_tokens: 90, input_audio_tokens: 600, output_audio_tokens: 900 },
    cachedShare: 0.05,
  }),
  usageStream('moderations', SUPPORT, 'key_sample_support_prod', 'omni-moderation-latest', 9000, { input_tokens: 250 }),
  usageStream('embeddings', SUPPORT, 'key_sample_support_prod', 'text-embedding-3-small', 3000, { input_tokens: 400 }),
  usageStream('audio_speeches', SUPPORT, 'key_sample_support_prod', 'tts-1', 400, { characters: 350 }),
  usageStream('audio_transcriptions', SUPPORT, 'key_sample_support_prod', 'whisper-1', 250, { seconds: 45 }),
  storage(SUPPORT, 2.1e9),
  // Search & Retrieval: embeddings-heavy indexing plus reasoning over results.
  usageStream('embeddings', SEARCH, 'key_sample_search', 'text-embedding-3-small', 20000, { input_tokens: 800 }, { weekend: 0.7 }),
  usageStream('embeddings', SEARCH, 'key_sample_search', 'text-embedding-3-large', 2000, { input_tokens: 600 }, { weekend: 0.7 }),
  chat(SEARCH, 'key_sample_search', 'o3-mini', 800, 3000, 1500, { cachedShare: 0.1 }),
  chat(SEARCH, 'key_sample_search', 'gpt-4o-mini', 3000, 1500, 180),
  storage(SEARCH, 14e9),
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
  chat(STUDIO, 'key_sample_studio', 'gpt-4o', 500, 1200, 500, { growth: 0.004 }),
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

/** The cost line items one stream's day adds: [line item, amount, quantity]. */
function priceStream(def: StreamDef, v: Readonly<Record<string, number>>, dayFraction: number): [string, number, number][] {
  const model = def.model ?? '';
  switch (def.endpoint) {
    case 'completions': {
      const p = TOKEN_PRICES[model];
      if (!p) return [];
      // Batch and flex are billed at half price, as a separate line like the real invoice.
      const discounted = def.batch === true || def.serviceTier === 'flex';
      const f = discounted ? 0.5 : 1;
      const tag = def.batch === true ? 'batch ' : def.serviceTier === 'flex' ? 'flex ' : '';
      const cached = v.input_cached_tokens ?? 0;
      const uncached = (v.input_tokens ?? 0) - cached;
      const items: [string, number, number][] = [
        [`${model}, ${tag}input`, uncached * p.input * f * PER_MILLION, uncached],
        [`${model}, ${tag}cached input`, cached * p.cached * f * PER_MILLION, cached],
        [`${model}, ${tag}output`, (v.output_tokens ?? 0) * p.output * f * PER_MILLION, v.output_tokens ?? 0],
      ];
      if (p.audioInput !== undefined) items.push([`${model}, audio input`, (v.input_audio_tokens ?? 0) * p.audioInput * PER_MILLION, v.input_audio_tokens ?? 0]);
      if (p.audioOutput !== undefined) items.push([`${model}, audio output`, (v.output_audio_tokens ?? 0) * p.audioOutput * PER_MILLION, v.output_audio_tokens ?? 0]);
      return items;
    }
    case 'embeddings':
      return [['embeddings', (v.input_tokens ?? 0) * (EMBEDDING_PRICES[model] ?? 0) * PER_MILLION, v.input_tokens ?? 0]];
    case 'moderations':
      return []; // free
    case 'images':
      return [['images', (v.images ?? 0) * (IMAGE_PRICES[`${model} ${def.size ?? ''}`] ?? 0.04), v.images ?? 0]];
    case 'audio_speeches':
      return [['tts', (v.characters ?? 0) * (TTS_PRICES[model] ?? 15) * PER_MILLION, v.characters ?? 0]];
    case 'audio_transcriptions':
      return [['whisper', (v.seconds ?? 0) * WHISPER_PER_SECOND, v.seconds ?? 0]];
    case 'code_interpreter_sessions':
      return [['code interpreter', (v.num_sessions ?? 0) * CODE_INTERPRETER_PER_SESSION, v.num_sessions ?? 0]];
    case 'vector_stores': {
      // Storage is billed per GB-day; today only the elapsed part of the day so far.
      const gbDays = ((v.usage_bytes ?? 0) / 1e9) * dayFraction;
      return [['file search', gbDays * FILE_SEARCH_PER_GB_DAY, gbDays]];
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
const COUNT_METRICS = new Set(['num_model_requests', 'num_sessions']);

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
      const cum = CUMULATIVE[s.def.profile];
      const values = group.values;
      for (let i = 0; i < s.metrics.length; i++) {
        const metric = s.metrics[i] as string;
        const total = t[i] ?? 0;
        // A level (bytes stored) is reported as is in every bucket; counts are split by time.
        const v = LEVEL_METRICS.has(metric) ? total : cumulative(total, cum, toMinute) - cumulative(total, cum, fromMinute);
        values[metric] = (values[metric] ?? 0) + v;
      }
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
    const input = Math.round(requests * (def.perRequest?.input_tokens ?? 0) * jitter(seed, 0.15, s.index, day, 11));
    return s.metrics.map((metric, i) => {
      if (COUNT_METRICS.has(metric)) return requests;
      if (metric === 'input_tokens') return input;
      if (metric === 'input_cached_tokens') return Math.min(input, Math.round(input * (def.cachedShare ?? 0) * jitter(seed, 0.3, s.index, day, 12)));
      const per = def.perRequest?.[metric] ?? 0;
      return Math.round(requests * per * jitter(seed, 0.15, s.index, day, 20 + i));
    });
  }

  // --- costs --------------------------------------------------------------------------------

  private costRows(start: number, nowSec: number, query: UsageQuery, groupBy: readonly Dimension[]): UsageRow[] {
    const day = dayIndex(start);
    const elapsedMinute = Math.min(MINUTES_PER_DAY, Math.floor((nowSec - day * DAY_SECONDS) / 60));
    const projectIds = query.projectIds;
    const byProject = groupBy.includes('project_id');
    const byLineItem = groupBy.includes('line_item');
    const byKey = groupBy.includes('api_key_id');
    const groups = new Map<string, { dims: Partial<Record<Dimension, string>>; amount: number; quantity: number }>();
    for (const row of this.dayCosts(day, elapsedMinute)) {
      if (projectIds && projectIds.length > 0 && !projectIds.includes(row.project)) continue;
      const key = `${byProject ? row.project : ''}\u0000${byLineItem ? row.lineItem : ''}\u0000${byKey ? (row.key ?? '') : ''}`;
      let group = groups.get(key);
      if (!group) {
        const dims: Partial<Record<Dimension, string>> = {};
        if (byProject) dims.project_id = row.project;
        if (byLineItem) dims.line_item = row.lineItem;
        // A cost without a key (storage) has no api_key_id, as the API sends null.
        if (byKey && row.key !== undefined) dims.api_key_id = row.key;
        group = { dims, amount: 0, quantity: 0 };
        groups.set(key, group);
      }
      group.amount += row.amount;
      group.quantity += row.quantity;
    }
    return [...groups.values()].map((g) => ({
      // Every part is whole cents, so rounding the sum only removes float noise.
      values: { amount: Math.round(g.amount * 100) / 100, quantity: roundTo(g.quantity, 6) },
      dims: g.dims,
      currency: 'usd',
    }));
  }

  /** Cost rows (project × line item × key, whole cents) for day `day` up to `elapsedMinute`. */
  private dayCosts(day: number, elapsedMinute: number): readonly CostRow[] {
    if (elapsedMinute <= 0) return [];
    const cacheKey = `${day}:${elapsedMinute}`;
    const cached = this.costCache.get(cacheKey);
    if (cached) return cached;
    const totals = this.dayTotals(day);
    const sums = new Map<string, { project: string; lineItem: string; key: string | undefined; amount: number; quantity: number }>();
    for (const s of this.streams) {
      const t = totals[s.index];
      if (!t) continue;
      const cum = CUMULATIVE[s.def.profile];
      const values: Record<string, number> = {};
      s.metrics.forEach((metric, i) => {
        const total = t[i] ?? 0;
        values[metric] = LEVEL_METRICS.has(metric) ? total : cumulative(total, cum, elapsedMinute);
      });
      // Code interpreter sessions have no key in usage; bill them to the project's first key.
      const key = s.def.key ?? (s.def.endpoint === 'vector_stores' ? undefined : API_KEYS.find((k) => k.projectId === s.def.project)?.id);
      for (const [lineItem, amount, quantity] of priceStream(s.def, values, elapsedMinute / MINUTES_PER_DAY)) {
        const k = `${s.def.project}\u0000${lineItem}\u0000${key ?? ''}`;
        const sum = sums.get(k) ?? { project: s.def.project, lineItem, key, amount: 0, quantity: 0 };
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
    (!supported.includes('batch') || q.batch === undefined || (s.def.batch === true) === q.batch)
  );
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
