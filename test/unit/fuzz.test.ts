// Issue 8, property-based: generated and mutated pages through the real parsers, generated buckets
// through the report, and generated paging scripts through the client over loopback. Whatever
// comes in: no exception but a response_shape ApiError (parsers, client) or a NonFiniteTotalError
// (report), no non-finite number in any total, and no bucket ever summed twice.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { UsageClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import { parseUsagePageFast } from '../../src/api/fastRows';
import { parseUsagePage } from '../../src/api/schemas';
import { ENDPOINTS, ENDPOINT_IDS, USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { EndpointId, UsageBucket, UsageRow } from '../../src/shared/endpoints';
import { NonFiniteTotalError } from '../../src/report/finite';
import { buildReport } from '../../src/report/report';

const DAY = 86_400;
const T0 = 20_000 * DAY;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---- pages ------------------------------------------------------------------------------------

const number: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1e9 }) },
  { weight: 3, arbitrary: fc.double({ noNaN: false }) as fc.Arbitrary<number> },
  { weight: 2, arbitrary: fc.constantFrom<Json>('12', ' 3 ', '1e308', '1e999', '-1e999', 'NaN', 'abc', '', 1e308, -1e308, Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, {}, [], [1]) },
);

function resultOf(endpoint: EndpointId): fc.Arbitrary<Json> {
  const spec = ENDPOINTS[endpoint];
  const dims = fc.record(Object.fromEntries(spec.groupBy.map((d) => [d, fc.oneof(fc.constantFrom<Json>('p1', 'gpt-4o', null, 'a\u001b[31mb', 5, true), fc.string())])));
  const metrics =
    endpoint === 'costs'
      ? fc.record({ amount: fc.oneof(fc.record({ value: number, currency: fc.constantFrom<Json>('usd', 'eur', 'USD', null, 3) }), fc.constantFrom<Json>(null, 1)) })
      : fc.record(Object.fromEntries(spec.metrics.map((m) => [m, number])));
  return fc.tuple(fc.constantFrom<Json>(spec.resultObject, 'organization.usage.other.result', null), dims, metrics).map(([object, d, m]) => ({ object, ...d, ...m }) as Json);
}

function pageOf(endpoint: EndpointId): fc.Arbitrary<Json> {
  const bucket = fc
    .tuple(fc.integer({ min: -2, max: 40 }), fc.integer({ min: -1, max: 2 }), fc.array(resultOf(endpoint), { maxLength: 4 }))
    .map(([day, width, results]) => ({ object: 'bucket', start_time: T0 + day * DAY, end_time: T0 + (day + width) * DAY, results }) as Json);
  return fc.record({
    object: fc.constantFrom<Json>('page', null),
    data: fc.array(bucket, { maxLength: 6 }),
    has_more: fc.constantFrom<Json>(false, true, 'true', null),
    next_page: fc.constantFrom<Json>(null, 'cursor', ''),
  });
}

/** A generated value with one part replaced by anything JSON can hold. */
function mutated(endpoint: EndpointId): fc.Arbitrary<Json> {
  return fc.tuple(pageOf(endpoint), fc.jsonValue() as fc.Arbitrary<Json>, fc.nat(), fc.nat()).map(([page, junk, at, depth]) => {
    const copy = JSON.parse(JSON.stringify(page)) as Json;
    let node: Json = copy;
    for (let i = 0; i < depth % 4; i++) {
      if (node === null || typeof node !== 'object') break;
      const keys = Object.keys(node);
      if (!keys.length) break;
      const k = keys[at % keys.length] as string;
      const child: Json | undefined = (node as Record<string, Json>)[k];
      if (i === (depth % 4) - 1 || child === null || typeof child !== 'object') {
        (node as Record<string, Json>)[k] = junk;
        break;
      }
      node = child;
    }
    return depth % 7 === 0 ? junk : copy;
  });
}

function allNumbersFinite(value: unknown, path = 'value'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => allNumbersFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) allNumbersFinite(v, `${path}.${k}`);
}

function parsedOrRefused(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (e) {
    assert.ok(isApiError(e) && e.code === 'response_shape', `threw ${String(e)}`);
    return 'refused';
  }
}

