// zod schemas of every response, tolerant exactly as SPEC §1 says: `result` or `results`, numbers
// as numeric strings, `batch` as bool/null/string, unknown fields and unknown result kinds
// ignored, non-finite numbers rejected. Everything is normalised to the shapes of endpoints.ts.

import { z } from 'zod';
import { ENDPOINTS, ENDPOINT_IDS, endpointForResultObject } from '../shared/endpoints';
import type {
  ApiKeyInfo,
  Dimension,
  EndpointId,
  EndpointSpec,
  KeyOwner,
  Project,
  SpendAlert,
  SpendLimit,
  UsageBucket,
  UsageRow,
  UserInfo,
} from '../shared/endpoints';
import { responseShapeError } from './errors';
import { sanitizeLine } from '../shared/sanitize';

// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Text from the API as it is kept (a name, a model, a grouping value): one plain line, so nothing
 * downstream (terminal, log, Markdown, CSV) ever sees a control character, a line break or a bidi
 * override. Clean text (nearly all of it) is returned as is, without a copy.
 */
export function cleanText(text: string): string {
  return UNSAFE_TEXT.test(text) ? sanitizeLine(text) : text;
}

/** A name, cleaned; the fallback (an ID) when it is empty or nothing but control characters. */
function cleanName(name: string | null | undefined, ...fallbacks: (string | null | undefined)[]): string {
  for (const candidate of [name, ...fallbacks]) {
    const clean = candidate ? cleanText(candidate) : '';
    if (clean) return clean;
  }
  return '';
}

const NUMERIC_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number, sent as a JSON number or a numeric string ("12.5"). NaN, ±Infinity, "abc" fail. */
const finiteNumber = z
  .union([z.number(), z.string()])
  .transform((v, ctx): number => {
    const n = typeof v === 'number' ? v : NUMERIC_STRING.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: 'not a finite number' });
      return z.NEVER;
    }
    return n;
  });

/** A metric that may be missing or null: both count as 0. */
const metric = finiteNumber.nullish().transform((v): number => v ?? 0);

/** Unix seconds, as a number or a numeric string; must be an integer. */
const unixSeconds = finiteNumber.refine((n) => Number.isInteger(n), 'not an integer time');

/** A grouping dimension: a string (numbers tolerated), null/missing = not grouped by it. */
const dimension = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v): string | undefined => (v === null || v === undefined ? undefined : String(v)));

/** `batch` arrives as a boolean, null, or the strings "true"/"false". */
const batchDimension = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v, ctx): string | undefined => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === 'false') return s;
    ctx.addIssue({ code: 'custom', message: 'batch is not a boolean' });
    return z.NEVER;
  });

function dimensionSchema(dim: Dimension): typeof dimension | typeof batchDimension {
  return dim === 'batch' ? batchDimension : dimension;
}

function collectDims(raw: Record<string, string | undefined>, dims: readonly Dimension[]): Partial<Record<Dimension, string>> {
  const out: Partial<Record<Dimension, string>> = {};
  for (const d of dims) {
    const v = raw[d];
    if (v !== undefined) out[d] = cleanText(v);
  }
  return out;
}

/** The result schema of one usage endpoint, built from its row of the endpoint table. */
function usageResultSchema(spec: EndpointSpec): z.ZodType<UsageRow> {
  const shape: Record<string, z.ZodType> = {};
  for (const m of spec.metrics) shape[m] = metric;
  for (const d of spec.groupBy) shape[d] = dimensionSchema(d);
  return z.looseObject(shape).transform((r): UsageRow => {
    const values: Record<string, number> = {};
    for (const m of spec.metrics) values[m] = r[m] as number;
    return { values, dims: collectDims(r as Record<string, string | undefined>, spec.groupBy) };
  });
}

const costsResultSchema: z.ZodType<UsageRow> = z
  .looseObject({
    amount: z
      // ISO 4217 as the API sends it ("usd"); anything else is refused, never summed or shown.
      .looseObject({ value: finiteNumber.nullish(), currency: z.string().regex(/^[a-z]{3}$/, 'currency is not three lower-case letters').nullish() })
      .nullish(),
    quantity: finiteNumber.nullish(),
    quantity_unit: z.string().nullish(),
    project_id: dimension,
    line_item: dimension,
    api_key_id: dimension,
  })
  .transform((r): UsageRow => {
    const values: Record<string, number> = { amount: r.amount?.value ?? 0 };
    if (r.quantity !== null && r.quantity !== undefined) values.quantity = r.quantity;
    const dims = collectDims({ project_id: r.project_id, line_item: r.line_item, api_key_id: r.api_key_id }, ENDPOINTS.costs.groupBy);
    const currency = r.amount?.currency ?? undefined;
    const row: UsageRow = currency === undefined ? { values, dims } : { values, dims, currency };
    // The unit only means something beside a quantity ("1.2 M tokens").
    return r.quantity_unit && values.quantity !== undefined ? { ...row, quantityUnit: r.quantity_unit } : row;
  });

