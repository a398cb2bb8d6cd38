import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageController, type ModelDeps } from '../../src/model';
import type { UsageSnapshot } from '../../src/usage/snapshot';
import type { UsageSource } from '../../src/usage/source';

function snapshot(fetchedAt: number, source: 'api' | 'sample' = 'api'): UsageSnapshot {
  return { version: 1, source, fetchedAt, rangeStart: 0, rangeEnd: 86400, costsStart: 0, currency: 'usd', projects: [], costs: [], usage: {} };
}

const fakeSource: UsageSource = { kind: 'api', query: async () => [], projects: async () => [] };

interface Harness {
  deps: ModelDeps;
  loads: number;
  stored: UsageSnapshot | undefined;
  writes: number;
  clock: number;
  next: (() => Promise<UsageSnapshot>) | undefined;
  lastSignal: AbortSignal | undefined;
}

function harness(stored?: UsageSnapshot): Harness {
  const h: Harness = {
    loads: 0,
    stored,
    writes: 0,
    clock: 1_000_000,
    next: undefined,
    lastSignal: undefined,
    deps: undefined as unknown as ModelDeps,
  };
  h.deps = {
    createSource: async () => fakeSource,
    load: async (_s, o) => {
      h.loads++;
      h.lastSignal = o.signal;
      if (h.next) return h.next();
      return snapshot(h.clock);
    },
    readStored: async () => h.stored,
    writeStored: async (s) => {
      h.writes++;
      h.stored = s;
    },
    clearStored: async () => {
      h.stored = undefined;
    },
    rangeDays: () => 30,
    now: () => h.clock,
    describeError: (e) => ({ message: e instanceof Error ? e.message : String(e), kind: 'test' }),
    log: () => undefined,
  };
  return h;
}

describe('UsageController', () => {
  it('shows the snapshot kept on disk before any request', async () => {
    const h = harness(snapshot(42));
    const model = new UsageController(h.deps);
    await model.setMode('api');
    assert.equal(model.state.snapshot?.fetchedAt, 42);
    assert.equal(h.loads, 0);
  });

  it('never shows a stored sample snapshot as live data', async () => {
    const h = harness(snapshot(42, 'sample'));
    const model = new UsageController(h.deps);
    await model.setMode('api');
    assert.equal(model.state.snapshot, undefined);
  });

  it('joins a second refresh to the running one', async () => {
    const h = harness();
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(7))));
    const model = new UsageController(h.deps);
    await model.setMode('api');
    const a = model.refresh();
    const b = model.refresh({ userInitiated: true });
    await new Promise((r) => setImmediate(r));
    assert.equal(model.state.loading, true);
    release();
    await Promise.all([a, b]);
    assert.equal(h.loads, 1);
    assert.equal(model.state.loading, false);
    assert.equal(model.state.snapshot?.fetchedAt, 7);
    assert.equal(h.writes, 1);
  });

  it('keeps the last good data on failure and marks it stale since the first failure', async () => {
    const h = harness();
    const model = new UsageController(h.deps);
    await model.setMode('api');
    await model.refresh();
    const good = model.state.snapshot;
    assert.ok(good);
    h.next = () => Promise.reject(new Error('The network is down.'));
    h.clock = 2_000_000;
    await model.refresh();
    assert.equal(model.state.snapshot, good);
    assert.equal(model.state.staleSince, 2_000_000);
    assert.equal(model.state.error?.message, 'The network is down.');
    h.clock = 3_000_000;
    await model.refresh();
    assert.equal(model.state.staleSince, 2_000_000, 'stale since the first failure, not the latest');
    assert.equal(h.stored, good, 'the stored snapshot is not replaced by a failure');
    h.next = undefined;
    await model.refresh();
    assert.equal(model.state.staleSince, undefined);
    assert.equal(model.state.error, undefined);
  });

  it('an error with no data at all is an error, not stale', async () => {
    const h = harness();
    h.next = () => Promise.reject(new Error('Wrong key'));
    const model = new UsageController(h.deps);
    await model.setMode('api');
    await model.refresh();
    assert.equal(model.state.snapshot, undefined);
    assert.equal(model.state.staleSince, undefined);
    assert.equal(model.state.error?.message, 'Wrong key');
  });

  it('never stores sample data on disk', async () => {
    const h = harness();
    const model = new UsageController(h.deps);
    await model.setMode('sample');
    await model.refresh();
    assert.ok(model.state.snapshot);
    assert.equal(h.writes, 0);
  });

  it('discards a refresh that finishes after the mode changed', async () => {
    const h = harness();
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(99))));
    const model = new UsageController(h.deps);
    await model.setMode('api');
    const running = model.refresh();
    await new Promise((r) => setImmediate(r));
    assert.equal(h.lastSignal?.aborted, false);
    await model.setMode('none');
    assert.equal(h.lastSignal?.aborted, true, 'the running fetch is cancelled');
    release();
    await running;
    assert.equal(model.state.mode, 'none');
    assert.equal(model.state.snapshot, undefined);
    assert.equal(h.writes, 0);
  });

  it('does nothing without a mode and notifies listeners of each change', async () => {
    const h = harness();
    const model = new UsageController(h.deps);
    await model.refresh();
    assert.equal(h.loads, 0);
    const seen: boolean[] = [];
    const sub = model.onDidChange((s) => seen.push(s.loading));
    await model.setMode('sample');
    await model.refresh();
    sub.dispose();
    await model.refresh();
    assert.deepEqual(seen, [false, true, false]);
  });

  it('a cancelled user refresh keeps the data without an error', async () => {
    const h = harness();
    const model = new UsageController(h.deps);
    await model.setMode('api');
    await model.refresh();
    h.next = () =>
      new Promise((_resolve, reject) => h.lastSignal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const abort = new AbortController();
    const p = model.refresh({ userInitiated: true, signal: abort.signal });
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await p;
    assert.ok(model.state.snapshot);
    assert.equal(model.state.error, undefined);
    assert.equal(model.state.staleSince, undefined);
  });
});
