// The 2026 surface against the loopback fake server, over real sockets: file and web search
// calls with every filter and group_by, costs by API key with quantity_unit, every completions
// breakdown field and service_tier, the name endpoints (paged, a 403 on one part), spend limit and
// alert round trips, and array parameters in both forms (the official SDK sends `group_by[]=`).

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { UsageClient, validateQuery } from '../../src/api/client';
import { NAME_CONCURRENCY, listAll } from '../../src/api/admin';
import type { Transport } from '../../src/api/admin';
import { isApiError } from '../../src/api/errors';
import { hasCode } from './codeOf';
import { getJson } from '../../src/api/http';
import { parseUsersPage } from '../../src/api/schemas';
import { COMPLETIONS_BREAKDOWN, ENDPOINTS } from '../../src/shared/endpoints';
import type { Dimension, UsageQuery, UsageRow } from '../../src/shared/endpoints';
import { createSampleOrg } from '../../src/usage/sample';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { TINY_ALPHA_KEYS, TINY_USERS, createTinyOrg, tinyMetricTotal } from '../server/tinyOrg';

const DAY = 86400;
const T0 = Date.UTC(2025, 0, 1) / 1000;

let server: FakeServer;

function client(): UsageClient {
  return new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
}

function lastRequest(path: string): FakeServer['requests'][number] | undefined {
  return server.requests.filter((r) => r.path === path).at(-1);
}

type Pred = (d: Readonly<Record<Dimension, string>>) => boolean;

before(async () => {
  server = await startFakeServer({ data: createTinyOrg() });
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.faults.forbidden = [];
  server.resetStats();
});

async function oneDay(q: Omit<UsageQuery, 'startTime' | 'endTime'>): Promise<UsageRow[]> {
  const buckets = await client().query({ ...q, startTime: T0, endTime: T0 + DAY } as UsageQuery);
  assert.equal(buckets.length, 1);
  return [...(buckets[0]?.rows ?? [])];
}

