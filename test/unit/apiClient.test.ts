// The client against the loopback fake server, over real sockets: endpoints, parameter rules,
// windowing, pagination, joining, projects, auth and base URLs.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageClient, buildQueryParams, splitWindows, validateBaseUrl, validateQuery } from '../../src/api/client';
import type { UsageClientOptions } from '../../src/api/client';
import { ENDPOINTS, ENDPOINT_IDS, USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { Project, UsageQuery } from '../../src/shared/endpoints';
import { isApiError } from '../../src/api/errors';
import { describeError } from '../../src/userText';
import { hasCode } from './codeOf';
import type { RequestLogEntry } from '../../src/api/http';
import { FAKE_ADMIN_KEY, FAKE_PROJECT_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { createTinyOrg, tinyMetricTotal, tinyTotal } from '../server/tinyOrg';

const DAY = 86400;
const T0 = Date.UTC(2025, 0, 1) / 1000; // a UTC midnight

let server: FakeServer;

function client(over: Partial<UsageClientOptions> = {}): UsageClient {
  return new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...over });
}

function usageRequests(): FakeServer['requests'] {
  return server.requests.filter((r) => r.path !== '/organization/projects');
}

before(async () => {
  server = await startFakeServer({ data: createTinyOrg() });
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  Object.assign(server.faults, { delayMs: 0, pageSize: undefined, repeatCursor: false });
  server.setKeys(FAKE_ADMIN_KEY);
  server.resetStats();
});

describe('UsageClient: every endpoint', () => {
  for (const id of USAGE_ENDPOINT_IDS) {
    it(`${id}: fetches 3 days with the endpoint's metrics`, async () => {
      const buckets = await client().query({ endpoint: id, startTime: T0, endTime: T0 + 3 * DAY });
      assert.deepEqual(buckets.map((b) => b.startTime), [T0, T0 + DAY, T0 + 2 * DAY]);
      for (const b of buckets) {
        assert.equal(b.rows.length, 1);
        assert.deepEqual(b.rows[0]?.dims, {});
        ENDPOINTS[id].metrics.forEach((m) => assert.equal(b.rows[0]?.values[m], tinyMetricTotal(id, m), `${id}.${m}`));
      }
      const [req] = usageRequests();
      assert.equal(req?.path, ENDPOINTS[id].path);
      assert.equal(req?.hadAuth, true);
      assert.deepEqual(req?.query.limit, ['31']);
      assert.deepEqual(req?.query.bucket_width, ['1d']);
      assert.deepEqual(req?.query.start_time, [String(T0)]);
      assert.deepEqual(req?.query.end_time, [String(T0 + 3 * DAY)]);
    });
  }

  it('costs: amount, currency and (grouped by line_item) quantity', async () => {
    const buckets = await client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + 2 * DAY, groupBy: ['project_id', 'line_item'] });
    assert.equal(buckets.length, 2);
    const rows = buckets[0]?.rows ?? [];
    assert.equal(rows.length, 12); // 3 projects × 2 models × batch/input
    for (const r of rows) {
      assert.equal(r.currency, 'usd');
      assert.equal(typeof r.values.amount, 'number');
      assert.equal(typeof r.values.quantity, 'number');
      assert.match(r.dims.project_id ?? '', /^proj_/);
      assert.match(r.dims.line_item ?? '', /^gpt-/);
    }
    const total = rows.reduce((s, r) => s + (r.values.amount ?? 0), 0);
    assert.ok(Math.abs(total - tinyTotal(0) / 100) < 1e-9, String(total));
    assert.deepEqual(usageRequests()[0]?.query.limit, ['180']);
    assert.deepEqual(usageRequests()[0]?.query.group_by, ['project_id', 'line_item']);
  });

  it('costs ungrouped: no quantity, currency kept', async () => {
    const [b] = await client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY });
    assert.deepEqual(Object.keys(b?.rows[0]?.values ?? {}), ['amount']);
    assert.equal(b?.rows[0]?.currency, 'usd');
  });

  it('completions grouped by project, model and batch: dims as strings, batch "true"/"false"', async () => {
    const [b] = await client().query({ endpoint: 'completions', startTime: T0, endTime: T0 + DAY, groupBy: ['project_id', 'model', 'batch'] });
    assert.equal(b?.rows.length, 12);
    const batches = new Set(b?.rows.map((r) => r.dims.batch));
    assert.deepEqual([...batches].sort(), ['false', 'true']);
    const alphaA = b?.rows.filter((r) => r.dims.project_id === 'proj_alpha' && r.dims.model === 'gpt-a');
    assert.equal(alphaA?.length, 2);
    assert.deepEqual(usageRequests()[0]?.query.group_by, ['project_id', 'model', 'batch']);
  });

  it('serves all 9 endpoints from the default sample organisation', async () => {
    const sampleServer = await startFakeServer({ now: () => (T0 + 10 * DAY) * 1000 });
    try {
      const c = new UsageClient({ baseUrl: sampleServer.url, apiKey: FAKE_ADMIN_KEY, now: () => (T0 + 10 * DAY) * 1000 });
      const results = await Promise.all(ENDPOINT_IDS.map((endpoint) => c.query({ endpoint, startTime: T0, groupBy: ['project_id'] })));
      results.forEach((buckets, i) => {
        assert.equal(buckets.length, 10, ENDPOINT_IDS[i]);
        assert.ok(buckets.some((b) => b.rows.length > 0), `${ENDPOINT_IDS[i]} has data`);
      });
      // endTime defaulted to "now" rounded up to the width
      assert.ok(sampleServer.requests.every((r) => r.query.end_time?.[0] === String(T0 + 10 * DAY)));
      const projects = await c.projects();
      assert.ok(projects.length > 0);
    } finally {
      await sampleServer.close();
    }
  });
});

