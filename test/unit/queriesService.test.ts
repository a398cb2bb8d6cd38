// The dashboard's queries beside the model, against the sample organisation (no vscode, no mocks
// of fetch: the sample source answers like the API).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Listeners } from '../../src/app/disposable';
import { NoDataError } from '../../src/queries/fetch';
import { CACHE_SIZE, QueryService } from '../../src/queries/service';
import type { QueryOutcome } from '../../src/queries/service';
import type { UsageQuery } from '../../src/shared/endpoints';
import type { UiState } from '../../src/shared/protocol';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { dataKey, defaultUiState } from '../../src/shared/uiState';
import type { UsageReader, UsageState } from '../../src/state';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSource } from '../../src/usage/source';

const NOW_MS = Date.UTC(2025, 2, 15, 18, 30);
const org = createSampleOrg({ now: NOW_MS, seed: 3 });
let sampleSnapshot: UsageSnapshot;
before(async () => {
  sampleSnapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const overview: UiState = defaultUiState(30);
const tab = (t: UiState['tab']): UiState => ({ ...overview, tab: t });

/** The model as the service sees it, moved by the test; its source is the sample org, recorded. */
class FakeModel implements UsageReader {
  state: UsageState;
  private readonly listeners = new Listeners<UsageState>();
  readonly queries: { query: UsageQuery; signal: AbortSignal | undefined }[] = [];
  /** While set, every query waits for it. */
  hold: Promise<void> | undefined;
  fail: Error | undefined;
  readonly source: UsageSource = {
    kind: 'sample',
    query: async (query, signal) => {
      this.queries.push({ query, signal });
      if (this.hold) await this.hold;
      if (this.fail) throw this.fail;
      signal?.throwIfAborted();
      return org.query(query, signal);
    },
    projects: (signal) => org.projects(signal),
  };

  constructor(state: Partial<UsageState>) {
    this.state = { mode: 'sample', snapshot: undefined, loading: false, error: undefined, staleSince: undefined, ...state };
  }
  onDidChange(listener: (state: UsageState) => void): { dispose(): unknown } {
    return this.listeners.add(listener);
  }
  async currentSource(): Promise<UsageSource | undefined> {
    return this.state.mode === 'none' ? undefined : this.source;
  }
  set(next: Partial<UsageState>): void {
    this.state = { ...this.state, ...next };
    this.listeners.fire(this.state);
  }
  /** The id-option prefetches seen (one grouped query by API key and user). */
  get prefetches(): number {
    return this.queries.filter((q) => q.query.groupBy?.join() === 'api_key_id,user_id').length;
  }
}

function service(model: FakeModel, logged: string[] = []): QueryService {
  return new QueryService(model, { now: () => NOW_MS, budget: () => 250, log: { info: (m) => void logged.push(m) } });
}

function shown(outcome: QueryOutcome): Extract<QueryOutcome, { status: 'shown' }> {
  assert.equal(outcome.status, 'shown', JSON.stringify(outcome.status === 'failed' ? String(outcome.error) : outcome));
  return outcome as Extract<QueryOutcome, { status: 'shown' }>;
}

describe('queries/service: cache', () => {
  it('the overview comes from the snapshot, then from the cache; force asks again', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const first = shown(await queries.query(overview));
    assert.equal(first.cached, false);
    assert.equal(first.shown.kind, 'overview');
    assert.equal(first.shown.key, dataKey(overview));
    assert.equal(model.queries.length, 0, 'the snapshot covers the range: no request');
    const again = shown(await queries.query(overview));
    assert.equal(again.cached, true);
    assert.equal(again.shown, first.shown);
    const forced = shown(await queries.query(overview, { force: true }));
    assert.equal(forced.cached, false);
    assert.notEqual(forced.shown, first.shown);
  });

  it('the Attribution tab: spend by key from the snapshot, one completions query by user, then kept', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const first = shown(await queries.query(tab('attribution')));
    assert.equal(first.shown.kind, 'attribution');
    assert.deepEqual(
      model.queries.map((q) => [q.query.endpoint, q.query.groupBy?.join()]),
      [['completions', 'user_id']],
      'no prefetch of key and user lists, one query for usage by user',
    );
    if (first.shown.kind === 'attribution') {
      assert.ok(first.shown.data.keys.length > 0);
      assert.ok(first.shown.data.users.ok);
    }
    assert.equal(shown(await queries.query(tab('attribution'))).cached, true);
    assert.equal(model.queries.length, 1);
  });

  it('the completions tab asks for its mix (by batch and service tier) beside its own query', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const out = shown(await queries.query(tab('completions')));
    assert.ok(out.shown.kind === 'tab' && out.shown.result.mix && out.shown.result.mix.requests > 0);
    assert.ok(model.queries.some((q) => q.query.endpoint === 'completions' && q.query.groupBy?.join() === 'batch,service_tier'));
  });

  it('a tab is asked of the source once (onFetch says so), then kept', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const fetched: string[] = [];
    const costs = shown(await queries.query(tab('vector_stores'), { onFetch: (k) => fetched.push(k) }));
    assert.equal(costs.shown.kind, 'tab');
    assert.deepEqual(fetched, [dataKey(tab('vector_stores'))]);
    assert.equal(model.queries.length, 1);
    assert.equal(shown(await queries.query(tab('vector_stores'), { onFetch: (k) => fetched.push(k) })).cached, true);
    assert.equal(model.queries.length, 1);
    assert.equal(fetched.length, 1, 'no spinner for a cached view');
  });

  it(`keeps the ${CACHE_SIZE} most recent results`, async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const uis = Array.from({ length: CACHE_SIZE + 1 }, (_, i) => ({ ...overview, projectIds: [`proj_${i}`] }));
    for (const ui of uis) shown(await queries.query(ui));
    assert.equal(shown(await queries.query(uis[CACHE_SIZE]!)).cached, true);
    assert.equal(shown(await queries.query(uis[1]!)).cached, true);
    assert.equal(shown(await queries.query(uis[0]!)).cached, false, 'the oldest was dropped');
  });

  it('invalidate and reset forget the results', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    await queries.query(overview);
    queries.invalidate();
    assert.equal(shown(await queries.query(overview)).cached, false);
    queries.reset();
    assert.equal(shown(await queries.query(overview)).cached, false);
  });
});

