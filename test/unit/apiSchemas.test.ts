import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseApiKeysPage,
  parseDeleted,
  parseProjectsPage,
  parseSpendAlert,
  parseSpendAlertsPage,
  parseSpendLimit,
  parseUsagePage,
  parseUsersPage,
} from '../../src/api/schemas';
import { ENDPOINTS, USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import { errorFromStatus, isApiError, redact } from '../../src/api/errors';
import { hasCode } from './codeOf';
import { parseRetryAfter, retryDelayMs } from '../../src/api/http';

const KEY = 'sk-admin-test-fake-0000';

/** Every completions metric at 0: what a result that leaves the breakdown fields out gives. */
const COMPLETIONS_ZEROS: Readonly<Record<string, number>> = Object.fromEntries(ENDPOINTS.completions.metrics.map((m) => [m, 0]));

function page(results: unknown[], extra: Record<string, unknown> = {}, key = 'results'): unknown {
  return { object: 'page', data: [{ object: 'bucket', start_time: 100, end_time: 200, [key]: results }], has_more: false, next_page: null, ...extra };
}

const completion = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  object: 'organization.usage.completions.result',
  input_tokens: 10,
  output_tokens: 20,
  input_cached_tokens: 1,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
  num_model_requests: 3,
  project_id: null,
  user_id: null,
  api_key_id: null,
  model: null,
  batch: null,
  service_tier: null,
  ...over,
});