describe('file_search_calls and web_search_calls', () => {
  it('file_search_calls: every filter is sent and honoured', async () => {
    const rows = await oneDay({
      endpoint: 'file_search_calls',
      projectIds: ['proj_alpha', 'proj_beta'],
      userIds: ['user_1'],
      apiKeyIds: ['key_0'],
      vectorStoreIds: ['vs_1'],
    });
    const q = lastRequest(ENDPOINTS.file_search_calls.path)?.query;
    assert.deepEqual(q?.project_ids, ['proj_alpha', 'proj_beta']);
    assert.deepEqual(q?.user_ids, ['user_1']);
    assert.deepEqual(q?.api_key_ids, ['key_0']);
    assert.deepEqual(q?.vector_store_ids, ['vs_1']);
    const pred: Pred = (d) => d.project_id === 'proj_alpha' && d.user_id === 'user_1' && d.api_key_id === 'key_0' && d.vector_store_id === 'vs_1';
    const expected = tinyMetricTotal('file_search_calls', 'num_requests', pred);
    assert.ok(expected > 0);
    assert.deepEqual(rows, [{ values: { num_requests: expected }, dims: {} }]);
  });

  it('file_search_calls: every group_by, alone and together', async () => {
    for (const dim of ENDPOINTS.file_search_calls.groupBy) {
      const rows = await oneDay({ endpoint: 'file_search_calls', groupBy: [dim] });
      assert.deepEqual(lastRequest(ENDPOINTS.file_search_calls.path)?.query.group_by, [dim]);
      for (const r of rows) {
        const value = r.dims[dim];
        assert.ok(value !== undefined, `${dim} filled`);
        assert.equal(r.values.num_requests, tinyMetricTotal('file_search_calls', 'num_requests', (d) => d[dim] === value), `${dim}=${value}`);
      }
      assert.ok(rows.length >= 2, `${dim} splits the tiny org`);
    }
    const all = await oneDay({ endpoint: 'file_search_calls', groupBy: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'] });
    assert.ok(all.every((r) => Object.keys(r.dims).length === 4));
    assert.equal(
      all.reduce((s, r) => s + (r.values.num_requests ?? 0), 0),
      tinyMetricTotal('file_search_calls', 'num_requests'),
    );
  });

  it('web_search_calls: every filter, context_levels included, and both metrics', async () => {
    const rows = await oneDay({
      endpoint: 'web_search_calls',
      projectIds: ['proj_beta'],
      userIds: ['user_0', 'user_1'],
      apiKeyIds: ['key_1'],
      models: ['gpt-a'],
      contextLevels: ['low', 'medium'],
    });
    const q = lastRequest(ENDPOINTS.web_search_calls.path)?.query;
    assert.deepEqual(q?.models, ['gpt-a']);
    assert.deepEqual(q?.context_levels, ['low', 'medium']);
    assert.deepEqual(q?.user_ids, ['user_0', 'user_1']);
    const pred: Pred = (d) => d.project_id === 'proj_beta' && d.api_key_id === 'key_1' && d.model === 'gpt-a' && d.context_level === 'low';
    assert.deepEqual(rows, [
      {
        values: {
          num_requests: tinyMetricTotal('web_search_calls', 'num_requests', pred),
          num_model_requests: tinyMetricTotal('web_search_calls', 'num_model_requests', pred),
        },
        dims: {},
      },
    ]);
    // gpt-b atoms are all `high`: asking for low only leaves nothing of it (an ungrouped zero row).
    const none = await oneDay({ endpoint: 'web_search_calls', models: ['gpt-b'], contextLevels: ['low'] });
    assert.ok(none.every((r) => r.values.num_requests === 0 && r.values.num_model_requests === 0));
  });

  it('web_search_calls: every group_by, context_level included', async () => {
    for (const dim of ENDPOINTS.web_search_calls.groupBy) {
      const rows = await oneDay({ endpoint: 'web_search_calls', groupBy: [dim] });
      assert.ok(rows.length >= 2, dim);
      for (const r of rows) {
        const value = r.dims[dim];
        assert.equal(r.values.num_model_requests, tinyMetricTotal('web_search_calls', 'num_model_requests', (d) => d[dim] === value), `${dim}=${value}`);
      }
    }
    const byLevel = await oneDay({ endpoint: 'web_search_calls', groupBy: ['context_level', 'model'] });
    assert.deepEqual(byLevel.map((r) => `${r.dims.context_level}/${r.dims.model}`).sort(), ['high/gpt-b', 'low/gpt-a']);
  });

  it('refuses a context level the API does not know, and filters an endpoint does not take', async () => {
    assert.throws(() => validateQuery({ endpoint: 'web_search_calls', startTime: T0, contextLevels: ['huge'] }), hasCode('invalid_query'));
    assert.throws(() => validateQuery({ endpoint: 'file_search_calls', startTime: T0, models: ['gpt-a'] }), hasCode('invalid_query'));
    assert.throws(() => validateQuery({ endpoint: 'completions', startTime: T0, vectorStoreIds: ['vs_1'] }), hasCode('invalid_query'));
    assert.throws(() => validateQuery({ endpoint: 'file_search_calls', startTime: T0, groupBy: ['model'] }), hasCode('invalid_query'));
    // The fake server refuses it as the API would, for a client that skips the check.
    const res = await fetch(`${server.url}/organization/usage/web_search_calls?start_time=${T0}&context_levels=huge`, {
      headers: { authorization: `Bearer ${FAKE_ADMIN_KEY}` },
    });
    assert.equal(res.status, 400);
  });
});

describe('costs by API key, with quantity_unit', () => {
  it('groups by api_key_id and filters by api_key_ids', async () => {
    const rows = await oneDay({ endpoint: 'costs', groupBy: ['api_key_id'], apiKeyIds: ['key_0', 'key_2'] });
    const q = lastRequest('/organization/costs')?.query;
    assert.deepEqual(q?.group_by, ['api_key_id']);
    assert.deepEqual(q?.api_key_ids, ['key_0', 'key_2']);
    assert.deepEqual(rows.map((r) => r.dims.api_key_id).sort(), ['key_0', 'key_2']);
    for (const r of rows) {
      const key = r.dims.api_key_id;
      const expected = tinyMetricTotal('costs', 'amount', (d) => d.api_key_id === key) / 100;
      // tinyMetricTotal uses factor 1 for costs' first metric: amount = weight / 100.
      assert.ok(Math.abs((r.values.amount ?? 0) - expected) < 1e-9, `${key}: ${r.values.amount} vs ${expected}`);
    }
  });

  it('keeps quantity and quantity_unit on the row when grouped by line_item', async () => {
    const rows = await oneDay({ endpoint: 'costs', groupBy: ['line_item', 'api_key_id'] });
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.equal(r.quantityUnit, 'tokens');
      assert.equal(typeof r.values.quantity, 'number');
      assert.match(r.dims.api_key_id ?? '', /^key_\d$/);
    }
    // Without line_item the API sends no quantity, so no unit either.
    const plain = await oneDay({ endpoint: 'costs', groupBy: ['api_key_id'] });
    assert.ok(plain.every((r) => r.quantityUnit === undefined && r.values.quantity === undefined));
  });
});

describe('completions: every breakdown field and service_tier', () => {
  it('returns every field of SPEC §1 with the right value', async () => {
    const [row] = await oneDay({ endpoint: 'completions' });
    for (const m of ['input_tokens', 'output_tokens', ...COMPLETIONS_BREAKDOWN, 'num_model_requests']) {
      assert.equal(row?.values[m], tinyMetricTotal('completions', m), m);
      assert.ok((row?.values[m] ?? 0) > 0, `${m} is exercised`);
    }
  });

  it('breakdowns are parts of the totals in the fake data', async () => {
    const rows = await oneDay({ endpoint: 'completions', groupBy: ['project_id', 'model', 'batch'] });
    for (const r of rows) {
      const v = (m: string): number => r.values[m] ?? 0;
      assert.equal(v('input_cached_tokens') + v('input_cache_write_tokens') + v('input_uncached_tokens'), v('input_tokens'));
      assert.equal(v('input_text_tokens') + v('input_audio_tokens') + v('input_image_tokens'), v('input_uncached_tokens'));
      assert.equal(v('input_cached_text_tokens') + v('input_cached_audio_tokens') + v('input_cached_image_tokens'), v('input_cached_tokens'));
      assert.equal(v('output_text_tokens') + v('output_audio_tokens') + v('output_image_tokens'), v('output_tokens'));
    }
  });

  it('groups by service_tier', async () => {
    const rows = await oneDay({ endpoint: 'completions', groupBy: ['service_tier'] });
    assert.deepEqual(lastRequest(ENDPOINTS.completions.path)?.query.group_by, ['service_tier']);
    assert.deepEqual(rows.map((r) => r.dims), [{ service_tier: 'default' }]);
    assert.equal(rows[0]?.values.output_tokens, tinyMetricTotal('completions', 'output_tokens'));
  });
});

describe('names: API keys, admin keys, users', () => {
  it('pages every list to its end with limit=100 and builds the directory', async () => {
    const dir = await client().names();
    assert.equal(dir.apiKeys.ok, true);
    assert.equal(dir.adminKeys.ok, true);
    assert.equal(dir.users.ok, true);
    assert.equal(dir.apiKeys.items.length, TINY_ALPHA_KEYS + 2);
    assert.equal(new Set(dir.apiKeys.items.map((k) => k.id)).size, TINY_ALPHA_KEYS + 2, 'no key twice');
    assert.equal(dir.users.items.length, TINY_USERS);
    assert.deepEqual(dir.adminKeys.items.map((k) => k.id), ['key_admin_0', 'key_admin_1']);
    const alphaPages = server.requests.filter((r) => r.path === '/organization/projects/proj_alpha/api_keys');
    assert.equal(alphaPages.length, 3, '250 keys = 3 pages of 100');
    assert.ok(alphaPages.every((r) => r.query.limit?.[0] === '100'));
    assert.deepEqual(alphaPages.map((r) => r.query.after?.[0]), [undefined, 'key_proj_alpha_099', 'key_proj_alpha_199']);
    assert.equal(server.requests.filter((r) => r.path === '/organization/users').length, 2);
    // The archived project's keys are read too (old spend keeps its key's name).
    const old = dir.apiKeys.items.find((k) => k.projectId === 'proj_old');
    assert.deepEqual(old, {
      id: 'key_proj_old_000',
      name: 'proj_old key 0',
      redactedValue: 'sk-proj-...0000',
      projectId: 'proj_old',
      owner: { type: 'user', id: 'user_0', name: 'User 0', email: 'u0@example.com' },
      createdAt: 1_700_000_000,
      lastUsedAt: 1_700_100_000,
    });
    const sa = dir.apiKeys.items.find((k) => k.id === 'key_proj_alpha_001');
    assert.deepEqual(sa?.owner, { type: 'service_account', id: 'svc_1', name: 'bot 1' });
  });

  it('a 403 on users is reported in that part only', async () => {
    server.faults.forbidden = ['users'];
    const dir = await client().names();
    assert.equal(dir.users.ok, false);
    assert.equal(dir.users.ok ? undefined : dir.users.status, 403);
    assert.match(dir.users.ok ? '' : dir.users.message, /may not read users \(403\)/);
    assert.equal(dir.apiKeys.ok, true);
    assert.equal(dir.apiKeys.items.length, TINY_ALPHA_KEYS + 2);
    assert.equal(dir.adminKeys.ok, true);
  });

  it('a 403 on one project keeps the keys of the others', async () => {
    server.faults.forbidden = ['api_keys:proj_beta', 'admin_api_keys'];
    const dir = await client().names();
    assert.equal(dir.apiKeys.ok, false);
    assert.match(dir.apiKeys.ok ? '' : dir.apiKeys.message, /proj_beta/);
    assert.equal(dir.apiKeys.items.length, TINY_ALPHA_KEYS + 1);
    assert.ok(!dir.apiKeys.items.some((k) => k.projectId === 'proj_beta'));
    assert.equal(dir.adminKeys.ok, false);
    assert.equal(dir.users.ok, true);
  });

  it('fetches project keys in parallel, at most NAME_CONCURRENCY projects at once', async () => {
    const tiny = createTinyOrg();
    const projects = Array.from({ length: 12 }, (_, i) => ({ id: `proj_many_${i}`, name: `Many ${i}`, status: 'active' }));
    const many = await startFakeServer({ data: { ...tiny, projectList: projects } });
    try {
      many.faults.delayMs = 40;
      const c = new UsageClient({ baseUrl: many.url, apiKey: FAKE_ADMIN_KEY, concurrency: 32 });
      const dir = await c.names();
      assert.equal(dir.apiKeys.ok, true);
      const keyRequests = many.requests.filter((r) => /\/projects\/proj_many_\d+\/api_keys$/.test(r.path));
      assert.equal(keyRequests.length, 12, 'one request per project (each has no key)');
      // Key lists of 4 projects, plus users and admin keys while the project list loads.
      assert.ok(many.maxConcurrent <= NAME_CONCURRENCY + 2, `max in flight ${many.maxConcurrent}`);
      assert.ok(many.maxConcurrent >= Math.min(NAME_CONCURRENCY, keyRequests.length), `parallel: ${many.maxConcurrent}`);
    } finally {
      await many.close();
    }
  });

  it('stops at the page cap and says the list was cut', async () => {
    const send: Transport = async (method, path, o) =>
      (await getJson({ baseUrl: server.url, path, apiKey: FAKE_ADMIN_KEY, method, ...(o.signal ? { signal: o.signal } : {}) })).body;
    const r = await listAll(send, '/organization/users', 50, (b) => parseUsersPage(b, 'GET users'), undefined, 2);
    assert.equal(r.items.length, 100);
    assert.equal(r.truncated, true);
    const full = await listAll(send, '/organization/users', 50, (b) => parseUsersPage(b, 'GET users'), undefined);
    assert.equal(full.items.length, TINY_USERS);
    assert.equal(full.truncated, false);
  });
});

describe('budgets: spend limits and alerts', () => {
  for (const scope of [{}, { projectId: 'proj_beta' }]) {
    const where = scope.projectId ?? 'organization';
    it(`${where}: spend limit POST then GET, DELETE then GET`, async () => {
      const c = client();
      assert.equal(await c.getSpendLimit(scope), null, 'none at start');
      const set = await c.setSpendLimit(scope, { thresholdCents: 123_45 });
      assert.deepEqual(set, { thresholdCents: 12345, currency: 'USD', interval: 'month', enforcing: true, enforcementStatus: 'enforcing' });
      assert.deepEqual(await c.getSpendLimit(scope), set);
      const post = server.requests.find((r) => r.method === 'POST');
      assert.equal(post?.path, scope.projectId ? '/organization/projects/proj_beta/spend_limit' : '/organization/spend_limit');
      await c.setSpendLimit(scope, { thresholdCents: 500 });
      assert.equal((await c.getSpendLimit(scope))?.thresholdCents, 500, 'replaced');
      await c.deleteSpendLimit(scope);
      assert.equal(await c.getSpendLimit(scope), null);
      await assert.rejects(c.deleteSpendLimit(scope), (e: unknown) => isApiError(e) && e.status === 404);
    });

    it(`${where}: spend alerts create, get, update, list, delete`, async () => {
      const c = client();
      assert.deepEqual(await c.listSpendAlerts(scope), []);
      const created = await c.createSpendAlert(scope, { thresholdCents: 50_000, recipients: ['finance@example.com'], subjectPrefix: 'Spend' });
      assert.equal(created.thresholdCents, 50_000);
      assert.deepEqual(created.recipients, ['finance@example.com']);
      assert.deepEqual(await c.getSpendAlert(scope, created.id), created);
      const second = await c.createSpendAlert(scope, { thresholdCents: 90_000, recipients: ['a@example.com', 'b@example.com'] });
      const updated = await c.updateSpendAlert(scope, created.id, { thresholdCents: 60_000, recipients: ['ops@example.com'] });
      assert.deepEqual(updated, { id: created.id, thresholdCents: 60_000, currency: 'USD', interval: 'month', recipients: ['ops@example.com'] });
      assert.deepEqual((await c.listSpendAlerts(scope)).map((a) => [a.id, a.thresholdCents]), [
        [created.id, 60_000],
        [second.id, 90_000],
      ]);
      await c.deleteSpendAlert(scope, created.id);
      await c.deleteSpendAlert(scope, second.id);
      assert.deepEqual(await c.listSpendAlerts(scope), []);
      await assert.rejects(c.getSpendAlert(scope, created.id), (e: unknown) => isApiError(e) && e.status === 404);
    });
  }

  it('refuses before sending: fractional or zero limit, alert without recipient', async () => {
    const c = client();
    await assert.rejects(c.setSpendLimit({}, { thresholdCents: 10.5 }), hasCode('invalid_query'));
    await assert.rejects(c.setSpendLimit({}, { thresholdCents: 0 }), hasCode('invalid_query'));
    await assert.rejects(c.createSpendAlert({}, { thresholdCents: 100, recipients: [] }), hasCode('invalid_query'));
    assert.equal(server.requests.length, 0);
  });

  it('a key without the budget scopes gets a permission error, and usage still works', async () => {
    server.faults.forbidden = ['spend_limit', 'spend_alerts'];
    const c = client();
    await assert.rejects(c.getSpendLimit({}), hasCode('permission'));
    await assert.rejects(c.listSpendAlerts({ projectId: 'proj_alpha' }), hasCode('permission'));
    const buckets = await c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY });
    assert.equal(buckets.length, 1);
  });

  it('an unknown project is a 404', async () => {
    await assert.rejects(client().getSpendAlert({ projectId: 'proj_nope' }, 'alert_x'), (e: unknown) => isApiError(e) && e.status === 404);
  });
});

