// Every quirk and fault of SPEC §1, served by the loopback fake over real sockets.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageClient } from '../../src/api/client';
import type { UsageClientOptions } from '../../src/api/client';
import type { UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import { isApiError } from '../../src/api/errors';
import { hasCode } from './codeOf';
import { getJson } from '../../src/api/http';
import type { RequestLogEntry } from '../../src/api/http';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeFaults, FakeServer } from '../server/fakeServer';
import { createTinyOrg } from '../server/tinyOrg';

const DAY = 86400;
const T0 = Date.UTC(2025, 0, 1) / 1000;
const Q: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + 3 * DAY, groupBy: ['project_id', 'batch'] };
const COSTS: UsageQuery = { endpoint: 'costs', startTime: T0, endTime: T0 + 3 * DAY, groupBy: ['project_id', 'line_item'] };

let server: FakeServer;
let baseline: UsageBucket[];
let baselineCosts: UsageBucket[];
const pristine: FakeFaults = {} as FakeFaults;

function client(over: Partial<UsageClientOptions> = {}): UsageClient {
  return new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...over });
}

before(async () => {
  server = await startFakeServer({ data: createTinyOrg() });
  Object.assign(pristine, server.faults);
  baseline = await client().query(Q);
  baselineCosts = await client().query(COSTS);
});
after(async () => {
  await server.close();
});
beforeEach(async () => {
  Object.assign(server.faults, pristine);
  await server.up();
  server.resetStats();
});

function assertNoKey(e: unknown): void {
  assert.ok(e instanceof Error);
  assert.ok(!e.message.includes(FAKE_ADMIN_KEY));
  assert.ok(!String(e.cause ?? '').includes(FAKE_ADMIN_KEY));
}

describe('retries', () => {
  it('429 with Retry-After (seconds) is retried after that long, then succeeds', async () => {
    Object.assign(server.faults, { rateLimit: 1, retryAfter: '1' });
    const log: RequestLogEntry[] = [];
    const started = performance.now();
    const buckets = await client({ onRequest: (e) => log.push(e) }).query(Q);
    const elapsed = performance.now() - started;
    assert.deepEqual(buckets, baseline);
    assert.ok(elapsed >= 950, `waited ${Math.round(elapsed)} ms`);
    assert.deepEqual(log.map((e) => [e.status, e.attempt]), [[429, 0], [200, 1]]);
  });

  it('429 with retry-after-ms is honoured (and wins over Retry-After)', async () => {
    Object.assign(server.faults, { rateLimit: 2, retryAfterMs: '200', retryAfter: '30' });
    const started = performance.now();
    await client().query(Q);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 390 && elapsed < 2000, `waited ${Math.round(elapsed)} ms`);
    assert.equal(server.requests.length, 3);
  });

  it('a Retry-After above 60 s is ignored in favour of the backoff', async () => {
    Object.assign(server.faults, { rateLimit: 1, retryAfter: '3600' });
    const started = performance.now();
    await client().query(Q);
    assert.ok(performance.now() - started < 1000);
  });

  it('429 on every try → RateLimitError after maxRetries', async () => {
    Object.assign(server.faults, { rateLimit: 100 });
    await assert.rejects(client({ maxRetries: 3 }).query(Q), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'rate_limit');
      assert.equal(e.status, 429);
      assertNoKey(e);
      return true;
    });
    assert.equal(server.requests.length, 4);
  });

  it('5xx twice then success: retried, same data', async () => {
    Object.assign(server.faults, { serverError: 2 });
    assert.deepEqual(await client().query(Q), baseline);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.requests.map((r) => r.status), [500, 500, 200]);
  });

  for (const status of [502, 503, 408, 409]) {
    it(`${status} is retried`, async () => {
      Object.assign(server.faults, { serverError: 1, serverErrorStatus: status });
      assert.deepEqual(await client().query(Q), baseline);
      assert.equal(server.requests.length, 2);
    });
  }

  it('retries exhausted → ServerError with status and request id', async () => {
    Object.assign(server.faults, { serverError: 4 });
    await assert.rejects(client().query(Q), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'server');
      assert.equal(e.status, 500);
      assert.match(e.requestId ?? '', /^req_fake_/);
      assert.match(e.message, /HTTP 500/);
      return true;
    });
    assert.equal(server.requests.length, 4, 'first try + 3 retries (the default)');
  });

  it('maxRetries 0 makes one attempt', async () => {
    Object.assign(server.faults, { serverError: 1 });
    await assert.rejects(client({ maxRetries: 0 }).query(Q), hasCode('server'));
    assert.equal(server.requests.length, 1);
  });

  it('a 400 is not retried → BadRequestError with the server message', async () => {
    // Bypass the client's own checks to see the server's answer.
    await assert.rejects(
      getJson({ baseUrl: server.url, path: `/organization/usage/completions?start_time=${T0}&limit=32`, apiKey: FAKE_ADMIN_KEY }),
      (e: unknown) => {
        assert.ok(isApiError(e) && e.code === 'bad_request');
        assert.equal(e.status, 400);
        assert.match(e.message, /limit/);
        return true;
      },
    );
    assert.equal(server.requests.length, 1);
  });

  it('connection reset once → retried, then succeeds', async () => {
    Object.assign(server.faults, { reset: 1 });
    assert.deepEqual(await client().query(Q), baseline);
    assert.equal(server.requests.length, 2);
  });

  it('connection reset every time → NetworkError after the retries', async () => {
    Object.assign(server.faults, { reset: 100 });
    await assert.rejects(client().query(Q), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'network', String(e));
      assert.match(e.message, /no answer from 127\.0\.0\.1:\d+/);
      assertNoKey(e);
      return true;
    });
    assert.equal(server.requests.length, 4, 'the first try and 3 retries');
  });

  it('server down → NetworkError (ECONNREFUSED); back up → works', async () => {
    await server.down();
    await assert.rejects(client().query(Q), (e: unknown) => isApiError(e) && e.code === 'network' && /ECONNREFUSED/.test(e.message));
    await server.up();
    assert.deepEqual(await client().query(Q), baseline);
  });

  it('a slow answer past the timeout → TimeoutError (each attempt timed)', async () => {
    Object.assign(server.faults, { delayMs: 400 });
    const log: RequestLogEntry[] = [];
    const started = performance.now();
    await assert.rejects(client({ timeoutMs: 60, maxRetries: 1, onRequest: (e) => log.push(e) }).query(Q), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'timeout', String(e));
      assert.match(e.message, /timed out after 60 ms/);
      return true;
    });
    assert.ok(performance.now() - started < 390, 'did not wait for the answer');
    assert.deepEqual(log.map((e) => [e.status, e.error, e.attempt]), [[undefined, 'timeout', 0], [undefined, 'timeout', 1]]);
  });

  it('a slow answer within the timeout is fine', async () => {
    Object.assign(server.faults, { delayMs: 50 });
    assert.deepEqual(await client({ timeoutMs: 2000 }).query(Q), baseline);
  });

  it('abort during a retry wait rejects promptly and stops retrying', async () => {
    Object.assign(server.faults, { rateLimit: 100, retryAfter: '10' });
    const ac = new AbortController();
    const p = client({ maxRetries: 5 }).query(Q, ac.signal);
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(performance.now() - started < 500);
    assert.equal(server.requests.length, 1);
  });

  it('abort mid-request rejects with the signal’s reason, not retried', async () => {
    Object.assign(server.faults, { delayMs: 500 });
    const reason = new Error('stop');
    const ac = new AbortController();
    const p = getJson({ baseUrl: server.url, path: `/organization/costs?start_time=${T0}&limit=1`, apiKey: FAKE_ADMIN_KEY, signal: ac.signal });
    setTimeout(() => ac.abort(reason), 30);
    await assert.rejects(p, (e) => e === reason);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.requests.length, 1);
  });
});

