// Issue 8, API side, over real sockets against the loopback fake: what the client refuses to sum
// (bad buckets, bad cursors, endless paging, odd currencies), the body cap, redirects, and retries
// that ride out a flaky server but give up on a dead one in bounded time.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageClient } from '../../src/api/client';
import type { UsageClientOptions } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import { MAX_BODY_BYTES } from '../../src/api/http';
import type { UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import { describeError } from '../../src/userText';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeFaults, FakeServer } from '../server/fakeServer';
import { createTinyOrg } from '../server/tinyOrg';

const DAY = 86400;
const T0 = Date.UTC(2025, 0, 1) / 1000;
/** One window of 3 daily buckets. */
const Q: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + 3 * DAY, groupBy: ['project_id'] };

let server: FakeServer;
let baseline: UsageBucket[];
const pristine: FakeFaults = {} as FakeFaults;

function client(over: Partial<UsageClientOptions> = {}): UsageClient {
  return new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...over });
}

function shapeError(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isApiError(e), String(e));
    assert.equal(e.code, 'response_shape', e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

const usageRequests = (): number => server.requests.filter((r) => r.path.startsWith('/organization/usage/')).length;

before(async () => {
  server = await startFakeServer({ data: createTinyOrg() });
  Object.assign(pristine, server.faults);
  baseline = await client().query(Q);
});
after(() => server.close());
beforeEach(async () => {
  Object.assign(server.faults, pristine);
  await server.up();
  server.resetStats();
});

describe('bucket integrity', () => {
  it('the same bucket twice in one page is refused, not summed', async () => {
    server.faults.duplicateBucket = true;
    await assert.rejects(client().query(Q), shapeError(/bucket \d+ came twice/));
  });

  it('the same bucket on two pages (overlapping cursors) is refused', async () => {
    Object.assign(server.faults, { pageSize: 1, overlapPages: true });
    await assert.rejects(client().query(Q), shapeError(/bucket \d+ came twice/));
  });

  it('a bucket outside the window asked for is refused (one window, and across parallel windows)', async () => {
    server.faults.bucketOutsideWindow = true;
    await assert.rejects(client().query(Q), shapeError(/outside the window/));
    server.resetStats();
    // limit 1: three parallel windows; each one's extra bucket is its left neighbour's bucket.
    await assert.rejects(client().query({ ...Q, limit: 1 }), shapeError(/outside the window/));
  });

  it('a bucket whose end_time is not after its start_time is refused', async () => {
    server.faults.badBucketEnd = true;
    await assert.rejects(client().query(Q), shapeError(/not after it starts/));
  });

  it('pages of one bucket each still give the whole, correct result', async () => {
    server.faults.pageSize = 1;
    assert.deepEqual(await client().query(Q), baseline);
    assert.equal(usageRequests(), 3);
  });
});

describe('cursors and page caps', () => {
  it('a cursor cycle A → B → A is an error, after exactly the pages of the cycle', async () => {
    server.faults.cursorCycle = true;
    await assert.rejects(client().query(Q), shapeError(/paging cycle/));
    assert.equal(usageRequests(), 3, 'first page, A, B; the second A is not followed');
  });

  it('has_more without a cursor is an error, not partial data', async () => {
    server.faults.moreWithoutCursor = true;
    await assert.rejects(client().query(Q), shapeError(/has_more is true but next_page is missing/));
  });

  it('a server that keeps issuing new cursors ends in a clear error at the page cap', async () => {
    server.faults.endlessCursors = true;
    await assert.rejects(client().query(Q), shapeError(/more than 4 pages/));
    assert.equal(usageRequests(), 4, '3 buckets in the window: at most 4 pages');
  });

  it('the projects list is capped too (a list that pages forever)', { timeout: 30_000 }, async () => {
    server.faults.endlessProjects = true;
    await assert.rejects(client().projects(), shapeError(/more than 1000 pages/));
    assert.equal(server.requests.length, 1000);
  });

  it('the error names what to do on each surface', async () => {
    server.faults.endlessCursors = true;
    const e = await client().query(Q).then(() => undefined, (err: unknown) => err);
    assert.match(describeError(e).message, /cannot be read .*more than 4 pages.*report it if it persists/);
    assert.match(describeError(e, 'cli').message, /cannot be read/);
  });
});

describe('currency', () => {
  for (const currency of ['USD', 'us', 'euro', '€', '']) {
    it(`a cost row in ${JSON.stringify(currency)} is a response-shape error`, async () => {
      server.faults.currency = currency;
      await assert.rejects(client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY }), shapeError(/currency is not three lower-case letters/));
    });
  }

  it('any three lower-case letters pass through', async () => {
    server.faults.currency = 'eur';
    const buckets = await client().query({ endpoint: 'costs', startTime: T0, endTime: T0 + DAY });
    assert.ok(buckets[0]?.rows.length);
    assert.ok(buckets[0]?.rows.every((r) => r.currency === 'eur'));
  });
});