describe('the sample organisation behind the fake server', () => {
  let sampleServer: FakeServer;
  const NOW = Date.UTC(2026, 10, 23, 14, 37);
  before(async () => {
    sampleServer = await startFakeServer({ data: createSampleOrg({ now: NOW }), now: () => NOW });
  });
  after(async () => {
    await sampleServer.close();
  });

  it('serves its names, its spend limit and its alerts', async () => {
    const c = new UsageClient({ baseUrl: sampleServer.url, apiKey: FAKE_ADMIN_KEY, now: () => NOW });
    const dir = await c.names();
    const sample = createSampleOrg({ now: NOW }).namesSync();
    assert.deepEqual(dir.apiKeys.ok && [...dir.apiKeys.items].sort((a, b) => a.id.localeCompare(b.id)), [...sample.apiKeys].sort((a, b) => a.id.localeCompare(b.id)));
    assert.deepEqual(dir.users.items, sample.users);
    assert.deepEqual(dir.adminKeys.items, sample.adminKeys);
    const limit = await c.getSpendLimit({});
    assert.deepEqual(limit, { thresholdCents: 500_000, currency: 'USD', interval: 'month', enforcing: true, enforcementStatus: 'enforcing' });
    assert.equal((await c.getSpendLimit({ projectId: 'proj_sample_studio' }))?.enforcing, false);
    assert.equal(await c.getSpendLimit({ projectId: 'proj_sample_support' }), null);
    assert.deepEqual((await c.listSpendAlerts({})).map((a) => a.thresholdCents), [250_000, 400_000]);
    assert.equal((await c.listSpendAlerts({ projectId: 'proj_sample_support' })).length, 1);
    const web = await c.query({ endpoint: 'web_search_calls', startTime: NOW / 1000 - 3 * DAY, groupBy: ['context_level'] });
    assert.deepEqual([...new Set(web.flatMap((b) => b.rows.map((r) => r.dims.context_level)))].sort(), ['high', 'low', 'medium']);
    const files = await c.query({ endpoint: 'file_search_calls', startTime: NOW / 1000 - 3 * DAY, groupBy: ['vector_store_id'], vectorStoreIds: ['vs_sample_docs'] });
    assert.deepEqual([...new Set(files.flatMap((b) => b.rows.map((r) => r.dims.vector_store_id)))], ['vs_sample_docs']);
  });
});