describe('fuzz: the parsers', () => {
  it('thousands of generated and mutated pages: a page of finite numbers, or a response_shape refusal', () => {
    const endpoint = fc.constantFrom(...ENDPOINT_IDS);
    fc.assert(
      fc.property(
        endpoint.chain((id) => fc.tuple(fc.constant(id), fc.oneof(pageOf(id), mutated(id)))),
        ([id, body]) => {
          const slow = parsedOrRefused(() => parseUsagePage(id, body, 'GET fuzz'));
          const fast = parsedOrRefused(() => parseUsagePageFast(id, body, 'GET fuzz'));
          assert.deepStrictEqual(fast === 'refused' ? 'refused' : 'accepted', slow === 'refused' ? 'refused' : 'accepted');
          if (slow !== 'refused') allNumbersFinite(slow);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---- the report ---------------------------------------------------------------------------------

const NOW = (T0 + 20 * DAY) * 1000 + 3_600_000;

function bucketsArb(makeRow: fc.Arbitrary<UsageRow>): fc.Arbitrary<UsageBucket[]> {
  return fc
    .uniqueArray(fc.integer({ min: 0, max: 21 }), { maxLength: 22 })
    .chain((days) => fc.tuple(...days.map((d) => fc.array(makeRow, { maxLength: 3 }).map((rows): UsageBucket => ({ startTime: T0 + d * DAY, endTime: T0 + (d + 1) * DAY, rows })))));
}

const amount = fc.oneof({ weight: 10, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(1e308, Number.MAX_VALUE, -1e308) });
const costRow: fc.Arbitrary<UsageRow> = fc.record({
  values: fc.record({ amount }),
  dims: fc.record({ project_id: fc.constantFrom('p1', 'p2', 'p3'), line_item: fc.constantFrom('gpt-4o, input', 'gpt-4o, output') }),
  currency: fc.constantFrom('usd', 'eur'),
});
const tokenRow: fc.Arbitrary<UsageRow> = fc.record({
  values: fc.record({ input_tokens: amount.map(Math.abs), output_tokens: amount.map(Math.abs), num_model_requests: fc.nat() }),
  dims: fc.record({ project_id: fc.constantFrom('p1', 'p2'), model: fc.constantFrom('gpt-4o', 'o3') }),
});

describe('fuzz: the report', () => {
  it('generated buckets: every number of the report finite, or a NonFiniteTotalError', () => {
    fc.assert(
      fc.property(bucketsArb(costRow), bucketsArb(tokenRow), fc.constantFrom(...USAGE_ENDPOINT_IDS), (costs, usage, id) => {
        try {
          const report = buildReport({
            nowMs: NOW,
            range: { start: T0, end: T0 + 21 * DAY },
            projects: [{ id: 'p1', name: 'One', status: 'active' }],
            costs,
            usage: { completions: usage, [id]: usage },
          });
          allNumbersFinite(report, 'report');
        } catch (e) {
          assert.ok(e instanceof NonFiniteTotalError, `threw ${String(e)}`);
        }
      }),
      { numRuns: 600 },
    );
  });
});

// ---- the client's paging ----------------------------------------------------------------------

/** A script of pages: which days each page holds (repeats allowed) and whether it names a next page. */
interface Script {
  readonly pages: readonly (readonly number[])[];
  readonly cursorLoop: boolean;
}

describe('fuzz: paging through the client', () => {
  let server: Server;
  let url = '';
  let script: Script = { pages: [], cursorLoop: false };
  before(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const i = Number(u.searchParams.get('page')?.slice(1) ?? 0);
      const days = script.pages[i] ?? [];
      const last = i >= script.pages.length - 1;
      const next = last ? null : script.cursorLoop && i > 0 ? 'c0' : `c${i + 1}`;
      const body = {
        object: 'page',
        data: days.map((d) => ({
          object: 'bucket',
          start_time: T0 + d * DAY,
          end_time: T0 + (d + 1) * DAY,
          results: [{ object: 'organization.usage.completions.result', input_tokens: 1, output_tokens: 0, num_model_requests: 1 }],
        })),
        has_more: !last,
        next_page: next,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a bucket sent twice is refused, never summed; what is accepted is every bucket once', async () => {
    const client = new UsageClient({ baseUrl: url, apiKey: 'sk-admin-test-fake-not-a-key', retryBaseDelayMs: 1, retryMaxDelayMs: 2 });
    const scripts = fc.record({ pages: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 5 }), { minLength: 1, maxLength: 5 }), cursorLoop: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(scripts, async (s) => {
        script = s;
        const served = s.pages.flat();
        try {
          const buckets = await client.query({ endpoint: 'completions', startTime: T0, endTime: T0 + 10 * DAY, bucketWidth: '1d' });
          const starts = buckets.map((b) => b.startTime);
          assert.equal(new Set(starts).size, starts.length, 'no bucket twice');
          assert.equal(new Set(served).size, served.length, 'accepted only when the server sent no bucket twice');
          const tokens = buckets.reduce((sum, b) => sum + b.rows.reduce((t, r) => t + (r.values.input_tokens ?? 0), 0), 0);
          assert.equal(tokens, served.length, 'each bucket summed once');
        } catch (e) {
          assert.ok(isApiError(e) && e.code === 'response_shape', `threw ${String(e)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
