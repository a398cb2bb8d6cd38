// Differential test of the hand-written row guard (src/api/fastRows.ts) against the zod reference
// (src/api/schemas.ts): thousands of generated pages, valid and mutated, for every endpoint; both
// must give the same buckets and rows, or both must refuse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENDPOINTS, ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { EndpointId } from '../../src/shared/endpoints';
import { parseUsagePageFast, tryParseUsagePage } from '../../src/api/fastRows';
import { parseUsagePage } from '../../src/api/schemas';
import type { UsagePage } from '../../src/api/schemas';
import { isApiError } from '../../src/api/errors';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function reference(endpoint: EndpointId, body: unknown): UsagePage | 'refused' {
  try {
    return parseUsagePage(endpoint, body, 'GET test');
  } catch (e) {
    assert.ok(isApiError(e) && e.code === 'response_shape', `the reference threw ${String(e)}`);
    return 'refused';
  }
}

function assertSame(endpoint: EndpointId, body: unknown): 'accepted' | 'refused' {
  const ref = reference(endpoint, body);
  const fast = tryParseUsagePage(endpoint, body) ?? 'refused';
  assert.deepStrictEqual(fast, ref, `${endpoint}: ${JSON.stringify(body).slice(0, 300)}`);
  return ref === 'refused' ? 'refused' : 'accepted';
}

// Numbers as the API and its quirks send them, good and bad.
const goodNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
  fc.constantFrom('0.125', ' 12 ', '+3', '-4.5', '.5', '5.', '1e3', '2E-2', '-0', null),
);
const badNumber: fc.Arbitrary<Json> = fc.constantFrom('abc', '', ' ', '1e999', '-1e999', 'NaN', 'Infinity', '0x10', '1_000', '1,5', '..1', true, false, {}, [], [1], { value: 1 });
const metricValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 12, arbitrary: goodNumber },
  { weight: 1, arbitrary: badNumber },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const dimValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('proj_1', 'proj_2', 'gpt-4o', 'gpt-4o-mini', 'key_1', 'user_1', 'default', '', 'gpt-4o, input') },
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, {}, [], ['a']) },
);
const batchValue: fc.Arbitrary<Json | undefined> = fc.constantFrom(true, false, null, undefined, 'true', 'false', 'TRUE', ' False ', 'yes', '', 1, 0, {});
const objectValue = (endpoint: EndpointId): fc.Arbitrary<Json | undefined> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(ENDPOINTS[endpoint].resultObject) },
    { weight: 2, arbitrary: fc.constantFrom(...ENDPOINT_IDS.map((id) => ENDPOINTS[id].resultObject)) },
    { weight: 1, arbitrary: fc.constantFrom('organization.usage.future_kind.result', '', null, undefined) },
    { weight: 1, arbitrary: fc.constantFrom(7, true, {}) },
  );

function withoutUndefined(o: Record<string, Json | undefined>): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function resultArb(endpoint: EndpointId): fc.Arbitrary<Json> {
  const spec = ENDPOINTS[endpoint];
  const fields: Record<string, fc.Arbitrary<Json | undefined>> = { object: objectValue(endpoint), x_future: fc.constantFrom(undefined, 1, 'x', { a: [1] }) };
  if (endpoint === 'costs') {
    fields.amount = fc.oneof(
      { weight: 10, arbitrary: fc.record({ value: metricValue, currency: fc.constantFrom('usd', 'USD', 'eur', '', null, undefined, 5) }).map(withoutUndefined) },
      { weight: 1, arbitrary: fc.constantFrom(null, undefined, 3, 'usd', [1]) },
    );
    fields.quantity = metricValue;
    fields.quantity_unit = fc.constantFrom(undefined, 'tokens', null);
  } else {
    for (const m of spec.metrics) fields[m] = metricValue;
  }
  for (const d of spec.groupBy) fields[d] = d === 'batch' ? batchValue : dimValue;
  return fc.record(fields).map(withoutUndefined);
}

function bucketArb(endpoint: EndpointId): fc.Arbitrary<Json> {
  const time: fc.Arbitrary<Json | undefined> = fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom(1.5, '1.5', 'x', null, undefined, -3, '1e9') },
  );
  const results = fc.array(resultArb(endpoint), { maxLength: 6 });
  return fc
    .record({
      object: fc.constantFrom('bucket', undefined),
      start_time: time,
      end_time: time,
      results: fc.oneof({ weight: 10, arbitrary: results }, { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'x', [3]) }),
      result: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: results }, { weight: 1, arbitrary: fc.constantFrom(null, {}, [null]) }),
    })
    .map(withoutUndefined);
}

