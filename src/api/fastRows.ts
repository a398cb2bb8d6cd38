// The hot path of every refresh: a hand-written guard that turns one page of a usage or costs
// endpoint (already JSON.parse'd) into buckets and rows, with exactly the output of the zod path
// in schemas.ts and the same rules (SPEC §1): finite numbers only, numeric strings accepted,
// `results` or `result`, unknown fields and unknown result kinds ignored, `batch` as
// bool/null/"true"/"false". zod stays the reference: test/unit/fastRows.test.ts feeds thousands of
// generated and mutated pages to both. A page the guard refuses is handed to the zod path, so the
// error a user sees (path and message) is the reference's, word for word.

import { ENDPOINTS } from '../shared/endpoints';
import type { Dimension, EndpointId, EndpointSpec, UsageBucket, UsageRow } from '../shared/endpoints';
import { cleanText, parseUsagePage } from './schemas';
import type { UsagePage } from './schemas';

// Same pattern as schemas.ts: the two must agree on what a numeric string is.
const NUMERIC_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain JSON object (what zod's object schemas accept from JSON.parse). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number from a number or a numeric string; NaN means "refuse". */
function toFinite(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v !== 'string') return Number.NaN;
  const t = v.trim();
  if (!NUMERIC_STRING.test(t)) return Number.NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Marks a refused value of a dimension (undefined already means "not grouped by it"). */
const BAD = null;

function dimensionValue(v: unknown): string | undefined | typeof BAD {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : BAD;
  return BAD;
}

function batchValue(v: unknown): string | undefined | typeof BAD {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'string') return BAD;
  const s = v.trim().toLowerCase();
  return s === 'true' || s === 'false' ? s : BAD;
}

/** What a row parser needs of its endpoint, computed once. */
interface RowPlan {
  readonly spec: EndpointSpec;
  readonly metrics: readonly string[];
  readonly dims: readonly Dimension[];
  readonly batchAt: number;
  /** Every metric at 0, in the endpoint's order: a row's values start as a copy of it. */
  readonly zeros: Readonly<Record<string, number>>;
}

const PLANS = new Map<EndpointId, RowPlan>();

function planFor(endpoint: EndpointId): RowPlan {
  let plan = PLANS.get(endpoint);
  if (!plan) {
    const spec = ENDPOINTS[endpoint];
    const zeros: Record<string, number> = {};
    for (const m of spec.metrics) zeros[m] = 0;
    plan = { spec, metrics: spec.metrics, dims: spec.groupBy, batchAt: spec.groupBy.indexOf('batch'), zeros };
    PLANS.set(endpoint, plan);
  }
  return plan;
}

function usageRow(plan: RowPlan, r: Record<string, unknown>): UsageRow | undefined {
  // A copy of one template: every row's values share one hidden class, no property is added.
  const values: Record<string, number> = { ...plan.zeros };
  const metrics = plan.metrics;
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i] as string;
    const raw = r[m];
    if (raw === null || raw === undefined) continue;
    if (typeof raw === 'number' && raw - raw === 0) {
      values[m] = raw; // the common case: a finite JSON number
      continue;
    }
    const n = toFinite(raw);
    if (n !== n) return undefined; // NaN: refused
    values[m] = n;
  }
  const dims: Partial<Record<Dimension, string>> = {};
  const names = plan.dims;
  for (let i = 0; i < names.length; i++) {
    const d = names[i] as Dimension;
    const v = i === plan.batchAt ? batchValue(r[d]) : dimensionValue(r[d]);
    if (v === BAD) return undefined;
    if (v !== undefined) dims[d] = v;
  }
  return { values, dims };
}

const COST_DIMS = ENDPOINTS.costs.groupBy;

