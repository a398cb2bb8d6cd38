// Issue 8, partial failure: one failing usage endpoint does not fail the refresh. Spend comes from
// the Costs API alone, so it stays complete; the failed endpoint keeps its last good buckets (or
// none) and is marked with what failed and since when. Real client, loopback fake server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import { UsageModel } from '../../src/model';
import type { ModelDeps } from '../../src/model';
import { present } from '../../src/app/presenter';
import { failedEndpoints, partialText } from '../../src/state';
import { renderStatus } from '../../src/views/statusText';
import { deriveViews } from '../../src/views/derive';
import { StatusSchema } from '../../src/shared/protocol';
import { summarize } from '../../src/report/summary';
import { loadSnapshot } from '../../src/usage/loader';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { snapshotSchema } from '../../src/usage/snapshotStore';
import { describeError } from '../../src/userText';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';

const NOW = Date.parse('2026-11-23T09:00:00Z');
const IMAGES = '/organization/usage/images';
const COSTS = '/organization/costs';

let server: FakeServer;
const client = (): UsageClient => new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, now: () => NOW });

before(async () => {
  server = await startFakeServer({ now: () => NOW });
});
after(() => server.close());
beforeEach(() => {
  server.faults.failPaths = [];
  server.faults.failPathStatus = 500;
});

describe('loader: one usage endpoint failing', () => {
  it('keeps spend complete and marks the endpoint, with its code and since when', async () => {
    const good = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30 });
    assert.equal(good.partial, undefined);
    assert.ok((good.usage.images ?? []).some((b) => b.rows.length > 0), 'the sample organisation has image usage');

    server.faults.failPaths = [IMAGES];
    const later = NOW + 60_000;
    const partial = await loadSnapshot(client(), { nowMs: later, rangeDays: 30, previous: good });
    // Spend and every other endpoint are as fresh as without the fault.
    assert.deepEqual(summarize(partial, { nowMs: later, rangeDays: 30 }).byCurrency, summarize(good, { nowMs: later, rangeDays: 30 }).byCurrency);
    assert.deepEqual(partial.usage.completions, good.usage.completions);
    // The failed endpoint keeps its last good buckets, and says so.
    assert.deepEqual(partial.usage.images, good.usage.images);
    assert.equal(partial.partial?.length, 1);
    const [failure] = partial.partial ?? [];
    assert.equal(failure?.endpoint, 'images');
    assert.equal(failure?.code, 'server');
    assert.equal(failure?.since, later);
    assert.match(failure?.message ?? '', /HTTP 500/);
    // The store's schema takes the field (a partial snapshot survives a restart).
    assert.equal(snapshotSchema.safeParse(JSON.parse(JSON.stringify(partial))).success, true);

    // Still failing on the next refresh: "since" is the first failure, not this one.
    const third = await loadSnapshot(client(), { nowMs: later + 60_000, rangeDays: 30, previous: partial });
    assert.equal(third.partial?.[0]?.since, later);
    // Back: the mark goes, and the endpoint is read whole (the days since it failed were never read).
    server.faults.failPaths = [];
    server.resetStats();
    const healed = await loadSnapshot(client(), { nowMs: later + 120_000, rangeDays: 30, previous: third });
    assert.equal(healed.partial, undefined);
    const imageStarts = server.requests.filter((r) => r.path === IMAGES).map((r) => Number(r.query.start_time?.[0]));
    assert.deepEqual(imageStarts, [healed.rangeStart]);
    const costStarts = server.requests.filter((r) => r.path === COSTS).map((r) => Number(r.query.start_time?.[0]));
    assert.ok(costStarts.every((s) => s > healed.costsStart), 'spend still reuses its settled days');
    assert.deepEqual(healed.usage.images, (await loadSnapshot(client(), { nowMs: later + 120_000, rangeDays: 30 })).usage.images);
  });

  it('without a previous snapshot the failed endpoint has no buckets; a 403 is a partial too', async () => {
    server.faults.failPaths = [IMAGES, '/organization/usage/completions'];
    server.faults.failPathStatus = 403;
    const s = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30 });
    assert.deepEqual(s.usage.images, []);
    assert.deepEqual(s.usage.completions, []);
    // A key's models come from completions: they fail with it (no data, not an error).
    assert.deepEqual(s.keyModels, []);
    assert.deepEqual(s.partial?.map((p) => [p.endpoint, p.code]), [['completions', 'permission'], ['images', 'permission']]);
    assert.ok(s.costs.length > 0);
  });

  it('the costs or the project list failing still fails the whole refresh (no spend without costs)', async () => {
    for (const path of [COSTS, '/organization/projects']) {
      server.faults.failPaths = [path];
      await assert.rejects(loadSnapshot(client(), { nowMs: NOW, rangeDays: 30 }), (e: unknown) => isApiError(e) && e.code === 'server', path);
    }
  });

  it('an abort is never taken for a partial failure', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(loadSnapshot(client(), { nowMs: NOW, rangeDays: 30, signal: abort.signal }));
  });
});

