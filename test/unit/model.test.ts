import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageModel, type ModelDeps } from '../../src/model';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { UsageSource } from '../../src/usage/source';

function snapshot(fetchedAt: number, source: 'api' | 'sample' = 'api', origin = 'org-a'): UsageSnapshot {
  return { version: 1, source, origin, fetchedAt, rangeStart: 0, rangeEnd: 86400, costsStart: 0, currency: 'usd', projects: [], costs: [], usage: {} };
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
    describeError: (e) => ({ message: e instanceof Error ? e.message : String(e), kind: 'unknown' }),
    log: () => undefined,
  };
  return h;
}

describe('UsageModel', () => {
  it('shows the snapshot kept on disk before any request', async () => {
    const h = harness(snapshot(42));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    assert.equal(model.state.snapshot?.fetchedAt, 42);
    assert.equal(h.loads, 0);
  });

  it('never shows a stored sample snapshot as live data', async () => {
    const h = harness(snapshot(42, 'sample'));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    assert.equal(model.state.snapshot, undefined);
  });

  it('joins a second refresh to the running one', async () => {
    const h = harness();
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(7))));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    const a = model.refresh();
    const b = model.refresh();
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
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
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
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    await model.refresh();
    assert.equal(model.state.snapshot, undefined);
    assert.equal(model.state.staleSince, undefined);
    assert.equal(model.state.error?.message, 'Wrong key');
  });

  it('never stores sample data on disk', async () => {
    const h = harness();
    const model = new UsageModel(h.deps);
    await model.setMode('sample');
    await model.refresh();
    assert.ok(model.state.snapshot);
    assert.equal(h.writes, 0);
  });

  it('discards a refresh that finishes after the mode changed', async () => {
    const h = harness();
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(99))));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
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
    const model = new UsageModel(h.deps);
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
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    await model.refresh();
    h.next = () =>
      new Promise((_resolve, reject) => h.lastSignal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const abort = new AbortController();
    const p = model.refresh({ signal: abort.signal });
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await p;
    assert.ok(model.state.snapshot);
    assert.equal(model.state.error, undefined);
    assert.equal(model.state.staleSince, undefined);
  });

  it('never shows or reuses data of another key or host', async () => {
    const h = harness(snapshot(42, 'api', 'org-a'));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-b');
    assert.equal(model.state.snapshot, undefined, 'the stored snapshot of org-a is not shown for org-b');
    const previous: (UsageSnapshot | undefined)[] = [];
    const load = h.deps.load;
    h.deps = { ...h.deps, load: (s, o) => (previous.push(o.previous), load(s, o)) };
    const model2 = new UsageModel(h.deps);
    await model2.setMode('api', 'org-a');
    assert.equal(model2.state.snapshot?.fetchedAt, 42);
    await model2.setMode('api', 'org-b');
    assert.equal(model2.state.snapshot, undefined, 'a new key drops the shown data at once');
    await model2.refresh();
    assert.equal(previous[0], undefined, 'org-a data is not handed to the loader as previous');
    assert.equal((model2.state.snapshot as UsageSnapshot | undefined)?.origin, 'org-b', 'the new snapshot is stamped with its origin');
    assert.equal(h.stored?.origin, 'org-b');
  });

  it('a key change cancels the running refresh, and its result is discarded', async () => {
    const h = harness();
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(5))));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    const first = model.refresh();
    await new Promise((r) => setImmediate(r));
    const firstSignal = h.lastSignal;
    await model.setMode('api', 'org-b');
    assert.equal(firstSignal?.aborted, true);
    release();
    await first;
    assert.equal(model.state.snapshot, undefined);
    assert.equal(h.writes, 0);
  });

  it('restart cancels the running refresh and starts a new one; a plain call joins', async () => {
    const h = harness();
    const releases: (() => void)[] = [];
    h.next = () => new Promise((resolve) => releases.push(() => resolve(snapshot(h.clock))));
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    const a = model.refresh();
    await new Promise((r) => setImmediate(r));
    const firstSignal = h.lastSignal;
    const b = model.refresh({ restart: true });
    await new Promise((r) => setImmediate(r));
    assert.equal(firstSignal?.aborted, true);
    assert.equal(h.loads, 2);
    const c = model.refresh();
    assert.equal(h.loads, 2, 'a plain call joins the restarted one');
    h.clock = 77;
    for (const r of releases) r();
    await Promise.all([a, b, c]);
    assert.equal(model.state.snapshot?.fetchedAt, 77);
    assert.equal(model.state.error, undefined);
  });

  it('a late cancel from a joined caller does not abort a later refresh', async () => {
    const h = harness();
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    const abort = new AbortController();
    await Promise.all([model.refresh(), model.refresh({ signal: abort.signal })]);
    let release!: () => void;
    h.next = () => new Promise((resolve) => (release = () => resolve(snapshot(9))));
    const later = model.refresh();
    await new Promise((r) => setImmediate(r));
    abort.abort();
    assert.equal(h.lastSignal?.aborted, false);
    release();
    await later;
    assert.equal(model.state.snapshot?.fetchedAt, 9);
  });

  it('counts time since the last try, failed or not, so a failing API is not retried on every focus', async () => {
    const h = harness();
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    assert.equal(model.msSinceLastTry(), Number.POSITIVE_INFINITY);
    h.next = () => Promise.reject(new Error('down'));
    h.clock = 10_000;
    await model.refresh();
    h.clock = 12_500;
    assert.equal(model.msSinceLastTry(), 2_500);
  });

  it('a clear queued behind a write wins: the cleared data is not left on disk', async () => {
    const h = harness();
    let finishWrite!: () => void;
    const events: string[] = [];
    h.deps = {
      ...h.deps,
      writeStored: async (s) => {
        events.push('write-start');
        await new Promise<void>((r) => (finishWrite = r));
        h.stored = s;
        events.push('write-end');
      },
      clearStored: async () => {
        events.push('clear');
        h.stored = undefined;
      },
    };
    const model = new UsageModel(h.deps);
    await model.setMode('api', 'org-a');
    const refreshing = model.refresh();
    while (!events.includes('write-start')) await new Promise((r) => setImmediate(r));
    const clearing = model.forgetStored();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['write-start'], 'the clear waits for the write in flight');
    finishWrite();
    await Promise.all([refreshing, clearing]);
    assert.deepEqual(events, ['write-start', 'write-end', 'clear']);
    assert.equal(h.stored, undefined);
  });

  it('the mode changes at once, before the stored snapshot is read', async () => {
    const h = harness();
    let finishRead!: (s: UsageSnapshot | undefined) => void;
    h.deps = { ...h.deps, readStored: () => new Promise((r) => (finishRead = r)) };
    const model = new UsageModel(h.deps);
    await model.setMode('sample');
    const switching = model.setMode('api', 'org-a');
    assert.equal(model.state.mode, 'api');
    assert.equal(model.state.snapshot, undefined, 'no sample data is shown under the api mode');
    finishRead(snapshot(3));
    await switching;
    assert.equal((model.state.snapshot as UsageSnapshot | undefined)?.fetchedAt, 3);
  });
});