describe('queries/service: cancel', () => {
  it('a newer query cancels the older one', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    let release!: () => void;
    model.hold = new Promise((r) => (release = r));
    const older = queries.query(tab('vector_stores'));
    await tick();
    const newer = queries.query(tab('code_interpreter_sessions'));
    await tick();
    release();
    assert.deepEqual(await older, { status: 'cancelled' });
    assert.equal(model.queries[0]?.signal?.aborted, true);
    assert.equal(shown(await newer).shown.key, dataKey(tab('code_interpreter_sessions')));
    assert.equal(shown(await queries.query(tab('vector_stores'))).cached, false, 'a cancelled result is not kept');
  });

  it('a failure is returned as it was thrown, and not kept', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    model.fail = new Error('boom');
    const outcome = await queries.query(tab('costs'));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.error, model.fail);
    assert.equal(outcome.status === 'failed' && outcome.key, dataKey(tab('costs')));
    model.fail = undefined;
    assert.equal(shown(await queries.query(tab('costs'))).cached, false);
  });

  it('with no mode there is nothing to ask; the overview waits for the first snapshot or says why there is none', async () => {
    const none = new FakeModel({ mode: 'none' });
    assert.deepEqual(await service(none).query(overview), { status: 'none' });
    const loading = new FakeModel({ mode: 'api', loading: true });
    assert.deepEqual(await service(loading).query(overview), { status: 'waiting' });
    const failed = new FakeModel({ mode: 'api', error: { message: 'The Admin key was rejected (401).', kind: 'auth' } });
    const outcome = await service(failed).query(overview);
    assert.ok(outcome.status === 'failed' && outcome.error instanceof NoDataError);
    assert.equal(outcome.status === 'failed' && (outcome.error as Error).message, 'The Admin key was rejected (401).');
  });

  it('disposing cancels the query in flight', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    let release!: () => void;
    model.hold = new Promise((r) => (release = r));
    const running = queries.query(tab('costs'));
    await tick();
    queries.dispose();
    release();
    assert.deepEqual(await running, { status: 'cancelled' });
  });
});