/** One schema per result kind (every endpoint of the table), keyed by endpoint. */
const RESULT_SCHEMAS: Readonly<Record<EndpointId, z.ZodType<UsageRow>>> = Object.fromEntries(
  ENDPOINT_IDS.map((id) => [id, id === 'costs' ? costsResultSchema : usageResultSchema(ENDPOINTS[id])]),
) as Record<EndpointId, z.ZodType<UsageRow>>;

const rawResult = z.looseObject({ object: z.string().nullish() });

const bucketSchema = z.looseObject({
  start_time: unixSeconds,
  end_time: unixSeconds,
  // The reference calls it `result`; real responses carry `results`.
  results: z.array(rawResult).nullish(),
  result: z.array(rawResult).nullish(),
});

const pageSchema = z.looseObject({
  object: z.string().nullish(),
  data: z.array(bucketSchema),
  has_more: z.union([z.boolean(), z.string()]).nullish(),
  next_page: z.string().nullish(),
});

export interface UsagePage {
  readonly buckets: UsageBucket[];
  readonly hasMore: boolean;
  readonly nextPage?: string;
}

/**
 * Validates one page of an endpoint and normalises it. Results of an unknown kind (or another
 * endpoint's kind) are skipped; a result without `object` is taken as this endpoint's kind.
 * Throws an ApiError `response_shape`.
 */
export function parseUsagePage(endpoint: EndpointId, body: unknown, what: string): UsagePage {
  const page = parseWith(pageSchema, body, what);
  const spec = ENDPOINTS[endpoint];
  const rowSchema = RESULT_SCHEMAS[endpoint];
  const buckets = page.data.map((b, i): UsageBucket => {
    const rows: UsageRow[] = [];
    const results = b.results ?? b.result ?? [];
    results.forEach((r, j) => {
      const kind = r.object ? endpointForResultObject(r.object) : spec;
      if (kind !== spec) return; // unknown or foreign kind: the API grows, we never fail on it
      rows.push(parseWith(rowSchema, r, what, ['data', i, 'results', j]));
    });
    return { startTime: b.start_time, endTime: b.end_time, rows };
  });
  const hasMore = page.has_more === true || page.has_more === 'true';
  const nextPage = page.next_page ?? undefined;
  return nextPage === undefined ? { buckets, hasMore } : { buckets, hasMore, nextPage };
}

const projectSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string().nullish(),
  created_at: finiteNumber.nullish(),
});

const projectsPageSchema = z.looseObject({
  object: z.string().nullish(),
  data: z.array(projectSchema),
  has_more: z.union([z.boolean(), z.string()]).nullish(),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
});

export interface ProjectsPage {
  readonly projects: Project[];
  readonly hasMore: boolean;
  readonly lastId?: string;
}

/** Validates one page of GET /organization/projects. Throws an ApiError `response_shape`. */
export function parseProjectsPage(body: unknown, what: string): ProjectsPage {
  const page = parseWith(projectsPageSchema, body, what);
  const projects = page.data.map((p): Project => {
    const base = { id: p.id, name: cleanName(p.name, p.id), status: p.status ?? 'active' };
    return p.created_at === null || p.created_at === undefined ? base : { ...base, createdAt: p.created_at };
  });
  const lastId = page.last_id ?? page.data.at(-1)?.id;
  const hasMore = page.has_more === true || page.has_more === 'true';
  return lastId === undefined ? { projects, hasMore } : { projects, hasMore, lastId };
}

/** safeParse that turns the first issue into a one-line `response_shape` ApiError. */
function parseWith<T>(schema: z.ZodType<T>, body: unknown, what: string, prefix: readonly PropertyKey[] = []): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].map(String).join('.');
  throw responseShapeError(what, `${path || 'body'}: ${issue?.message ?? 'invalid'}`, { cause: r.error });
}

// ---------------------------------------------------------------------------------------------
// Names and budgets. Lists are `{object:"list", data, first_id, last_id, has_more}` paged with
// `after`; everything is tolerant of missing optional fields and of fields the API adds.

const listEnvelope = {
  object: z.string().nullish(),
  has_more: z.union([z.boolean(), z.string()]).nullish(),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
};

export interface ListPage<T> {
  readonly items: T[];
  readonly hasMore: boolean;
  readonly lastId?: string;
}

function listPage<T extends { readonly id: string }>(
  data: T[],
  page: { has_more?: boolean | string | null; last_id?: string | null },
): ListPage<T> {
  const lastId = page.last_id ?? data.at(-1)?.id;
  const hasMore = page.has_more === true || page.has_more === 'true';
  return lastId === undefined ? { items: data, hasMore } : { items: data, hasMore, lastId };
}

const optionalTime = finiteNumber.nullish().transform((v): number | undefined => v ?? undefined);

const ownerPerson = z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), email: z.string().nullish() });