describe('UsageClient: parameters', () => {
  it('sends arrays as repeated keys and batch as true/false, and the server honours them', async () => {
    const seen: RequestLogEntry[] = [];
    const buckets = await client({ onRequest: (e) => seen.push(e) }).query({
      endpoint: 'completions',
      startTime: T0,
      endTime: T0 + DAY,
      groupBy: ['project_id', 'model'],
      projectIds: ['proj_alpha', 'proj_beta'],
      models: ['gpt-b'],
      batch: false,
    });
    assert.match(seen[0]?.path ?? '', /project_ids=proj_alpha&project_ids=proj_beta/);
    assert.match(seen[0]?.path ?? '', /batch=false/);
    const q = usageRequests()[0]?.query;
    assert.deepEqual(q?.project_ids, ['proj_alpha', 'proj_beta']);
    assert.deepEqual(q?.models, ['gpt-b']);
    assert.deepEqual(q?.batch, ['false']);
    const rows = buckets[0]?.rows ?? [];
    assert.deepEqual(rows.map((r) => `${r.dims.project_id}/${r.dims.model}`).sort(), ['proj_alpha/gpt-b', 'proj_beta/gpt-b']);
    const expected = tinyMetricTotal('completions', 'input_tokens', (d) => d.project_id === 'proj_alpha' && d.model === 'gpt-b' && d.batch === 'false');
    assert.equal(rows.find((r) => r.dims.project_id === 'proj_alpha')?.values.input_tokens, expected);
  });

  it('images: sources and sizes filters; users and keys filters', async () => {
    await client().query({ endpoint: 'images', startTime: T0, endTime: T0 + DAY, sources: ['image.generation'], sizes: ['512x512', '1024x1024'] });
    await client().query({ endpoint: 'embeddings', startTime: T0, endTime: T0 + DAY, userIds: ['user_0'], apiKeyIds: ['key_1', 'key_2'] });
    const [img, emb] = usageRequests();
    assert.deepEqual(img?.query.sources, ['image.generation']);
    assert.deepEqual(img?.query.sizes, ['512x512', '1024x1024']);
    assert.deepEqual(emb?.query.user_ids, ['user_0']);
    assert.deepEqual(emb?.query.api_key_ids, ['key_1', 'key_2']);
  });

  it('always sends limit, at the width maximum by default, or as given', async () => {
    await client().query({ endpoint: 'embeddings', startTime: T0, endTime: T0 + 2 * 3600, bucketWidth: '1h' });
    await client().query({ endpoint: 'embeddings', startTime: T0, endTime: T0 + 120, bucketWidth: '1m' });
    await client().query({ endpoint: 'embeddings', startTime: T0, endTime: T0 + 2 * DAY, limit: 5 });
    await client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY });
    assert.deepEqual(
      usageRequests().map((r) => r.query.limit?.[0]),
      ['168', '1440', '5', '180'],
    );
    assert.deepEqual(
      usageRequests().map((r) => r.query.bucket_width?.[0]),
      ['1h', '1m', '1d', '1d'],
    );
  });

  it('buildQueryParams: order and encoding', () => {
    const p = buildQueryParams(
      { endpoint: 'completions', startTime: 1, endTime: 2, bucketWidth: '1d', limit: 31, groupBy: ['model'], projectIds: ['a', 'b c'], batch: true },
      'cur',
    );
    assert.equal(p.toString(), 'start_time=1&end_time=2&bucket_width=1d&limit=31&page=cur&group_by=model&project_ids=a&project_ids=b+c&batch=true');
  });

  const refusals: [string, UsageQuery, RegExp][] = [
    ['costs with 1h buckets', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, bucketWidth: '1h' }, /Costs \(GET \/organization\/costs\) does not take bucket_width=1h; allowed: 1d/],
    ['costs with 1m buckets', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, bucketWidth: '1m' }, /allowed: 1d/],
    ['group_by model on vector stores', { endpoint: 'vector_stores', startTime: T0, endTime: T0 + DAY, groupBy: ['model'] }, /cannot group_by=model; allowed: project_id/],
    ['group_by size on completions', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, groupBy: ['size'] }, /group_by=size/],
    ['group_by model on costs', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, groupBy: ['model'] }, /allowed: project_id, line_item, api_key_id/],
    ['models filter on code interpreter', { endpoint: 'code_interpreter_sessions', startTime: T0, endTime: T0 + DAY, models: ['x'] }, /filtered by models; allowed filters: project_ids/],
    ['batch filter on embeddings', { endpoint: 'embeddings', startTime: T0, endTime: T0 + DAY, batch: true }, /filtered by batch/],
    ['sizes filter on completions', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, sizes: ['1024x1024'] }, /filtered by sizes/],
    ['user filter on costs', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, userIds: ['u'] }, /filtered by user_ids/],
    ['limit 0', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, limit: 0 }, /limit 1\.\.31 for bucket_width=1d; got 0/],
    ['limit 32 at 1d', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, limit: 32 }, /limit 1\.\.31/],
    ['limit 169 at 1h', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, bucketWidth: '1h', limit: 169 }, /limit 1\.\.168/],
    ['limit 1441 at 1m', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, bucketWidth: '1m', limit: 1441 }, /limit 1\.\.1440/],
    ['costs limit 181', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, limit: 181 }, /limit 1\.\.180/],
    ['limit 2.5', { endpoint: 'costs', startTime: T0, endTime: T0 + DAY, limit: 2.5 }, /got 2\.5/],
    ['start == end', { endpoint: 'completions', startTime: T0, endTime: T0 }, /must be before end_time/],
    ['start > end', { endpoint: 'completions', startTime: T0 + DAY, endTime: T0 }, /must be before end_time/],
    ['fractional start', { endpoint: 'completions', startTime: T0 + 0.5, endTime: T0 + DAY }, /start_time must be whole Unix seconds/],
    ['fractional end', { endpoint: 'completions', startTime: T0, endTime: T0 + 0.5 }, /end_time must be whole Unix seconds/],
    ['start in the future (default end)', { endpoint: 'completions', startTime: 4_000_000_000 }, /must be before end_time/],
    ['unknown endpoint', { endpoint: 'nope' as 'costs', startTime: T0, endTime: T0 + DAY }, /unknown endpoint/],
    ['empty filter value', { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, models: [''] }, /non-empty string/],
  ];
  for (const [name, q, message] of refusals) {
    it(`refuses before sending: ${name}`, async () => {
      await assert.rejects(client().query(q), (e: unknown) => {
        assert.ok(isApiError(e) && e.code === 'invalid_query', String(e));
        assert.match(e.message, message);
        return true;
      });
      assert.equal(server.requests.length, 0, 'nothing was sent');
    });
  }

  it('validateQuery accepts what the endpoints take', () => {
    validateQuery({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY, limit: 180, groupBy: ['api_key_id'], projectIds: ['p'] });
    validateQuery({ endpoint: 'completions', startTime: T0, bucketWidth: '1m', limit: 1440, batch: false, groupBy: ['service_tier'] });
    validateQuery({ endpoint: 'vector_stores', startTime: T0, endTime: T0 + 1, models: [] });
  });
});

