import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProjectsPage, parseUsagePage } from '../../src/api/schemas';
import { errorFromStatus, isApiError, redact } from '../../src/api/errors';
import { hasCode } from './codeOf';
import { parseRetryAfter, retryDelayMs } from '../../src/api/http';

const KEY = 'sk-admin-test-fake-0000';

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
      rows: [{ values: { input_tokens: 10, output_tokens: 20, input_cached_tokens: 1, input_audio_tokens: 0, output_audio_tokens: 0, num_model_requests: 3 }, dims: {} }],
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
    assert.deepEqual(p.buckets[0]?.rows[0]?.values, { input_tokens: 0, output_tokens: 0, input_cached_tokens: 0, input_audio_tokens: 0, output_audio_tokens: 0, num_model_requests: 2 });
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

  it('parses each of the 9 result kinds with its own metrics and dims', () => {
    const cases: [Parameters<typeof parseUsagePage>[0], Record<string, unknown>, Record<string, number>, Record<string, string>][] = [
      ['embeddings', { input_tokens: 1, num_model_requests: 2, user_id: 'u' }, { input_tokens: 1, num_model_requests: 2 }, { user_id: 'u' }],
      ['moderations', { input_tokens: 3, num_model_requests: 4, api_key_id: 'k' }, { input_tokens: 3, num_model_requests: 4 }, { api_key_id: 'k' }],
      ['images', { images: 5, num_model_requests: 6, size: '1024x1024', source: 'image.edit' }, { images: 5, num_model_requests: 6 }, { size: '1024x1024', source: 'image.edit' }],
      ['audio_speeches', { characters: 7, num_model_requests: 8 }, { characters: 7, num_model_requests: 8 }, {}],
      ['audio_transcriptions', { seconds: 9, num_model_requests: 10, model: 'whisper-1' }, { seconds: 9, num_model_requests: 10 }, { model: 'whisper-1' }],
      ['vector_stores', { usage_bytes: 11, project_id: 'p' }, { usage_bytes: 11 }, { project_id: 'p' }],
      ['code_interpreter_sessions', { num_sessions: 12 }, { num_sessions: 12 }, {}],
      ['completions', { input_tokens: 1, output_tokens: 2, num_model_requests: 3, service_tier: 'flex' }, { input_tokens: 1, output_tokens: 2, input_cached_tokens: 0, input_audio_tokens: 0, output_audio_tokens: 0, num_model_requests: 3 }, { service_tier: 'flex' }],
    ];
    for (const [id, raw, values, dims] of cases) {
      const rows = parseUsagePage(id, page([{ object: `organization.usage.${id}.result`, ...raw }]), 'GET x').buckets[0]?.rows;
      assert.deepEqual(rows, [{ values, dims }], id);
    }
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
