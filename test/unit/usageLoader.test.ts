import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { Project, UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import { loadSnapshot, snapshotWindow } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { SampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { UsageSource } from '../../src/usage/source';
import { addDays, dayStartOfMs, monthStart, rangeForDays } from '../../src/shared/time';

const MORNING = Date.parse('2026-11-23T09:00:00Z');
const AFTERNOON = Date.parse('2026-11-23T16:30:00Z');
const TODAY = dayStartOfMs(MORNING);
const YESTERDAY = addDays(TODAY, -1);

interface Counting extends UsageSource {
  readonly queries: UsageQuery[];
  projectCalls: number;
  inFlight: number;
  maxInFlight: number;
  signals: AbortSignal[];
}

/** Wraps a source, recording every query; `fail` makes a query reject; `delayMs` slows each one. */
function counting(inner: UsageSource, options: { fail?: (q: UsageQuery) => Error | undefined; delayMs?: number } = {}): Counting {
  const c: Counting = {
    kind: inner.kind,
    ...(inner.names ? { names: inner.names.bind(inner) } : {}),
    queries: [],
    projectCalls: 0,
    inFlight: 0,
    maxInFlight: 0,
    signals: [],
    async query(q: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]> {
      c.queries.push(q);
      if (signal) c.signals.push(signal);
      c.inFlight++;
      c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
      try {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const error = options.fail?.(q);
        if (error) throw error;
        return await inner.query(q, signal);
      } finally {
        c.inFlight--;
      }
    },
    async projects(signal?: AbortSignal): Promise<Project[]> {
      c.projectCalls++;
      return inner.projects(signal);
    },
  };
  return c;
}

function clockedOrg(start: number): { org: SampleOrg; set: (ms: number) => void } {
  let now = start;
  return { org: createSampleOrg({ now: () => now, seed: 11 }), set: (ms) => (now = ms) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('loadSnapshot', () => {
  it('fetches projects, costs and the ten usage endpoints over the right days', async () => {
    const { org } = clockedOrg(MORNING);
    const source = counting(org);
    const snap = await loadSnapshot(source, { nowMs: MORNING, rangeDays: 30 });
    const range = rangeForDays(MORNING, 30);
    assert.equal(source.projectCalls, 1);
    assert.equal(source.queries.length, 13);
    const costs = source.queries.find((q) => q.endpoint === 'costs');
    assert.deepEqual(costs, { endpoint: 'costs', startTime: range.start, endTime: range.end, bucketWidth: '1d', groupBy: ['project_id', 'line_item'] });
    for (const id of USAGE_ENDPOINT_IDS) {
      const q = source.queries.find((x) => x.endpoint === id);
      assert.equal(q?.startTime, range.start, id);
      assert.equal(q?.endTime, range.end, id);
      assert.equal(q?.bucketWidth, '1d');
      const expected = ['vector_stores', 'code_interpreter_sessions', 'file_search_calls'].includes(id) ? ['project_id'] : ['project_id', 'model'];
      assert.deepEqual(q?.groupBy, expected, id);
    }
    assert.equal(snap.source, 'sample');
    assert.equal(snap.version, 1);
    assert.equal(snap.fetchedAt, MORNING);
    assert.equal(snap.rangeStart, range.start);
    assert.equal(snap.rangeEnd, range.end);
    assert.equal(snap.currency, 'usd');
    assert.equal(snap.projects.length, org.projectList.length);
    assert.deepEqual(snap.costs, org.querySync(costs as UsageQuery));
    assert.deepEqual(snap.usage.completions, org.querySync({ endpoint: 'completions', startTime: range.start, endTime: range.end, groupBy: ['project_id', 'model'] }));
  });

  it('reaches back to the first of the month and to the forecast week for costs', () => {
    // On the 3rd with a 7-day range: the month started 2 days ago, the forecast needs 7 complete days.
    const now = Date.parse('2026-12-03T10:00:00Z');
    const w = snapshotWindow(now, 7);
    assert.equal(w.rangeStart, Date.parse('2026-11-27T00:00:00Z') / 1000);
    assert.equal(w.costsStart, Date.parse('2026-11-26T00:00:00Z') / 1000);
    const late = Date.parse('2026-11-28T10:00:00Z');
    assert.equal(snapshotWindow(late, 7).costsStart, monthStart(late / 1000));
    assert.equal(snapshotWindow(late, 90).costsStart, rangeForDays(late, 90).start);
    assert.equal(snapshotWindow(late, 7).provisionalFrom, Date.parse('2026-11-27T00:00:00Z') / 1000);
  });

  it('refetches only the last two days when a previous snapshot covers the rest', async () => {
    const { org, set } = clockedOrg(MORNING);
    const previous = deepFreeze(await loadSnapshot(org, { nowMs: MORNING, rangeDays: 30 }));
    set(AFTERNOON);
    const source = counting(org);
    const snap = await loadSnapshot(source, { nowMs: AFTERNOON, rangeDays: 30, previous });
    assert.equal(source.queries.length, 13);
    for (const q of source.queries) {
      assert.equal(q.startTime, YESTERDAY, `${q.endpoint} starts at yesterday`);
      assert.equal(q.endTime, addDays(TODAY, 1));
    }
    // The merged result is exactly what a full load would give.
    const full = await loadSnapshot(org, { nowMs: AFTERNOON, rangeDays: 30 });
    // The same data as a full load; names are kept from before while recent (so their time is older).
    assert.deepEqual({ ...snap, namesFetchedAt: 0 }, { ...full, namesFetchedAt: 0 });
    assert.deepEqual(snap.names, full.names);
    // And today did grow between the two loads.
    const todayOf = (s: UsageSnapshot): number => s.costs.find((b) => b.startTime === TODAY)?.rows.reduce((t, r) => t + (r.values.amount ?? 0), 0) ?? 0;
    assert.ok(todayOf(snap) > todayOf(previous));
  });

  it('also refetches days that were provisional when the previous snapshot was taken', async () => {
    const threeDaysAgo = MORNING - 3 * 86_400_000;
    const { org, set } = clockedOrg(threeDaysAgo);
    const previous = await loadSnapshot(org, { nowMs: threeDaysAgo, rangeDays: 30 });
    set(MORNING);
    const source = counting(org);
    const snap = await loadSnapshot(source, { nowMs: MORNING, rangeDays: 30, previous });
    // Previous was taken on the 20th: the 19th and 20th were provisional then.
    assert.ok(source.queries.every((q) => q.startTime === addDays(TODAY, -4)));
    const full = await loadSnapshot(org, { nowMs: MORNING, rangeDays: 30 });
    assert.deepEqual({ ...snap, namesFetchedAt: 0 }, { ...full, namesFetchedAt: 0 });
  });

  it('fetches everything again when the previous snapshot cannot supply the older days', async () => {
    const { org } = clockedOrg(MORNING);
    const range = rangeForDays(MORNING, 30);
    const base = await loadSnapshot(org, { nowMs: MORNING, rangeDays: 30 });

    const fromApi: UsageSnapshot = { ...base, source: 'api' };
    const a = counting(org);
    await loadSnapshot(a, { nowMs: MORNING, rangeDays: 30, previous: fromApi });
    assert.ok(a.queries.every((q) => q.startTime === range.start), 'another source kind');

    const shorter = await loadSnapshot(org, { nowMs: MORNING, rangeDays: 7 });
    const b = counting(org);
    await loadSnapshot(b, { nowMs: MORNING, rangeDays: 30, previous: shorter });
    assert.ok(b.queries.every((q) => q.startTime === range.start), 'a shorter range');

    const missing: UsageSnapshot = { ...base, usage: { ...base.usage, images: undefined } };
    const c = counting(org);
    await loadSnapshot(c, { nowMs: MORNING, rangeDays: 30, previous: missing });
    assert.equal(c.queries.find((q) => q.endpoint === 'images')?.startTime, range.start, 'an endpoint it lacks');
    assert.equal(c.queries.find((q) => q.endpoint === 'embeddings')?.startTime, YESTERDAY);
  });

  it('rejects the whole load when one fetch fails and leaves the previous snapshot alone', async () => {
    const { org, set } = clockedOrg(MORNING);
    const previous = await loadSnapshot(org, { nowMs: MORNING, rangeDays: 30 });
    const before = structuredClone(previous);
    deepFreeze(previous);
    set(AFTERNOON);
    const boom = new Error('images failed');
    const source = counting(org, { fail: (q) => (q.endpoint === 'images' ? boom : undefined), delayMs: 5 });
    await assert.rejects(loadSnapshot(source, { nowMs: AFTERNOON, rangeDays: 30, previous, concurrency: 2 }), (e) => e === boom);
    assert.deepEqual(previous, before);
    // The failure cancelled what was still running or waiting.
    assert.ok(source.signals.some((s) => s.aborted));
  });

  it('runs requests in parallel, bounded by the concurrency', async () => {
    const { org } = clockedOrg(MORNING);
    const two = counting(org, { delayMs: 10 });
    await loadSnapshot(two, { nowMs: MORNING, rangeDays: 7, concurrency: 2 });
    assert.equal(two.maxInFlight, 2);
    const many = counting(org, { delayMs: 10 });
    await loadSnapshot(many, { nowMs: MORNING, rangeDays: 7, concurrency: 16 });
    assert.equal(many.maxInFlight, 13);
  });

  it('is cancellable', async () => {
    const { org } = clockedOrg(MORNING);
    const controller = new AbortController();
    const source = counting(org, { delayMs: 20 });
    const load = loadSnapshot(source, { nowMs: MORNING, rangeDays: 7, signal: controller.signal, concurrency: 1 });
    controller.abort();
    await assert.rejects(load, { name: 'AbortError' });
    assert.ok(source.queries.length < 13);
    await assert.rejects(loadSnapshot(org, { nowMs: MORNING, rangeDays: 7, signal: AbortSignal.abort() }), { name: 'AbortError' });
  });

  it('takes the currency from the cost rows, lowercased, defaulting to usd', async () => {
    const eur: UsageSource = {
      kind: 'api',
      projects: async () => [],
      query: async (q) =>
        q.endpoint === 'costs' ? [{ startTime: TODAY, endTime: addDays(TODAY, 1), rows: [{ values: { amount: 1 }, dims: {}, currency: 'EUR' }] }] : [],
    };
    assert.equal((await loadSnapshot(eur, { nowMs: MORNING, rangeDays: 7 })).currency, 'eur');
    const none: UsageSource = { kind: 'api', projects: async () => [], query: async () => [] };
    assert.equal((await loadSnapshot(none, { nowMs: MORNING, rangeDays: 7 })).currency, 'usd');
  });
});