describe('UsageClient: windows and pages', () => {
  it('splitWindows cuts a range into windows of at most `limit` buckets', () => {
    assert.deepEqual(splitWindows(0, 90 * DAY, '1d', 31), [
      { startTime: 0, endTime: 31 * DAY },
      { startTime: 31 * DAY, endTime: 62 * DAY },
      { startTime: 62 * DAY, endTime: 90 * DAY },
    ]);
    assert.equal(splitWindows(0, 7 * DAY, '1h', 168).length, 1);
    assert.equal(splitWindows(0, 7 * DAY + 1, '1h', 168).length, 2);
  });

  it('90 days of 1d usage = 3 requests, all in flight together', async () => {
    // 300 ms per answer: three in a row take 900 ms, so under 800 ms is one round trip even on a
    // loaded machine (the unit files run in parallel).
    server.faults.delayMs = 300;
    const started = performance.now();
    const buckets = await client().query({ endpoint: 'completions', startTime: T0, endTime: T0 + 90 * DAY });
    const elapsed = performance.now() - started;
    assert.equal(usageRequests().length, 3);
    assert.equal(server.maxConcurrent, 3);
    assert.ok(elapsed < 800, `one round trip, not three (${Math.round(elapsed)} ms)`);
    assert.equal(buckets.length, 90);
    buckets.forEach((b, i) => assert.equal(b.startTime, T0 + i * DAY));
    assert.deepEqual(
      usageRequests().map((r) => r.query.start_time?.[0]).sort(),
      [T0, T0 + 31 * DAY, T0 + 62 * DAY].map(String).sort(),
    );
  });

  it('concurrency is bounded by the shared limiter', async () => {
    server.faults.delayMs = 50;
    const c = client({ concurrency: 2 });
    await Promise.all([
      c.query({ endpoint: 'completions', startTime: T0, endTime: T0 + 90 * DAY }),
      c.query({ endpoint: 'embeddings', startTime: T0, endTime: T0 + 90 * DAY }),
    ]);
    assert.equal(usageRequests().length, 6);
    assert.equal(server.maxConcurrent, 2);
  });

  it('200 days of costs = 2 windows (180 + 20)', async () => {
    const buckets = await client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + 200 * DAY });
    assert.equal(buckets.length, 200);
    assert.equal(usageRequests().length, 2);
  });

  it('follows next_page to the end of each window', async () => {
    server.faults.pageSize = 2;
    const buckets = await client().query({ endpoint: 'moderations', startTime: T0, endTime: T0 + 7 * DAY });
    assert.equal(buckets.length, 7);
    buckets.forEach((b, i) => assert.equal(b.startTime, T0 + i * DAY));
    const reqs = usageRequests();
    assert.equal(reqs.length, 4);
    assert.equal(reqs[0]?.query.page, undefined);
    assert.ok(reqs.slice(1).every((r) => r.query.page?.length === 1));
    assert.equal(new Set(reqs.map((r) => r.query.page?.[0])).size, 4, 'each cursor fetched once');
  });

  it('a cursor that comes back unchanged is a response-shape error, never partial data', { timeout: 5000 }, async () => {
    server.faults.repeatCursor = true;
    // One window (no sibling requests left in flight): the first page, then the cursor once.
    await assert.rejects(client().query({ endpoint: 'completions', startTime: T0, endTime: T0 + 5 * DAY, limit: 5 }), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'response_shape', String(e));
      assert.match(e.message, /paging cycle/);
      return true;
    });
    assert.equal(usageRequests().length, 2);
  });

  it('joins identical concurrent queries into one fetch', async () => {
    server.faults.delayMs = 50;
    const c = client();
    const q: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + 40 * DAY, groupBy: ['model', 'project_id'] };
    const [a, b, other] = await Promise.all([
      c.query(q),
      c.query({ ...q, groupBy: ['project_id', 'model'] }),
      c.query({ ...q, endpoint: 'embeddings' }),
    ]);
    assert.deepEqual(a, b);
    assert.equal(usageRequests().length, 4, '2 windows for the joined pair + 2 for the other');
    assert.equal(other.length, 40);
    await c.query(q);
    assert.equal(usageRequests().length, 6, 'a later query fetches again');
  });

  it('one joined caller aborting leaves the other one served', async () => {
    server.faults.delayMs = 100;
    const c = client();
    const q: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + 3 * DAY };
    const ac = new AbortController();
    const first = c.query(q, ac.signal);
    const second = c.query(q);
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(first, { name: 'AbortError' });
    const buckets = await second;
    assert.equal(buckets.length, 3);
    assert.equal(usageRequests().length, 1);
  });

  it('abort rejects promptly and a pre-aborted signal sends nothing', async () => {
    server.faults.delayMs = 1000;
    const ac = new AbortController();
    const started = performance.now();
    const p = client().query({ endpoint: 'completions', startTime: T0, endTime: T0 + 90 * DAY }, ac.signal);
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(performance.now() - started < 500);
    server.resetStats();
    const reason = new Error('user cancelled');
    await assert.rejects(client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY }, AbortSignal.abort(reason)), (e) => e === reason);
    assert.equal(server.requests.length, 0);
  });
});