describe('response body cap', () => {
  it(`a 600 MB body stops at the ${MAX_BODY_BYTES / 1024 / 1024} MiB cap with body_too_large, the stream aborted early`, { timeout: 60_000 }, async () => {
    server.faults.hugeBodyBytes = 600 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    // One day: a window that cannot be halved, so the cap is the answer.
    await assert.rejects(client().query({ ...Q, endTime: T0 + DAY }), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'body_too_large', String(e));
      assert.match(e.message, /response body over 33554432 bytes/);
      assert.match(describeError(e).message, /too large/);
      assert.doesNotMatch(describeError(e).message, /network/);
      return true;
    });
    assert.equal(server.requests.length, 1, 'not retried');
    // Let the server notice the hang-up.
    for (let i = 0; i < 50 && server.requests[0]?.bytesSent === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const sent = server.requests[0]?.bytesSent ?? Number.NaN;
    assert.ok(sent < 100 * 1024 * 1024, `the server wrote ${sent} bytes before the client hung up`);
    assert.ok(process.memoryUsage().rss - before < 300 * 1024 * 1024, 'memory stayed near the cap');
  });

  it('pages too large for the cap: the window is halved until each answer fits, and the data is complete', async () => {
    // Answers for windows of more than one bucket are over the cap; single days fit.
    server.faults.hugeBodyBytes = 2 * 1024 * 1024;
    server.faults.hugeOverBuckets = 1;
    try {
      const buckets = await client({ maxBodyBytes: 1024 * 1024 }).query(Q);
      assert.deepEqual(buckets, baseline);
      const answered = server.requests.filter((r) => r.status === 200 && r.bytesSent === undefined);
      assert.equal(answered.length, 3, 'one request a day in the end');
    } finally {
      server.faults.hugeBodyBytes = undefined;
      server.faults.hugeOverBuckets = undefined;
    }
  });

  it('the size that fits is kept: the next query of the same shape asks for windows that fit at once', async () => {
    server.faults.hugeBodyBytes = 2 * 1024 * 1024;
    server.faults.hugeOverBuckets = 1;
    try {
      const c = client({ maxBodyBytes: 1024 * 1024 });
      assert.deepEqual(await c.query(Q), baseline);
      const overCap = (): number => server.requests.filter((r) => r.bytesSent !== undefined).length;
      assert.ok(overCap() > 0, 'the first query met the cap');
      const first = server.requests.length;
      assert.deepEqual(await c.query({ ...Q, startTime: T0 + DAY, endTime: T0 + 3 * DAY }), baseline.slice(1));
      const again = server.requests.slice(first);
      assert.equal(again.length, 2, 'one request a day, straight away');
      assert.ok(again.every((r) => r.status === 200 && r.bytesSent === undefined), 'no answer over the cap');
      // A long range in windows of that size: many windows of one query, and no listener warning.
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const long = await c.query({ ...Q, startTime: T0 - 12 * DAY, endTime: T0 + 3 * DAY });
        assert.equal(long.length, 15);
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings, []);
      // Another shape (grouped otherwise) learns on its own.
      const other = await c.query({ ...Q, groupBy: ['model'] });
      assert.equal(other.length, 3);
    } finally {
      server.faults.hugeBodyBytes = undefined;
      server.faults.hugeOverBuckets = undefined;
    }
  });

  it('the cap is an option; a normal page is well under the default', async () => {
    await assert.rejects(client({ maxBodyBytes: 200 }).query(Q), (e: unknown) => isApiError(e) && e.code === 'body_too_large');
    assert.deepEqual(await client().query(Q), baseline);
  });

  it('a full one-minute page (1440 buckets, grouped by every dimension) is read whole', { timeout: 60_000 }, async () => {
    const full: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + DAY, bucketWidth: '1m', groupBy: ['project_id', 'user_id', 'api_key_id', 'model', 'batch'] };
    const buckets = await client().query(full);
    assert.equal(buckets.length, 1440);
    assert.equal(usageRequests(), 1, 'one page');
  });
});