describe('model, tree, tooltip and dashboard status: the partial mark', () => {
  const modelWith = (): { model: UsageModel; logs: string[] } => {
    const logs: string[] = [];
    const deps: ModelDeps = {
      createSource: async () => client(),
      load: (source, o) => loadSnapshot(source, o),
      readStored: async () => undefined,
      writeStored: async () => undefined,
      clearStored: async () => undefined,
      rangeDays: () => 30,
      now: () => NOW,
      describeError: (e) => describeError(e),
      log: (level, message) => logs.push(`${level} ${message}`),
    };
    return { model: new UsageModel(deps), logs };
  };

  it('keeps the last good data for the endpoint, marked; spend fresh, no error, not stale', async () => {
    const { model, logs } = modelWith();
    await model.setMode('api', 'test-identity');
    await model.refresh();
    const good = model.state.snapshot as UsageSnapshot;
    assert.ok(good);
    assert.deepEqual(failedEndpoints(model.state), []);

    server.faults.failPaths = [IMAGES];
    await model.refresh();
    const s = model.state;
    assert.equal(s.error, undefined);
    assert.equal(s.staleSince, undefined);
    assert.deepEqual(s.snapshot?.usage.images, good.usage.images);
    assert.deepEqual(failedEndpoints(s).map((f) => f.endpoint), ['images']);
    assert.ok(logs.some((l) => /^warn Could not read images usage \(server/.test(l)), logs.join('\n'));

    const formatTime = (ms: number): string => new Date(ms).toISOString();
    const text = partialText(s, formatTime) ?? '';
    assert.match(text, /Spend is up to date, but Images could not be read since 2026-11-23T09:00:00\.000Z/);
    // The tree's message says it.
    assert.equal(present(s, 30, NOW, formatTime).message, text);
    // The status tooltip gets a line.
    const views = deriveViews(s.snapshot as UsageSnapshot, NOW, 30);
    const { tooltip } = renderStatus(s, views.status, {
      formatTime,
      show: 'today',
      monthlyBudget: 0,
      budgetWarningPercent: 80,
      formatMoney: (amount, currency) => `${amount.toFixed(2)} ${currency}`,
    });
    assert.match(tooltip, /\$\(warning\) Spend is up to date\\?, but Images could not be read since/);
    // The dashboard's status takes the field.
    const status = {
      mode: 'api',
      loading: false,
      currency: 'usd',
      budget: 0,
      projects: [],
      options: { models: [], apiKeyIds: [], userIds: [], sources: [], sizes: [], vectorStoreIds: [], contextLevels: [] },
      partial: failedEndpoints(s).map((f) => ({ endpoint: f.endpoint, code: f.code, message: f.message, since: f.since })),
    };
    assert.equal(StatusSchema.safeParse(status).success, true, JSON.stringify(StatusSchema.safeParse(status).error?.issues));
    model.dispose();
  });

  it('costs failing: the last good data stays, marked stale, with the error', async () => {
    const { model } = modelWith();
    await model.setMode('api', 'test-identity-2');
    await model.refresh();
    const good = model.state.snapshot;
    server.faults.failPaths = [COSTS];
    await model.refresh();
    assert.equal(model.state.snapshot, good);
    assert.equal(model.state.error?.kind, 'server');
    assert.equal(model.state.staleSince, NOW);
    model.dispose();
  });
});