describe('UsageClient: projects', () => {
  const many: Project[] = Array.from({ length: 250 }, (_, i) => ({
    id: `proj_${String(i).padStart(3, '0')}`,
    name: `Project ${i}`,
    status: i % 10 === 9 ? 'archived' : 'active',
    createdAt: 1_700_000_000 + i,
  }));
  let big: FakeServer;
  before(async () => {
    big = await startFakeServer({ data: { projectList: many, querySync: () => [] } });
  });
  after(async () => {
    await big.close();
  });

  it('pages with after=last_id, limit=100, include_archived=true; archived included', async () => {
    big.resetStats();
    const c = new UsageClient({ baseUrl: big.url, apiKey: FAKE_ADMIN_KEY });
    const projects = await c.projects();
    assert.deepEqual(projects, many);
    assert.equal(big.requests.length, 3);
    assert.ok(big.requests.every((r) => r.path === '/organization/projects' && r.query.limit?.[0] === '100' && r.query.include_archived?.[0] === 'true'));
    assert.deepEqual(big.requests.map((r) => r.query.after?.[0]), [undefined, 'proj_099', 'proj_199']);
  });

  it('caches for 10 minutes; concurrent calls share one fetch; clearProjectCache refetches', async () => {
    big.resetStats();
    let now = 1_000_000;
    const c = new UsageClient({ baseUrl: big.url, apiKey: FAKE_ADMIN_KEY, now: () => now });
    const [a, b] = await Promise.all([c.projects(), c.projects()]);
    assert.deepEqual(a, b);
    assert.equal(big.requests.length, 3);
    now += 9 * 60_000;
    await c.projects();
    assert.equal(big.requests.length, 3, 'cached');
    now += 2 * 60_000;
    await c.projects();
    assert.equal(big.requests.length, 6, 'expired');
    c.clearProjectCache();
    await c.projects();
    assert.equal(big.requests.length, 9, 'cleared');
  });

  it('the archived projects are hidden without include_archived (fake server contract)', async () => {
    const res = await fetch(`${big.url}/organization/projects?limit=100`, { headers: { authorization: `Bearer ${FAKE_ADMIN_KEY}` } });
    const body = (await res.json()) as { data: { status: string }[]; has_more: boolean };
    assert.equal(body.data.length, 100);
    assert.ok(body.data.every((p) => p.status === 'active'));
    assert.equal(body.has_more, true);
  });
});