function pageArb(endpoint: EndpointId): fc.Arbitrary<Json> {
  return fc
    .record({
      object: fc.constantFrom('page', undefined, null, 3),
      data: fc.oneof({ weight: 20, arbitrary: fc.array(bucketArb(endpoint), { maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(null, undefined, {}, 'x') }),
      has_more: fc.constantFrom(true, false, 'true', 'false', null, undefined, 1, {}),
      next_page: fc.constantFrom('page_abc', '', null, undefined, 5, ['x']),
    })
    .map(withoutUndefined);
}

/** Every path in a JSON value (root excluded), to mutate one. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : v !== null && typeof v === 'object' ? Object.entries(v) : [];
  for (const [k, x] of entries) {
    out.push([...prefix, k]);
    paths(x, [...prefix, k], out);
  }
  return out;
}

function mutate(v: Json, at: (string | number)[], replacement: Json | undefined): Json {
  const copy = structuredClone(v);
  let parent: Json = copy;
  for (const k of at.slice(0, -1)) parent = (parent as Record<string, Json>)[k] as Json;
  const last = at.at(-1) as string | number;
  if (replacement === undefined && !Array.isArray(parent)) delete (parent as Record<string, Json>)[last];
  else (parent as Record<string | number, Json>)[last] = replacement ?? null;
  return copy;
}

const anyEndpoint = fc.constantFrom(...ENDPOINT_IDS);

describe('fastRows: the hand-written guard agrees with the zod schemas', () => {
  it('generated pages of every endpoint: same buckets and rows, or both refuse (and both outcomes occur)', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(anyEndpoint.chain((e) => fc.tuple(fc.constant(e), pageArb(e))), ([endpoint, page]) => {
        seen[assertSame(endpoint, JSON.parse(JSON.stringify(page)))]++;
      }),
      { numRuns: 2500 },
    );
    // The generator must exercise both sides, or the test would prove little.
    assert.ok(seen.accepted > 125 && seen.refused > 125, JSON.stringify(seen));
  });

  it('valid pages mutated at one random place (any JSON value, or the key removed)', () => {
    const replacement: fc.Arbitrary<Json | undefined> = fc.oneof(
      fc.constant(undefined),
      badNumber,
      goodNumber,
      dimValue,
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    );
    fc.assert(
      fc.property(
        anyEndpoint.chain((e) => fc.tuple(fc.constant(e), pageArb(e), fc.nat(), replacement)),
        ([endpoint, page, index, value]) => {
          const all = paths(page);
          const body = all.length === 0 ? page : mutate(page, all[index % all.length] as (string | number)[], value);
          assertSame(endpoint, JSON.parse(JSON.stringify(body)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(anyEndpoint, fc.jsonValue({ maxDepth: 4 }), (endpoint, body) => {
        assertSame(endpoint, body);
      }),
      { numRuns: 1000 },
    );
  });

  it('the fake server’s own pages (ints, numeric strings, legacy `result`, unknown kinds)', () => {
    const page = (results: Json[], key = 'results'): Json => ({
      object: 'page',
      data: [{ object: 'bucket', start_time: 1_700_000_000, end_time: 1_700_086_400, [key]: results }],
      has_more: false,
      next_page: null,
    });
    const completions = { object: ENDPOINTS.completions.resultObject, input_tokens: '12', output_tokens: 3, batch: 'TRUE', project_id: 'p', model: 'gpt-4o' };
    const future = { object: 'organization.usage.future_kind.result', widgets: 3 };
    assert.equal(assertSame('completions', page([completions, future])), 'accepted');
    assert.equal(assertSame('completions', page([completions], 'result')), 'accepted');
    const parsed = tryParseUsagePage('completions', page([completions, future]));
    assert.deepEqual(parsed?.buckets[0]?.rows[0]?.dims, { project_id: 'p', model: 'gpt-4o', batch: 'true' });
    assert.equal(parsed?.buckets[0]?.rows.length, 1);
    assert.equal(assertSame('costs', page([{ object: 'organization.costs.result', amount: { value: '1e999', currency: 'usd' } }])), 'refused');
  });

  it('parseUsagePageFast throws the reference error, word for word, for a refused page', () => {
    const body = { object: 'page', data: [{ start_time: 1, end_time: 2, results: [{ input_tokens: 'abc' }] }], has_more: false };
    const expected = ((): string => {
      try {
        parseUsagePage('completions', body, 'GET /organization/usage/completions');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    assert.throws(() => parseUsagePageFast('completions', body, 'GET /organization/usage/completions'), (e: unknown) => isApiError(e) && e.code === 'response_shape' && e.message === expected);
  });
});