describe('queries/service: prefetch of the API key and user lists', () => {
  it('one grouped query per tab and range fills the filters, in the background', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    let optionChanges = 0;
    queries.onDidChangeOptions(() => optionChanges++);
    assert.deepEqual(queries.filterOptions().apiKeyIds, [], 'the snapshot holds no API keys');
    shown(await queries.query(tab('completions')));
    while (optionChanges === 0) await tick();
    assert.equal(model.prefetches, 1);
    assert.ok(queries.filterOptions().apiKeyIds.length > 0);
    assert.ok(queries.filterOptions().userIds.length > 0);
    const byModel: UiState = { ...tab('completions'), tabs: { completions: { width: '1h', groupBy: 'model', metric: 'input_tokens', filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any' } } } };
    shown(await queries.query(byModel));
    await tick();
    assert.equal(model.prefetches, 1, 'the same tab and range: not asked again');
    shown(await queries.query({ ...tab('completions'), range: { kind: 'preset', days: 7 } }));
    await tick();
    assert.equal(model.prefetches, 2, 'another range: asked');
  });

  it('endpoints without those filters prefetch nothing; a failed prefetch is logged and tried again', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const logged: string[] = [];
    const queries = service(model, logged);
    shown(await queries.query(tab('vector_stores')));
    assert.equal(model.prefetches, 0);
    model.fail = new Error('rate limited');
    await queries.query(tab('embeddings'));
    while (logged.length === 0) await tick();
    assert.match(logged[0] ?? '', /could not list the API keys and users of embeddings: rate limited/);
    model.fail = undefined;
    shown(await queries.query(tab('embeddings'), { force: true }));
    await tick();
    assert.equal(model.prefetches, 2);
  });
});

describe('queries/service: origin', () => {
  it('another organisation drops the results, the lists and the query in flight', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const changes: boolean[] = [];
    queries.onDidChangeData((c) => changes.push(c.changed));
    shown(await queries.query(tab('completions')));
    while (queries.filterOptions().apiKeyIds.length === 0) await tick();
    shown(await queries.query(overview));
    let release!: () => void;
    model.hold = new Promise((r) => (release = r));
    const running = queries.query(tab('costs'));
    await tick();

    const other: UsageSnapshot = { ...sampleSnapshot, source: 'api', origin: 'another-org', usage: {} };
    model.set({ mode: 'api', snapshot: other });
    release();
    model.hold = undefined;
    assert.deepEqual(changes, [true]);
    assert.deepEqual(await running, { status: 'cancelled' });
    assert.deepEqual(queries.filterOptions().apiKeyIds, [], "the other organisation's API keys are gone");
    assert.deepEqual(queries.filterOptions().models, [], 'and its models');
    assert.equal(shown(await queries.query(overview)).cached, false);
  });

  it('a change that leaves the data alone (loading) keeps the results', async () => {
    const model = new FakeModel({ snapshot: sampleSnapshot });
    const queries = service(model);
    const changes: boolean[] = [];
    queries.onDidChangeData((c) => changes.push(c.changed));
    shown(await queries.query(overview));
    model.set({ loading: true });
    assert.deepEqual(changes, [false]);
    assert.equal(shown(await queries.query(overview)).cached, true);
    model.set({ loading: false, snapshot: { ...sampleSnapshot } });
    assert.deepEqual(changes, [false, true], 'a new snapshot of the same organisation is new data');
    assert.equal(shown(await queries.query(overview)).cached, false);
    assert.ok(queries.filterOptions().models.length > 0, 'the lists of the same organisation stay');
  });
});