function costsRow(r: Record<string, unknown>): UsageRow | undefined {
  const amount = r.amount;
  let value = 0;
  let currency: string | undefined;
  if (amount !== null && amount !== undefined) {
    if (!isObject(amount)) return undefined;
    const v = amount.value;
    if (v !== null && v !== undefined) {
      value = toFinite(v);
      if (value !== value) return undefined;
    }
    const c = amount.currency;
    if (c !== null && c !== undefined) {
      // SPEC §1: three lower-case letters, or the page is refused (by the zod path, with its words).
      if (typeof c !== 'string' || !/^[a-z]{3}$/.test(c)) return undefined;
      currency = c;
    }
  }
  const values: Record<string, number> = { amount: value };
  const q = r.quantity;
  if (q !== null && q !== undefined) {
    const n = toFinite(q);
    if (n !== n) return undefined;
    values.quantity = n;
  }
  const dims: Partial<Record<Dimension, string>> = {};
  for (let i = 0; i < COST_DIMS.length; i++) {
    const d = COST_DIMS[i] as Dimension;
    const v = dimensionValue(r[d]);
    if (v === BAD) return undefined;
    if (v !== undefined) dims[d] = v;
  }
  const row: UsageRow = currency === undefined ? { values, dims } : { values, dims, currency };
  // The unit only means something beside a quantity ("1.2 M tokens").
  const unit = r.quantity_unit;
  if (unit !== null && unit !== undefined && typeof unit !== 'string') return undefined;
  return unit && values.quantity !== undefined ? { ...row, quantityUnit: unit } : row;
}

/** `results`/`result` as zod checks it: missing, null, or an array of objects whose `object` is a string or nullish. */
function resultList(v: unknown): readonly unknown[] | undefined | typeof BAD {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) return BAD;
  for (let i = 0; i < v.length; i++) {
    const r: unknown = v[i];
    if (!isObject(r)) return BAD;
    const o = r.object;
    if (o !== null && o !== undefined && typeof o !== 'string') return BAD;
  }
  return v;
}

/** Integer Unix seconds (number or numeric string); NaN means "refuse". */
function unixSeconds(v: unknown): number {
  const n = toFinite(v);
  return Number.isInteger(n) ? n : Number.NaN;
}

/**
 * The guard itself: the normalised page, or undefined when any rule of the reference is broken.
 * Exported for the differential test; callers use parseUsagePageFast.
 */
export function tryParseUsagePage(endpoint: EndpointId, body: unknown): UsagePage | undefined {
  if (!isObject(body)) return undefined;
  const object = body.object;
  if (object !== null && object !== undefined && typeof object !== 'string') return undefined;
  const hasMoreRaw = body.has_more;
  if (hasMoreRaw !== null && hasMoreRaw !== undefined && typeof hasMoreRaw !== 'boolean' && typeof hasMoreRaw !== 'string') return undefined;
  const nextRaw = body.next_page;
  if (nextRaw !== null && nextRaw !== undefined && typeof nextRaw !== 'string') return undefined;
  const data = body.data;
  if (!Array.isArray(data)) return undefined;

  const plan = planFor(endpoint);
  const own = plan.spec.resultObject;
  const isCosts = endpoint === 'costs';
  const buckets: UsageBucket[] = new Array<UsageBucket>(data.length);
  for (let i = 0; i < data.length; i++) {
    const b: unknown = data[i];
    if (!isObject(b)) return undefined;
    const startTime = unixSeconds(b.start_time);
    const endTime = unixSeconds(b.end_time);
    if (startTime !== startTime || endTime !== endTime) return undefined;
    // Both keys are checked, as the reference does, even though `results` wins.
    const results = resultList(b.results);
    const legacy = resultList(b.result);
    if (results === BAD || legacy === BAD) return undefined;
    const list = results ?? legacy ?? [];
    const rows: UsageRow[] = [];
    for (let j = 0; j < list.length; j++) {
      const r = list[j] as Record<string, unknown>;
      const kind = r.object;
      // A result of another or an unknown kind is skipped; one without `object` is this endpoint's.
      if (typeof kind === 'string' && kind !== '' && kind !== own) continue;
      const row = isCosts ? costsRow(r) : usageRow(plan, r);
      if (row === undefined) return undefined;
      rows.push(row);
    }
    buckets[i] = { startTime, endTime, rows };
  }
  const hasMore = hasMoreRaw === true || hasMoreRaw === 'true';
  const nextPage = nextRaw ?? undefined;
  return nextPage === undefined ? { buckets, hasMore } : { buckets, hasMore, nextPage };
}

/**
 * Drop-in for schemas.ts's parseUsagePage, several times faster. A page the guard refuses goes
 * through the zod path, which throws the reference ResponseShapeError (or, were the guard ever
 * stricter than the reference, returns its answer: the reference decides).
 */
export function parseUsagePageFast(endpoint: EndpointId, body: unknown, what: string): UsagePage {
  return tryParseUsagePage(endpoint, body) ?? parseUsagePage(endpoint, body, what);
}