describe('response quirks', () => {
  it('malformed JSON → ResponseShapeError, not retried', async () => {
    server.faults.malformedJson = true;
    await assert.rejects(client().query(Q), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'response_shape');
      assert.match(e.message, /GET \/organization\/usage\/completions: malformed JSON/);
      assert.ok(isApiError(e) && e.requestId);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('`result` instead of `results` gives the same data', async () => {
    server.faults.legacyResultKey = true;
    assert.deepEqual(await client().query(Q), baseline);
    assert.deepEqual(await client().query(COSTS), baselineCosts);
  });

  it('numbers as strings (amounts and every metric) give the same data', async () => {
    server.faults.stringNumbers = true;
    assert.deepEqual(await client().query(Q), baseline);
    assert.deepEqual(await client().query(COSTS), baselineCosts);
    assert.ok(baselineCosts[0]?.rows.every((r) => typeof r.values.amount === 'number' && typeof r.values.quantity === 'number'));
  });

  it('unknown fields and unknown result kinds are ignored', async () => {
    server.faults.unknownFields = true;
    assert.deepEqual(await client().query(Q), baseline);
    assert.deepEqual(await client().query(COSTS), baselineCosts);
  });

  for (const token of ['1e999', '"Infinity"', '"NaN"', '"abc"', 'true']) {
    it(`a metric of ${token} → ResponseShapeError, not summed`, async () => {
      server.faults.badNumber = token;
      await assert.rejects(client().query({ ...Q, endTime: T0 + DAY }), hasCode('response_shape'));
      await assert.rejects(client().query({ ...COSTS, endTime: T0 + DAY }), (e: unknown) => isApiError(e) && e.code === 'response_shape' && /amount/.test(e.message));
    });
  }
});