describe('UsageClient: keys and base URL', () => {
  it('a wrong key → AuthError, with the key in no message (the server echoes it)', async () => {
    const wrong = 'sk-admin-test-fake-9999';
    await assert.rejects(client({ apiKey: wrong }).query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY }), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'auth', String(e));
      assert.equal(e.status, 401);
      assert.ok(!e.message.includes(wrong), e.message);
      assert.ok(!JSON.stringify(e).includes(wrong));
      assert.match(describeError(e).message, /Set Admin Key/);
      return true;
    });
    assert.equal(server.requests.length, 1, '401 is not retried');
  });

  it('a project key → 403 → PermissionError with the admin-key guidance', async () => {
    await assert.rejects(client({ apiKey: FAKE_PROJECT_KEY }).query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY }), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'permission', String(e));
      assert.equal(e.status, 403);
      const text = describeError(e).message;
      assert.match(text, /admin key \(sk-admin-…, made by an organization Owner\)/);
      assert.match(text, /https:\/\/platform\.openai\.com\/settings\/organization\/admin-keys/);
      assert.ok(!e.message.includes(FAKE_PROJECT_KEY));
      return true;
    });
  });

  it('a 401 "Missing scopes" is a PermissionError too', async () => {
    server.faults.projectKeyStatus = 401;
    try {
      await assert.rejects(client({ apiKey: FAKE_PROJECT_KEY }).projects(), (e: unknown) => isApiError(e) && e.code === 'permission' && e.status === 401);
    } finally {
      server.faults.projectKeyStatus = 403;
    }
  });

  it('the key goes in the Authorization header and nowhere in the logged path', async () => {
    const seen: RequestLogEntry[] = [];
    await client({ onRequest: (e) => seen.push(e) }).query({ endpoint: 'completions', startTime: T0, endTime: T0 + DAY });
    assert.equal(seen.length, 1);
    assert.deepEqual(Object.keys(seen[0] ?? {}).sort(), ['attempt', 'method', 'ms', 'path', 'requestId', 'status']);
    assert.equal(seen[0]?.status, 200);
    assert.equal(seen[0]?.attempt, 0);
    assert.match(seen[0]?.path ?? '', /^\/organization\/usage\/completions\?start_time=/);
    assert.ok(!JSON.stringify(seen).includes(FAKE_ADMIN_KEY));
  });

  it('validateBaseUrl: https anywhere, http only on loopback; no user-info, ? or #, never echoed', () => {
    assert.equal(validateBaseUrl('https://api.openai.com/v1/'), 'https://api.openai.com/v1');
    assert.equal(validateBaseUrl('http://127.0.0.1:8080/v1'), 'http://127.0.0.1:8080/v1');
    assert.equal(validateBaseUrl('http://localhost:1/v1'), 'http://localhost:1/v1');
    assert.equal(validateBaseUrl('http://[::1]:1/v1'), 'http://[::1]:1/v1');
    for (const bad of ['http://api.openai.com/v1', 'http://127.0.0.2/v1', 'http://localhost.evil.com/v1', 'ftp://api.openai.com', 'not a url', '', 'https://user:pw@api.openai.com/v1', 'https://api.openai.com/v1?x=1']) {
      assert.throws(() => validateBaseUrl(bad), hasCode('base_url'), bad);
    }
    assert.throws(() => validateBaseUrl('http://example.com'), /https \(http is allowed only for 127\.0\.0\.1, localhost or \[::1\]\)/);
    for (const bad of ['https://api.openai.com/v1?', 'https://api.openai.com/v1#', 'https://@api.openai.com/v1', 'https://:hunter2secret@api.openai.com/v1', 'https://u:hunter2secret@api.openai.com/v1?x#y', 'ht!tp://u:hunter2secret@x']) {
      assert.throws(() => validateBaseUrl(bad), (e: unknown) => isApiError(e) && e.code === 'base_url' && !e.message.includes('hunter2') && !e.message.includes('api.openai'), bad);
    }
    assert.throws(() => new UsageClient({ baseUrl: 'http://example.com/v1', apiKey: FAKE_ADMIN_KEY }), hasCode('base_url'));
  });

  it('is a UsageSource of kind "api"', () => {
    assert.equal(client().kind, 'api');
  });
});