/** A project key's owner is `{type, user|service_account}`; an admin key's is flat `{type, id, name}`. */
const ownerSchema = z
  .looseObject({
    type: z.string().nullish(),
    id: z.string().nullish(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    user: ownerPerson.nullish(),
    service_account: ownerPerson.nullish(),
  })
  .transform((o): KeyOwner => {
    const type = o.type ?? (o.service_account ? 'service_account' : 'user');
    const who = (type === 'service_account' ? o.service_account : o.user) ?? o;
    return {
      type,
      ...(who.id ? { id: who.id } : {}),
      ...(who.name && cleanText(who.name) ? { name: cleanText(who.name) } : {}),
      ...(who.email && cleanText(who.email) ? { email: cleanText(who.email) } : {}),
    };
  });

const apiKeySchema = z
  .looseObject({
    id: z.string().min(1),
    name: z.string().nullish(),
    redacted_value: z.string().nullish(),
    created_at: optionalTime,
    last_used_at: optionalTime,
    owner: ownerSchema.nullish(),
  })
  .transform(
    (k): ApiKeyInfo => ({
      id: k.id,
      name: cleanName(k.name, k.id),
      redactedValue: k.redacted_value ?? '',
      ...(k.owner ? { owner: k.owner } : {}),
      ...(k.created_at === undefined ? {} : { createdAt: k.created_at }),
      ...(k.last_used_at === undefined ? {} : { lastUsedAt: k.last_used_at }),
    }),
  );

const apiKeysPageSchema = z.looseObject({ ...listEnvelope, data: z.array(apiKeySchema) });

/** One page of project API keys (`projectId` set on each) or, without a project, of admin keys. */
export function parseApiKeysPage(body: unknown, what: string, projectId?: string): ListPage<ApiKeyInfo> {
  const page = parseWith(apiKeysPageSchema, body, what);
  const items = projectId === undefined ? page.data : page.data.map((k) => ({ ...k, projectId }));
  return listPage(items, page);
}

const userSchema = z
  .looseObject({ id: z.string().min(1), name: z.string().nullish(), email: z.string().nullish() })
  .transform((u): UserInfo => ({ id: u.id, name: cleanName(u.name, u.email, u.id), ...(u.email && cleanText(u.email) ? { email: cleanText(u.email) } : {}) }));

const usersPageSchema = z.looseObject({ ...listEnvelope, data: z.array(userSchema) });

export function parseUsersPage(body: unknown, what: string): ListPage<UserInfo> {
  const page = parseWith(usersPageSchema, body, what);
  return listPage(page.data, page);
}

/** Cents are integers in the API; a fraction would mean we misread the unit, so it is refused. */
const cents = finiteNumber.refine((n) => Number.isInteger(n) && n >= 0, 'threshold_amount is not whole cents');

export const spendLimitSchema = z
  .looseObject({
    object: z.string().nullish(),
    threshold_amount: cents,
    currency: z.string().nullish(),
    interval: z.string().nullish(),
    enforcement: z.looseObject({ status: z.string().nullish() }).nullish(),
  })
  .transform((l): SpendLimit => {
    const status = l.enforcement?.status ?? 'inactive';
    return {
      thresholdCents: l.threshold_amount,
      currency: (l.currency ?? 'USD').toUpperCase(),
      interval: l.interval ?? 'month',
      enforcing: status === 'enforcing',
      enforcementStatus: status,
    };
  });

export function parseSpendLimit(body: unknown, what: string): SpendLimit {
  return parseWith(spendLimitSchema, body, what);
}

export const spendAlertSchema = z
  .looseObject({
    id: z.string().min(1),
    threshold_amount: cents,
    currency: z.string().nullish(),
    interval: z.string().nullish(),
    notification_channel: z
      .looseObject({ type: z.string().nullish(), recipients: z.array(z.string()).nullish(), subject_prefix: z.string().nullish() })
      .nullish(),
  })
  .transform(
    (a): SpendAlert => ({
      id: a.id,
      thresholdCents: a.threshold_amount,
      currency: (a.currency ?? 'USD').toUpperCase(),
      interval: a.interval ?? 'month',
      recipients: a.notification_channel?.recipients ?? [],
      ...(a.notification_channel?.subject_prefix ? { subjectPrefix: a.notification_channel.subject_prefix } : {}),
    }),
  );

export function parseSpendAlert(body: unknown, what: string): SpendAlert {
  return parseWith(spendAlertSchema, body, what);
}

const spendAlertsPageSchema = z.looseObject({ ...listEnvelope, data: z.array(spendAlertSchema) });

export function parseSpendAlertsPage(body: unknown, what: string): ListPage<SpendAlert> {
  const page = parseWith(spendAlertsPageSchema, body, what);
  return listPage(page.data, page);
}

const deletedSchema = z.looseObject({ object: z.string().nullish(), deleted: z.union([z.boolean(), z.string()]).nullish() });

/** A `{…deleted, deleted: true}` confirmation; anything else is a response-shape error. */
export function parseDeleted(body: unknown, what: string): void {
  const d = parseWith(deletedSchema, body, what);
  if (d.deleted !== true && d.deleted !== 'true') throw responseShapeError(what, 'deleted: not true');
}