describe('array parameters in both forms', () => {
  const base = `start_time=${T0}&end_time=${T0 + DAY}&limit=31`;
  const get = async (search: string): Promise<unknown> => {
    const res = await fetch(`${server.url}/organization/usage/completions?${search}`, { headers: { authorization: `Bearer ${FAKE_ADMIN_KEY}` } });
    assert.equal(res.status, 200, search);
    return res.json();
  };

  it('takes group_by=a&group_by=b and group_by[]=a&group_by[]=b alike, filters too', async () => {
    const repeated = await get(`${base}&group_by=project_id&group_by=model&models=gpt-a&models=gpt-b&project_ids=proj_alpha`);
    const brackets = await get(`${base}&group_by%5B%5D=project_id&group_by[]=model&models[]=gpt-a&models%5B%5D=gpt-b&project_ids[]=proj_alpha`);
    assert.deepEqual(brackets, repeated);
    const rows = (repeated as { data: { results: { project_id: string | null; model: string | null }[] }[] }).data[0]?.results ?? [];
    assert.deepEqual(rows.map((r) => `${r.project_id}/${r.model}`).sort(), ['proj_alpha/gpt-a', 'proj_alpha/gpt-b']);
  });

  it('answers the official openai SDK, which sends group_by[]=', async () => {
    const sdk = new OpenAI({ apiKey: FAKE_ADMIN_KEY, baseURL: server.url, maxRetries: 0 });
    const body = (await sdk.get('/organization/usage/web_search_calls', {
      query: { start_time: T0, end_time: T0 + DAY, limit: 31, group_by: ['context_level'], context_levels: ['high'] },
    })) as { data: { results: { context_level: string; num_requests: number }[] }[] };
    const sent = lastRequest('/organization/usage/web_search_calls');
    assert.match(decodeURIComponent(sent?.search ?? ''), /group_by\[\]=context_level/, 'the SDK used the bracket form');
    assert.deepEqual(sent?.query.group_by, ['context_level']);
    const results = body.data[0]?.results ?? [];
    assert.deepEqual(results.map((r) => r.context_level), ['high']);
    assert.equal(results[0]?.num_requests, tinyMetricTotal('web_search_calls', 'num_requests', (d) => d.context_level === 'high'));
  });
});