describe('api schemas: usage pages', () => {
  it('normalises a completions result: metrics as numbers, ungrouped dims absent', () => {
    const p = parseUsagePage('completions', page([completion()]), 'GET x');
    assert.equal(p.buckets.length, 1);
    assert.deepEqual(p.buckets[0], {
      startTime: 100,
      endTime: 200,
      rows: [{ values: { ...COMPLETIONS_ZEROS, input_tokens: 10, output_tokens: 20, input_cached_tokens: 1, num_model_requests: 3 }, dims: {} }],
    });
    assert.equal(p.hasMore, false);
    assert.equal(p.nextPage, undefined);
  });

  it('accepts `result` (the reference) as well as `results` (the real API)', () => {
    const a = parseUsagePage('completions', page([completion()], {}, 'result'), 'GET x');
    const b = parseUsagePage('completions', page([completion()]), 'GET x');
    assert.deepEqual(a, b);
    assert.equal(a.buckets[0]?.rows.length, 1);
  });

  it('accepts numeric strings for every metric and for times', () => {
    const body = { object: 'page', data: [{ start_time: '100', end_time: '200', results: [completion({ input_tokens: '10', output_tokens: ' 2.5e1 ' })] }], has_more: false };
    const p = parseUsagePage('completions', body, 'GET x');
    assert.equal(p.buckets[0]?.startTime, 100);
    assert.equal(p.buckets[0]?.rows[0]?.values.input_tokens, 10);
    assert.equal(p.buckets[0]?.rows[0]?.values.output_tokens, 25);
  });

  it('takes batch as a boolean, null, or the strings "true"/"false"', () => {
    const p = parseUsagePage(
      'completions',
      page([completion({ batch: true }), completion({ batch: false }), completion({ batch: 'true' }), completion({ batch: 'False' }), completion({ batch: null })]),
      'GET x',
    );
    assert.deepEqual(p.buckets[0]?.rows.map((r) => r.dims.batch), ['true', 'false', 'true', 'false', undefined]);
    assert.throws(() => parseUsagePage('completions', page([completion({ batch: 'maybe' })]), 'GET x'), hasCode('response_shape'));
  });

  it('turns null or missing metrics into 0', () => {
    const p = parseUsagePage('completions', page([{ object: 'organization.usage.completions.result', input_tokens: null, num_model_requests: 2 }]), 'GET x');
    assert.deepEqual(p.buckets[0]?.rows[0]?.values, { ...COMPLETIONS_ZEROS, num_model_requests: 2 });
  });

  for (const bad of ['NaN', 'Infinity', '-Infinity', 'abc', '', '12abc']) {
    it(`rejects the non-finite or non-numeric value ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseUsagePage('completions', page([completion({ input_tokens: bad })]), 'GET /organization/usage/completions'), (e: unknown) => {
        assert.ok(isApiError(e) && e.code === 'response_shape');
        assert.match(e.message, /GET \/organization\/usage\/completions/);
        assert.match(e.message, /input_tokens/);
        return true;
      });
    });
  }

  it('rejects a number that overflowed to Infinity in JSON (1e999)', () => {
    const body: unknown = JSON.parse(JSON.stringify(page([completion()])).replace('"input_tokens":10', '"input_tokens":1e999'));
    assert.throws(() => parseUsagePage('completions', body, 'GET x'), hasCode('response_shape'));
  });

  it('ignores unknown fields and skips unknown or foreign result kinds', () => {
    const body = page(
      [
        completion({ brand_new_metric: 5, nested: { a: 1 } }),
        { object: 'organization.usage.teleport.result', quanta: 'lots' },
        { object: 'organization.costs.result', amount: { value: 1, currency: 'usd' } },
      ],
      { surprise: true },
    );
    const p = parseUsagePage('completions', body, 'GET x');
    assert.equal(p.buckets[0]?.rows.length, 1);
    assert.equal(p.buckets[0]?.rows[0]?.values.input_tokens, 10);
    assert.equal('brand_new_metric' in (p.buckets[0]?.rows[0]?.values ?? {}), false);
  });

  it('takes a result without `object` as the endpoint’s own kind', () => {
    const p = parseUsagePage('embeddings', page([{ input_tokens: 4, num_model_requests: 1, model: 'text-embedding-3-small' }]), 'GET x');
    assert.deepEqual(p.buckets[0]?.rows[0], { values: { input_tokens: 4, num_model_requests: 1 }, dims: { model: 'text-embedding-3-small' } });
  });

  it('refuses a currency that is not three lower-case letters, without quoting it', () => {
    for (const currency of ['USD', 'us', 'usdx', '$', 'u5d', ' usd', 'sk-admin-abcdefghijklmnop']) {
      const body = page([{ object: 'organization.costs.result', amount: { value: 1, currency } }]);
      assert.throws(() => parseUsagePage('costs', body, 'GET x'), (e: unknown) => isApiError(e) && e.code === 'response_shape' && /currency/.test(e.message) && !e.message.includes('abcdefgh'), currency);
    }
  });

  it('normalises costs: amount (string or number), quantity when present, currency', () => {
    const body = page([
      { object: 'organization.costs.result', amount: { value: '0.125', currency: 'usd' }, line_item: 'gpt-4o, input', project_id: 'proj_1', quantity: '1000' },
      { object: 'organization.costs.result', amount: { value: 2, currency: 'usd' }, line_item: null, project_id: 'proj_2', quantity: null },
      { object: 'organization.costs.result', amount: null },
    ]);
    const rows = parseUsagePage('costs', body, 'GET x').buckets[0]?.rows;
    assert.deepEqual(rows, [
      { values: { amount: 0.125, quantity: 1000 }, dims: { line_item: 'gpt-4o, input', project_id: 'proj_1' }, currency: 'usd' },
      { values: { amount: 2 }, dims: { project_id: 'proj_2' }, currency: 'usd' },
      { values: { amount: 0 }, dims: {} },
    ]);
    assert.throws(() => parseUsagePage('costs', page([{ object: 'organization.costs.result', amount: { value: 'NaN', currency: 'usd' } }]), 'GET x'), hasCode('response_shape'));
  });

  it('parses each result kind with its own metrics and dims', () => {
    const cases: [Parameters<typeof parseUsagePage>[0], Record<string, unknown>, Record<string, number>, Record<string, string>][] = [
      ['embeddings', { input_tokens: 1, num_model_requests: 2, user_id: 'u' }, { input_tokens: 1, num_model_requests: 2 }, { user_id: 'u' }],
      ['moderations', { input_tokens: 3, num_model_requests: 4, api_key_id: 'k' }, { input_tokens: 3, num_model_requests: 4 }, { api_key_id: 'k' }],
      ['images', { images: 5, num_model_requests: 6, size: '1024x1024', source: 'image.edit' }, { images: 5, num_model_requests: 6 }, { size: '1024x1024', source: 'image.edit' }],
      ['audio_speeches', { characters: 7, num_model_requests: 8 }, { characters: 7, num_model_requests: 8 }, {}],
      ['audio_transcriptions', { seconds: 9, num_model_requests: 10, model: 'whisper-1' }, { seconds: 9, num_model_requests: 10 }, { model: 'whisper-1' }],
      ['vector_stores', { usage_bytes: 11, project_id: 'p' }, { usage_bytes: 11 }, { project_id: 'p' }],
      ['code_interpreter_sessions', { num_sessions: 12 }, { num_sessions: 12 }, {}],
      ['completions', { input_tokens: 1, output_tokens: 2, num_model_requests: 3, service_tier: 'flex' }, { ...COMPLETIONS_ZEROS, input_tokens: 1, output_tokens: 2, num_model_requests: 3 }, { service_tier: 'flex' }],
      ['file_search_calls', { num_requests: 13, vector_store_id: 'vs_1', user_id: 'u' }, { num_requests: 13 }, { vector_store_id: 'vs_1', user_id: 'u' }],
      ['web_search_calls', { num_requests: 14, num_model_requests: 15, context_level: 'high', model: 'm' }, { num_requests: 14, num_model_requests: 15 }, { context_level: 'high', model: 'm' }],
    ];
    assert.deepEqual(new Set(cases.map((c) => c[0])), new Set(USAGE_ENDPOINT_IDS), 'every usage endpoint has a case');
    for (const [id, raw, values, dims] of cases) {
      const rows = parseUsagePage(id, page([{ object: ENDPOINTS[id].resultObject, ...raw }]), 'GET x').buckets[0]?.rows;
      assert.deepEqual(rows, [{ values, dims }], id);
    }
  });

  it('knows the 2026 result kinds by their real names (file_searches, web_searches)', () => {
    assert.equal(ENDPOINTS.file_search_calls.resultObject, 'organization.usage.file_searches.result');
    assert.equal(ENDPOINTS.web_search_calls.resultObject, 'organization.usage.web_searches.result');
    // The example of the reference, verbatim.
    const body = page([
      { object: 'organization.usage.web_searches.result', num_model_requests: 2, num_requests: 2, project_id: null, user_id: null, api_key_id: null, model: null, context_level: null },
    ]);
    assert.deepEqual(parseUsagePage('web_search_calls', body, 'GET x').buckets[0]?.rows, [{ values: { num_requests: 2, num_model_requests: 2 }, dims: {} }]);
    // A file search result is not mistaken for a web search one.
    assert.deepEqual(parseUsagePage('web_search_calls', page([{ object: 'organization.usage.file_searches.result', num_requests: 9 }]), 'GET x').buckets[0]?.rows, []);
  });

  it('reads every completions breakdown field of the reference example', () => {
    const example = {
      object: 'organization.usage.completions.result',
      input_tokens: 5000,
      input_cached_tokens: 1800,
      input_cache_write_tokens: 200,
      input_uncached_tokens: 3000,
      output_tokens: 1000,
      input_text_tokens: 2500,
      output_text_tokens: 800,
      input_cached_text_tokens: 1500,
      input_audio_tokens: 300,
      input_cached_audio_tokens: 100,
      output_audio_tokens: 100,
      input_image_tokens: 200,
      input_cached_image_tokens: 200,
      output_image_tokens: 100,
      num_model_requests: 5,
      project_id: 'proj_abc',
      batch: false,
      service_tier: 'default',
    };
    const [row] = parseUsagePage('completions', page([example]), 'GET x').buckets[0]?.rows ?? [];
    const { object: _object, project_id: _p, batch: _b, service_tier: _s, ...metrics } = example;
    assert.deepEqual(row?.values, metrics);
    assert.deepEqual(row?.dims, { project_id: 'proj_abc', batch: 'false', service_tier: 'default' });
  });

  it('keeps quantity_unit beside quantity on costs, drops it without a quantity', () => {
    const rows = parseUsagePage(
      'costs',
      page([
        { object: 'organization.costs.result', amount: { value: 0.06, currency: 'usd' }, line_item: 'input_tokens', api_key_id: 'key_1', quantity: 10000, quantity_unit: 'tokens' },
        { object: 'organization.costs.result', amount: { value: 1, currency: 'usd' }, quantity: null, quantity_unit: 'tokens' },
        { object: 'organization.costs.result', amount: { value: 1, currency: 'usd' }, quantity: 5, quantity_unit: null },
      ]),
      'GET x',
    ).buckets[0]?.rows;
    assert.deepEqual(rows, [
      { values: { amount: 0.06, quantity: 10000 }, dims: { line_item: 'input_tokens', api_key_id: 'key_1' }, currency: 'usd', quantityUnit: 'tokens' },
      { values: { amount: 1 }, dims: {}, currency: 'usd' },
      { values: { amount: 1, quantity: 5 }, dims: {}, currency: 'usd' },
    ]);
  });

  it('rejects a page without data, and a non-object body', () => {
    assert.throws(() => parseUsagePage('completions', { object: 'page' }, 'GET x'), hasCode('response_shape'));
    assert.throws(() => parseUsagePage('completions', 'hello', 'GET x'), hasCode('response_shape'));
    assert.throws(() => parseUsagePage('completions', { data: [{ start_time: 1.5, end_time: 2, results: [] }] }, 'GET x'), hasCode('response_shape'));
  });

  it('reads has_more and next_page', () => {
    const p = parseUsagePage('completions', { object: 'page', data: [], has_more: true, next_page: 'cur_1' }, 'GET x');
    assert.equal(p.hasMore, true);
    assert.equal(p.nextPage, 'cur_1');
  });
});

describe('api schemas: projects', () => {
  it('parses a projects page (name falls back to the id, status kept)', () => {
    const p = parseProjectsPage(
      {
        object: 'list',
        data: [
          { id: 'proj_a', object: 'organization.project', name: 'A', created_at: 1700000000, status: 'active', archived_at: null },
          { id: 'proj_b', name: '', status: 'archived' },
        ],
        first_id: 'proj_a',
        last_id: 'proj_b',
        has_more: true,
      },
      'GET /organization/projects',
    );
    assert.deepEqual(p.projects, [
      { id: 'proj_a', name: 'A', status: 'active', createdAt: 1700000000 },
      { id: 'proj_b', name: 'proj_b', status: 'archived' },
    ]);
    assert.equal(p.hasMore, true);
    assert.equal(p.lastId, 'proj_b');
    assert.throws(() => parseProjectsPage({ data: [{ name: 'no id' }] }, 'GET x'), hasCode('response_shape'));
  });
});

describe('api errors', () => {
  it('redact hides anything shaped like a key or a bearer credential', () => {
    assert.equal(redact(`bad key ${KEY} here`), 'bad key sk-*** here');
    assert.equal(redact('sk-proj-abcDEF_123-xyz and sk-abc12345'), 'sk-*** and sk-***');
    assert.equal(redact('Authorization: Bearer abc.def'), 'Authorization: Bearer ***');
    assert.equal(redact('no secrets'), 'no secrets');
  });

  it('maps statuses to codes; 401 "Missing scopes" is a permission problem; 3xx is a refused redirect', () => {
    const codeFor = (status: number, text?: string): string => errorFromStatus(status, text).code;
    assert.equal(codeFor(401, 'Incorrect API key'), 'auth');
    assert.equal(codeFor(401, 'Missing scopes: api.usage.read'), 'permission');
    assert.equal(codeFor(403), 'permission');
    assert.equal(codeFor(429), 'rate_limit');
    assert.equal(codeFor(503), 'server');
    assert.equal(codeFor(400, 'bad'), 'bad_request');
    assert.equal(codeFor(404, 'bad'), 'bad_request');
    assert.equal(codeFor(302), 'redirect');
    const e = errorFromStatus(500, 'x', { requestId: 'req_1' });
    assert.ok(isApiError(e));
    assert.equal(e.status, 500);
    assert.equal(e.requestId, 'req_1');
    assert.equal(e.message, 'HTTP 500: x');
  });

  it('messages are technical: no advice, no command names', () => {
    for (const status of [401, 403, 429, 500, 400, 302]) {
      const e = errorFromStatus(status, 'Missing scopes: api.usage.read');
      assert.doesNotMatch(e.message, /Set Admin Key|OPENAI_ADMIN_KEY|try again|check /i, e.message);
    }
  });

  it('never carries a key from server text into a message; messages are one line', () => {
    for (const status of [400, 401, 403, 429, 500]) {
      const e = errorFromStatus(status, `Incorrect API key provided: ${KEY}.\nmore`);
      assert.ok(!e.message.includes(KEY), e.message);
      assert.ok(!e.message.includes('\n'));
    }
  });
});

describe('api retry timing', () => {
  it('parses retry-after-ms, Retry-After seconds and HTTP dates, within 0–60 s only', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250' }, now), 250);
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
    assert.equal(parseRetryAfter({ 'retry-after': '2' }, now), 2000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }, now), 500);
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now), 3000);
    assert.equal(parseRetryAfter({ 'retry-after': '61' }, now), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': '-1' }, now), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(parseRetryAfter({}, now), undefined);
  });

  it('backs off exponentially with up to 25 % jitter, capped', () => {
    for (let i = 0; i < 50; i++) {
      const d0 = retryDelayMs(0, undefined);
      assert.ok(d0 > 375 - 1e-9 && d0 <= 500, String(d0));
      const d2 = retryDelayMs(2, undefined);
      assert.ok(d2 > 1500 - 1e-9 && d2 <= 2000, String(d2));
      const d10 = retryDelayMs(10, undefined);
      assert.ok(d10 > 3000 - 1e-9 && d10 <= 4000, String(d10));
    }
    assert.equal(retryDelayMs(3, 1234), 1234);
  });
});

describe('api schemas: names and budgets', () => {
  it('reads a project key page: owner user or service account, times, project id attached', () => {
    const body = {
      object: 'list',
      data: [
        {
          object: 'organization.project.api_key',
          redacted_value: 'sk-abc...def',
          name: 'My API Key',
          created_at: 1711471533,
          last_used_at: 1711471534,
          id: 'key_abc',
          owner_project_access: 'active',
          owner: { type: 'user', user: { id: 'user_abc', name: 'First Last', email: 'user@example.com', role: 'owner', created_at: 1711471533 } },
        },
        { id: 'key_sa', name: '', redacted_value: 'sk-...x', created_at: 1, last_used_at: null, owner: { type: 'service_account', service_account: { id: 'sa_1', name: 'bot' } } },
      ],
      first_id: 'key_abc',
      last_id: 'key_sa',
      has_more: true,
    };
    const p = parseApiKeysPage(body, 'GET x', 'proj_1');
    assert.deepEqual(p.items, [
      {
        id: 'key_abc',
        name: 'My API Key',
        redactedValue: 'sk-abc...def',
        owner: { type: 'user', id: 'user_abc', name: 'First Last', email: 'user@example.com' },
        createdAt: 1711471533,
        lastUsedAt: 1711471534,
        projectId: 'proj_1',
      },
      { id: 'key_sa', name: 'key_sa', redactedValue: 'sk-...x', owner: { type: 'service_account', id: 'sa_1', name: 'bot' }, createdAt: 1, projectId: 'proj_1' },
    ]);
    assert.equal(p.hasMore, true);
    assert.equal(p.lastId, 'key_sa');
  });

  it('reads an admin key page (flat owner) and a users page', () => {
    const admin = parseApiKeysPage(
      { object: 'list', data: [{ object: 'organization.admin_api_key', id: 'key_a', name: 'Main', redacted_value: 'sk-admin...def', created_at: 5, expires_at: null, owner: { type: 'service_account', object: 'organization.service_account', id: 'sa_456', name: 'SA' } }], has_more: false },
      'GET x',
    );
    assert.deepEqual(admin.items, [{ id: 'key_a', name: 'Main', redactedValue: 'sk-admin...def', owner: { type: 'service_account', id: 'sa_456', name: 'SA' }, createdAt: 5 }]);
    const users = parseUsersPage({ object: 'list', data: [{ id: 'user_1', name: 'Ann', email: 'ann@example.com' }, { id: 'user_2', name: null, email: null }], has_more: false }, 'GET x');
    assert.deepEqual(users.items, [{ id: 'user_1', name: 'Ann', email: 'ann@example.com' }, { id: 'user_2', name: 'user_2' }]);
    assert.throws(() => parseUsersPage({ data: [{ name: 'no id' }] }, 'GET x'), hasCode('response_shape'));
  });

  it('reads a spend limit in cents and its enforcement; refuses fractional cents', () => {
    const limit = parseSpendLimit({ object: 'organization.spend_limit', threshold_amount: 10000, currency: 'USD', interval: 'month', enforcement: { status: 'enforcing' } }, 'GET x');
    assert.deepEqual(limit, { thresholdCents: 10000, currency: 'USD', interval: 'month', enforcing: true, enforcementStatus: 'enforcing' });
    assert.equal(parseSpendLimit({ threshold_amount: '500', enforcement: { status: 'inactive' } }, 'GET x').enforcing, false);
    assert.throws(() => parseSpendLimit({ threshold_amount: 12.5, currency: 'USD' }, 'GET x'), hasCode('response_shape'));
  });

  it('reads spend alerts (one and a page) and a deletion', () => {
    const raw = { id: 'alert_abc123', object: 'project.spend_alert', threshold_amount: 100000, currency: 'USD', interval: 'month', notification_channel: { type: 'email', recipients: ['finance@example.com'], subject_prefix: 'OpenAI spend alert' } };
    const alert = { id: 'alert_abc123', thresholdCents: 100000, currency: 'USD', interval: 'month', recipients: ['finance@example.com'], subjectPrefix: 'OpenAI spend alert' };
    assert.deepEqual(parseSpendAlert(raw, 'GET x'), alert);
    const p = parseSpendAlertsPage({ object: 'list', data: [raw], first_id: 'alert_abc123', last_id: 'alert_abc123', has_more: false }, 'GET x');
    assert.deepEqual(p, { items: [alert], hasMore: false, lastId: 'alert_abc123' });
    assert.doesNotThrow(() => parseDeleted({ id: 'alert_abc123', object: 'project.spend_alert.deleted', deleted: true }, 'DELETE x'));
    assert.throws(() => parseDeleted({ object: 'organization.spend_limit.deleted', deleted: false }, 'DELETE x'), hasCode('response_shape'));
  });
});