describe('redirects', () => {
  it('a 302 is refused (code redirect), never followed or retried: the key goes nowhere else', async () => {
    const elsewhere = await startFakeServer({ data: createTinyOrg() });
    try {
      server.faults.redirectTo = `${elsewhere.url}/organization/usage/completions`;
      await assert.rejects(client().query(Q), (e: unknown) => {
        assert.ok(isApiError(e) && e.code === 'redirect', String(e));
        assert.equal(e.status, 302);
        assert.match(e.message, /redirect refused/);
        assert.doesNotMatch(e.message, /127\.0\.0\.1/);
        assert.match(describeError(e).message, /redirect/);
        return true;
      });
      assert.equal(server.requests.length, 1);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('retries with the default budget and backoff', () => {
  it('a server that answers one request in three with a 500 still gives the complete result', { timeout: 60_000 }, async () => {
    const wide: UsageQuery = { endpoint: 'completions', startTime: T0, endTime: T0 + 14 * DAY, bucketWidth: '1h', groupBy: ['model'] };
    const expected = await client().query(wide);
    const expectedProjects = await client().projects();
    server.resetStats();
    server.faults.serverErrorEvery = 3;
    // Default retries and backoff (no test overrides): what a background refresh runs with.
    const flaky = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY });
    assert.deepEqual(await flaky.query(wide), expected);
    assert.deepEqual(await flaky.query(Q), baseline);
    assert.deepEqual(await flaky.projects(), expectedProjects);
    assert.ok(server.requests.some((r) => r.status === 500), 'some requests did fail');
  });

  it('a server that is down gives one network error within a bounded time', { timeout: 30_000 }, async () => {
    await server.down();
    const started = performance.now();
    await assert.rejects(new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY }).query({ ...Q, limit: 1 }), (e: unknown) => {
      assert.ok(isApiError(e) && e.code === 'network', String(e));
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    const ms = performance.now() - started;
    // 3 retries with 0.5, 1 and 2 s of backoff (less up to 25 % jitter), whatever the windows.
    assert.ok(ms >= 2500 && ms < 6000, `gave up after ${Math.round(ms)} ms`);
  });

  it('the retry budget is shared by the query: a mostly failing server is not retried window after window', async () => {
    server.faults.serverErrorEvery = 1;
    await assert.rejects(client({ maxRetries: 100 }).query({ ...Q, limit: 1 }), (e: unknown) => isApiError(e) && e.code === 'server');
    // 3 windows; a budget of 10 + one per window.
    assert.ok(usageRequests() <= 3 + 13, `${usageRequests()} requests`);
  });
});

describe('a key that cannot be sent', () => {
  for (const key of ['sk-admin-test-fake\n-0000', 'sk-admin-test-fake\u0000-0000', 'sk-admin-tést-fake-0000', ' sk-admin-test-fake-0000']) {
    it(`${JSON.stringify(key)}: key_format before anything is sent, never a network error`, () => {
      server.resetStats();
      assert.throws(() => new UsageClient({ baseUrl: server.url, apiKey: key }), (e: unknown) => {
        assert.ok(isApiError(e) && e.code === 'key_format', String(e));
        assert.match(describeError(e).message, /key contains characters that cannot be sent/);
        assert.ok(!e.message.includes('fake'), 'the key is not quoted');
        return true;
      });
      assert.equal(server.requests.length, 0);
    });
  }
});
