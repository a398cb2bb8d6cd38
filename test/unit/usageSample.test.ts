import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENDPOINTS, ENDPOINT_IDS, USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { Dimension, UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import { SampleQueryError, createSampleOrg } from '../../src/usage/sample';
import { DAY_SECONDS, addDays, dayStartOfMs, isoDate, rangeForDays, weekday } from '../../src/shared/time';

// A Monday afternoon, fixed so every number below is reproducible.
const NOW = Date.parse('2026-11-23T14:37:12Z');
const TODAY = dayStartOfMs(NOW);
const org = createSampleOrg({ now: NOW, seed: 7 });

function total(buckets: readonly UsageBucket[], metric: string): number {
  return buckets.reduce((sum, b) => sum + b.rows.reduce((s, r) => s + (r.values[metric] ?? 0), 0), 0);
}

function days(n: number): { startTime: number; endTime: number } {
  return { startTime: addDays(TODAY, -n + 1), endTime: addDays(TODAY, 1) };
}

describe('sample organisation', () => {
  it('is deterministic for the same seed and now, and differs for another seed', () => {
    const again = createSampleOrg({ now: NOW, seed: 7 });
    const other = createSampleOrg({ now: NOW, seed: 8 });
    for (const endpoint of ENDPOINT_IDS) {
      const q: UsageQuery = { endpoint, ...days(40), groupBy: ENDPOINTS[endpoint].groupBy };
      assert.deepEqual(again.querySync(q), org.querySync(q), endpoint);
    }
    assert.deepEqual(again.projectList, org.projectList);
    const q: UsageQuery = { endpoint: 'costs', ...days(40) };
    assert.notDeepEqual(other.querySync(q), org.querySync(q));
  });

  it('has about five projects, one archived with spend only in older days', () => {
    assert.ok(org.projectList.length >= 4 && org.projectList.length <= 6);
    const archived = org.projectList.filter((p) => p.status === 'archived');
    assert.equal(archived.length, 1);
    const legacy = archived[0];
    assert.ok(legacy);
    assert.equal(legacy.name, 'Legacy Chatbot');
    const spend = (n: number, from = 0): number =>
      total(org.querySync({ endpoint: 'costs', startTime: addDays(TODAY, -n), endTime: addDays(TODAY, 1 - from), projectIds: [legacy.id] }), 'amount');
    assert.equal(spend(30), 0, 'no spend in the last 30 days');
    assert.ok(spend(200, 60) > 100, 'real spend in older days');
    assert.equal(total(org.querySync({ endpoint: 'completions', ...days(30), projectIds: [legacy.id] }), 'num_model_requests'), 0);
  });

  it('has data for every endpoint at both ends of the last 200 days', () => {
    for (const endpoint of ENDPOINT_IDS) {
      const metric = ENDPOINTS[endpoint].metrics[0] ?? 'amount';
      const oldest = org.querySync({ endpoint, startTime: addDays(TODAY, -199), endTime: addDays(TODAY, -192) });
      const newest = org.querySync({ endpoint, startTime: addDays(TODAY, -7), endTime: TODAY });
      assert.ok(total(oldest, metric) > 0, `${endpoint} has old data`);
      assert.ok(total(newest, metric) > 0, `${endpoint} has recent data`);
    }
    assert.ok(org.dataStart <= addDays(TODAY, -200));
  });

  it('returns one UTC-aligned bucket per width up to the bucket containing now, and nothing later', () => {
    const future = addDays(TODAY, 5);
    const daily = org.querySync({ endpoint: 'completions', startTime: addDays(TODAY, -2) + 1234, endTime: future });
    assert.deepEqual(
      daily.map((b) => b.startTime),
      [addDays(TODAY, -2), addDays(TODAY, -1), TODAY],
    );
    assert.ok(daily.every((b) => b.endTime - b.startTime === DAY_SECONDS));
    const hourly = org.querySync({ endpoint: 'completions', startTime: TODAY, bucketWidth: '1h' });
    assert.equal(hourly.length, 15, '00:00 … 14:00');
    assert.equal(hourly.at(-1)?.startTime, TODAY + 14 * 3600);
    const minutes = org.querySync({ endpoint: 'completions', startTime: TODAY + 14 * 3600, bucketWidth: '1m' });
    assert.equal(minutes.length, 38, '14:00 … 14:37');
    assert.deepEqual(org.querySync({ endpoint: 'costs', startTime: addDays(TODAY, 1) }), []);
  });

  it('has empty buckets (rows: []) before the organisation existed', () => {
    const early = org.querySync({ endpoint: 'completions', startTime: addDays(org.dataStart, -3), endTime: org.dataStart });
    assert.equal(early.length, 3);
    assert.ok(early.every((b) => b.rows.length === 0));
  });

  it('groups by exactly the requested dimensions, and sums everything without group_by', () => {
    for (const endpoint of ENDPOINT_IDS) {
      const allowed = ENDPOINTS[endpoint].groupBy;
      const groupings: Dimension[][] = [[], [allowed[0] as Dimension], [...allowed]];
      const metric = ENDPOINTS[endpoint].metrics[0] ?? 'amount';
      const base = org.querySync({ endpoint, ...days(10) });
      for (const b of base) {
        assert.ok(b.rows.length <= 1, `${endpoint}: one ungrouped row`);
        for (const row of b.rows) assert.deepEqual(row.dims, {});
      }
      for (const groupBy of groupings) {
        const grouped = org.querySync({ endpoint, ...days(10), groupBy });
        grouped.forEach((b, i) => {
          for (const row of b.rows) {
            for (const dim of Object.keys(row.dims)) assert.ok(groupBy.includes(dim as Dimension), `${endpoint}: unexpected ${dim}`);
          }
          const keys = b.rows.map((r) => JSON.stringify(r.dims));
          assert.equal(new Set(keys).size, keys.length, `${endpoint}: groups are distinct`);
          const sum = b.rows.reduce((s, r) => s + (r.values[metric] ?? 0), 0);
          const expected = base[i]?.rows[0]?.values[metric] ?? 0;
          assert.ok(Math.abs(sum - expected) < 1e-6, `${endpoint} ${groupBy.join('+')}: ${sum} vs ${expected}`);
        });
      }
    }
    const byModel = org.querySync({ endpoint: 'completions', ...days(3), groupBy: ['project_id', 'model'] });
    const row = byModel[0]?.rows[0];
    assert.deepEqual(Object.keys(row?.dims ?? {}).sort(), ['model', 'project_id']);
  });

  it('applies every filter', () => {
    const project = 'proj_sample_search';
    const projectRows = org.querySync({ endpoint: 'completions', ...days(5), projectIds: [project], groupBy: ['project_id'] }).flatMap((b) => b.rows);
    assert.ok(projectRows.length > 0);
    assert.ok(projectRows.every((r) => r.dims.project_id === project));

    const models = org.querySync({ endpoint: 'completions', ...days(5), models: ['o3-mini'], groupBy: ['model'] }).flatMap((b) => b.rows);
    assert.ok(models.length > 0 && models.every((r) => r.dims.model === 'o3-mini'));

    const batch = org.querySync({ endpoint: 'completions', ...days(5), batch: true, groupBy: ['batch'] }).flatMap((b) => b.rows);
    assert.ok(batch.length > 0 && batch.every((r) => r.dims.batch === 'true'));
    const all = total(org.querySync({ endpoint: 'completions', ...days(5) }), 'num_model_requests');
    const onlyBatch = total(org.querySync({ endpoint: 'completions', ...days(5), batch: true }), 'num_model_requests');
    const noBatch = total(org.querySync({ endpoint: 'completions', ...days(5), batch: false }), 'num_model_requests');
    assert.equal(onlyBatch + noBatch, all);

    const images = org.querySync({ endpoint: 'images', ...days(5), sizes: ['1024x1792'], sources: ['image.generation'], groupBy: ['size', 'source', 'model'] });
    const imageRows = images.flatMap((b) => b.rows);
    assert.ok(imageRows.length > 0 && imageRows.every((r) => r.dims.size === '1024x1792' && r.dims.source === 'image.generation' && r.dims.model === 'dall-e-3'));

    const user = org.users[0]?.id ?? '';
    const key = org.apiKeys[0]?.id ?? '';
    const byUser = org.querySync({ endpoint: 'embeddings', ...days(5), userIds: [user], groupBy: ['user_id'] }).flatMap((b) => b.rows);
    assert.ok(byUser.length > 0 && byUser.every((r) => r.dims.user_id === user));
    const byKey = org.querySync({ endpoint: 'completions', ...days(5), apiKeyIds: [key], groupBy: ['api_key_id'] }).flatMap((b) => b.rows);
    assert.ok(byKey.length > 0 && byKey.every((r) => r.dims.api_key_id === key));
    const nobody = org.querySync({ endpoint: 'completions', ...days(5), userIds: ['user_nobody'] });
    assert.ok(nobody.length === 5 && nobody.every((b) => b.rows.length === 0));

    const costs = org.querySync({ endpoint: 'costs', ...days(5), projectIds: [project], groupBy: ['project_id', 'line_item'] }).flatMap((b) => b.rows);
    assert.ok(costs.length > 0 && costs.every((r) => r.dims.project_id === project));
  });

  it('splits a day into hours and an hour into minutes that sum back exactly', () => {
    const day = addDays(TODAY, -3);
    for (const endpoint of ['completions', 'images', 'code_interpreter_sessions'] as const) {
      const [whole] = org.querySync({ endpoint, startTime: day, endTime: day + DAY_SECONDS });
      const hours = org.querySync({ endpoint, startTime: day, endTime: day + DAY_SECONDS, bucketWidth: '1h' });
      assert.equal(hours.length, 24);
      for (const metric of ENDPOINTS[endpoint].metrics) {
        assert.equal(total(hours, metric), whole?.rows[0]?.values[metric], `${endpoint} ${metric}`);
        for (const h of hours) for (const r of h.rows) assert.ok(Number.isInteger(r.values[metric]));
      }
      const hour = day + 15 * 3600;
      const [oneHour] = org.querySync({ endpoint, startTime: hour, endTime: hour + 3600, bucketWidth: '1h' });
      const minutes = org.querySync({ endpoint, startTime: hour, endTime: hour + 3600, bucketWidth: '1m' });
      assert.equal(minutes.length, 60);
      for (const metric of ENDPOINTS[endpoint].metrics) {
        assert.equal(total(minutes, metric), oneHour?.rows[0]?.values[metric]);
      }
      // Each stream's minutes are an even split of its hour: no two differ by more than one.
      const fine = org.querySync({ endpoint, startTime: hour, endTime: hour + 3600, bucketWidth: '1m', groupBy: ENDPOINTS[endpoint].groupBy });
      const series = new Map<string, number[]>();
      fine.forEach((b, i) => {
        for (const r of b.rows) {
          const key = JSON.stringify(r.dims);
          const values = series.get(key) ?? new Array<number>(60).fill(0);
          values[i] = r.values.num_model_requests ?? r.values.num_sessions ?? 0;
          series.set(key, values);
        }
      });
      assert.ok(series.size > 0);
      for (const [key, values] of series) assert.ok(Math.max(...values) - Math.min(...values) <= 1, `${endpoint} ${key}: ${values.join(',')}`);
    }
    // Afternoon hours are busier than the small hours for the interactive apps.
    const support = { endpoint: 'completions' as const, startTime: day, endTime: day + DAY_SECONDS, bucketWidth: '1h' as const, projectIds: ['proj_sample_support'] };
    const hourly = org.querySync(support).map((b) => b.rows[0]?.values.num_model_requests ?? 0);
    assert.ok((hourly[15] ?? 0) > 3 * (hourly[3] ?? 0));
  });

  it('reports vector store bytes as a level in every bucket, not a sum over hours', () => {
    const day = addDays(TODAY, -2);
    const [daily] = org.querySync({ endpoint: 'vector_stores', startTime: day, endTime: day + DAY_SECONDS });
    const hours = org.querySync({ endpoint: 'vector_stores', startTime: day, endTime: day + DAY_SECONDS, bucketWidth: '1h' });
    const level = daily?.rows[0]?.values.usage_bytes ?? 0;
    assert.ok(level > 1e9);
    assert.ok(hours.every((h) => h.rows[0]?.values.usage_bytes === level));
  });

  it('makes today a partial day that grows until now and keeps history fixed', () => {
    const morning = createSampleOrg({ now: Date.parse('2026-11-23T06:00:00Z'), seed: 7 });
    const evening = createSampleOrg({ now: Date.parse('2026-11-23T20:00:00Z'), seed: 7 });
    const q: UsageQuery = { endpoint: 'costs', startTime: addDays(TODAY, -10), endTime: addDays(TODAY, 1) };
    const a = morning.querySync(q);
    const b = evening.querySync(q);
    assert.deepEqual(a.slice(0, -1), b.slice(0, -1));
    const todayMorning = a.at(-1)?.rows[0]?.values.amount ?? 0;
    const todayEvening = b.at(-1)?.rows[0]?.values.amount ?? 0;
    // Below the whole of the same weekday last week: today is not complete yet.
    const lastWeek = b.at(-8)?.rows[0]?.values.amount ?? 0;
    assert.ok(todayMorning > 0 && todayMorning < todayEvening && todayEvening < lastWeek);
    // Today's daily usage equals its hours so far.
    const [day] = org.querySync({ endpoint: 'completions', startTime: TODAY });
    const hours = org.querySync({ endpoint: 'completions', startTime: TODAY, bucketWidth: '1h' });
    assert.equal(total(hours, 'input_tokens'), day?.rows[0]?.values.input_tokens);
  });

  it('follows a clock when given one', () => {
    let clock = Date.parse('2026-11-23T08:00:00Z');
    const live = createSampleOrg({ now: () => clock, seed: 7 });
    const spend = (): number => total(live.querySync({ endpoint: 'costs', startTime: TODAY }), 'amount');
    const before = spend();
    clock += 6 * 3600 * 1000;
    assert.ok(spend() > before);
    assert.equal(live.now(), clock);
  });

  it('is busier on weekdays than at weekends and grows gently', () => {
    const buckets = org.querySync({ endpoint: 'completions', ...days(120), projectIds: ['proj_sample_support'] });
    const complete = buckets.slice(0, -1);
    const weekdays = complete.filter((b) => ![0, 6].includes(weekday(b.startTime)));
    const weekends = complete.filter((b) => [0, 6].includes(weekday(b.startTime)));
    const avg = (bs: UsageBucket[]): number => total(bs, 'num_model_requests') / bs.length;
    assert.ok(avg(weekdays) > 1.5 * avg(weekends));
    const firstMonth = complete.slice(0, 28);
    const lastMonth = complete.slice(-28);
    assert.ok(avg(lastMonth) > avg(firstMonth), 'trend up');
    assert.ok(avg(lastMonth) < 2 * avg(firstMonth), 'but gently');
  });

  it('prices costs consistently with the usage, in USD cents', () => {
    const day = addDays(TODAY, -4);
    const range = { startTime: day, endTime: day + DAY_SECONDS };
    const costs = org.querySync({ endpoint: 'costs', ...range, groupBy: ['project_id', 'line_item'] }).flatMap((b) => b.rows);
    assert.ok(costs.every((r) => r.currency === 'usd'));
    assert.ok(costs.every((r) => Math.abs(Math.round((r.values.amount ?? 0) * 100) - (r.values.amount ?? 0) * 100) < 1e-6), 'whole cents');
    const items = new Set(costs.map((r) => r.dims.line_item));
    for (const item of ['gpt-4o, input', 'gpt-4o, output', 'embeddings', 'images', 'tts', 'whisper', 'code interpreter', 'file search']) {
      assert.ok(items.has(item), `line item ${item}`);
    }
    const cost = (project: string, item: string): number =>
      costs.filter((r) => r.dims.project_id === project && r.dims.line_item === item).reduce((s, r) => s + (r.values.amount ?? 0), 0);

    const embeddings = org.querySync({ endpoint: 'embeddings', ...range, projectIds: ['proj_sample_search'], groupBy: ['model'] }).flatMap((b) => b.rows);
    const tokens = (model: string): number => embeddings.find((r) => r.dims.model === model)?.values.input_tokens ?? 0;
    const expected = (tokens('text-embedding-3-small') * 0.02 + tokens('text-embedding-3-large') * 0.13) / 1e6;
    assert.ok(Math.abs(cost('proj_sample_search', 'embeddings') - expected) <= 0.005 + 1e-9);

    const sessions = total(org.querySync({ endpoint: 'code_interpreter_sessions', ...range }), 'num_sessions');
    assert.ok(sessions > 0);
    assert.ok(Math.abs(cost('proj_sample_data', 'code interpreter') - sessions * 0.03) <= 0.005 + 1e-9);

    const perKey = org.querySync({ endpoint: 'costs', ...range, groupBy: ['api_key_id'] }).flatMap((b) => b.rows);
    assert.ok(perKey.some((r) => r.dims.api_key_id !== undefined));
    assert.ok(Math.abs(total([{ startTime: 0, endTime: 0, rows: perKey }], 'amount') - total([{ startTime: 0, endTime: 0, rows: costs }], 'amount')) < 1e-6);
    // A weekday of this organisation costs a plausible few tens of dollars.
    assert.ok(cost('proj_sample_support', 'gpt-4o, output') > 1);
    assert.equal(isoDate(day), '2026-11-19');
  });

  it('refuses what the API refuses', () => {
    assert.throws(() => org.querySync({ endpoint: 'costs', startTime: TODAY, bucketWidth: '1h' }), SampleQueryError);
    assert.throws(() => org.querySync({ endpoint: 'vector_stores', startTime: TODAY, groupBy: ['model'] }), SampleQueryError);
    assert.throws(() => org.querySync({ endpoint: 'costs', startTime: TODAY, groupBy: ['model'] }), SampleQueryError);
  });

  it('answers asynchronously as a UsageSource and honours an AbortSignal', async () => {
    assert.equal(org.kind, 'sample');
    const q: UsageQuery = { endpoint: 'embeddings', ...days(3), groupBy: ['model'] };
    assert.deepEqual(await org.query(q), org.querySync(q));
    const projects = await org.projects();
    assert.deepEqual(projects, org.projectList);
    const aborted = AbortSignal.abort();
    await assert.rejects(org.query(q, aborted), { name: 'AbortError' });
    await assert.rejects(org.projects(aborted), { name: 'AbortError' });
  });

  it('answers 90 days of every endpoint grouped by project and model quickly', () => {
    const fresh = createSampleOrg({ now: NOW, seed: 99 });
    const range = rangeForDays(NOW, 90);
    const started = performance.now();
    for (const endpoint of ENDPOINT_IDS) {
      const groupBy = endpoint === 'costs' ? (['project_id', 'line_item'] as Dimension[]) : ENDPOINTS[endpoint].groupBy.filter((d) => d === 'project_id' || d === 'model');
      fresh.querySync({ endpoint, startTime: range.start, endTime: range.end, groupBy });
    }
    const elapsed = performance.now() - started;
    // Typically 30–70 ms cold on a busy CI machine; the bound leaves room for slow runners.
    assert.ok(elapsed < 500, `took ${elapsed.toFixed(0)} ms`);
    assert.equal(USAGE_ENDPOINT_IDS.length, 10);
  });
});

describe('sample organisation: the 2026 surface', () => {
  it('completions breakdowns are parts of their totals in every bucket, at every width', () => {
    const check = (buckets: readonly UsageBucket[], what: string): void => {
      for (const b of buckets) {
        for (const r of b.rows) {
          const v = (m: string): number => r.values[m] ?? 0;
          const at = `${what} ${b.startTime} ${JSON.stringify(r.dims)}`;
          assert.equal(v('input_cached_tokens') + v('input_cache_write_tokens') + v('input_uncached_tokens'), v('input_tokens'), at);
          assert.equal(v('input_text_tokens') + v('input_audio_tokens') + v('input_image_tokens'), v('input_uncached_tokens'), at);
          assert.equal(v('input_cached_text_tokens') + v('input_cached_audio_tokens') + v('input_cached_image_tokens'), v('input_cached_tokens'), at);
          assert.equal(v('output_text_tokens') + v('output_audio_tokens') + v('output_image_tokens'), v('output_tokens'), at);
          for (const m of ENDPOINTS.completions.metrics) assert.ok(v(m) >= 0, `${at} ${m}`);
        }
      }
    };
    const groupBy: Dimension[] = ['project_id', 'model', 'service_tier'];
    check(org.querySync({ endpoint: 'completions', ...days(10), groupBy }), '1d');
    check(org.querySync({ endpoint: 'completions', startTime: addDays(TODAY, -1), bucketWidth: '1h', groupBy }), '1h');
    check(org.querySync({ endpoint: 'completions', startTime: TODAY + 13 * 3600, bucketWidth: '1m', groupBy }), '1m');
    // Every breakdown field carries something somewhere, and three service tiers appear.
    const month = org.querySync({ endpoint: 'completions', ...days(30), groupBy: ['service_tier'] });
    for (const m of ENDPOINTS.completions.metrics) assert.ok(total(month, m) > 0, m);
    assert.deepEqual([...new Set(month.flatMap((b) => b.rows.map((r) => r.dims.service_tier)))].sort(), ['default', 'flex', 'priority']);
  });

  it('file and web search calls honour their own filters and group_by', () => {
    const files = org.querySync({ endpoint: 'file_search_calls', ...days(7), groupBy: ['vector_store_id', 'project_id'] });
    const stores = new Set(files.flatMap((b) => b.rows.map((r) => `${r.dims.project_id}/${r.dims.vector_store_id}`)));
    assert.deepEqual([...stores].sort(), ['proj_sample_search/vs_sample_docs', 'proj_sample_search/vs_sample_wiki', 'proj_sample_support/vs_sample_helpdesk']);
    const docs = org.querySync({ endpoint: 'file_search_calls', ...days(7), vectorStoreIds: ['vs_sample_docs'] });
    const docsGrouped = files.flatMap((b) => b.rows).filter((r) => r.dims.vector_store_id === 'vs_sample_docs');
    assert.equal(total(docs, 'num_requests'), docsGrouped.reduce((s, r) => s + (r.values.num_requests ?? 0), 0));
    const web = org.querySync({ endpoint: 'web_search_calls', ...days(7), contextLevels: ['high'], groupBy: ['model', 'context_level'] });
    assert.deepEqual([...new Set(web.flatMap((b) => b.rows.map((r) => `${r.dims.model}/${r.dims.context_level}`)))], ['o3-mini/high']);
    const all = org.querySync({ endpoint: 'web_search_calls', ...days(7) });
    assert.ok(total(all, 'num_model_requests') < total(all, 'num_requests'), 'one request can search more than once');
  });

  it('costs: by api_key_id with the api_key_ids filter, and a quantity_unit per line item', () => {
    const range = days(3);
    const perKey = org.querySync({ endpoint: 'costs', ...range, groupBy: ['api_key_id'], apiKeyIds: ['key_sample_search'] }).flatMap((b) => b.rows);
    assert.ok(perKey.length > 0);
    assert.ok(perKey.every((r) => r.dims.api_key_id === 'key_sample_search'));
    const byItem = org.querySync({ endpoint: 'costs', ...range, groupBy: ['line_item'] }).flatMap((b) => b.rows);
    const unit = (item: string): string | undefined => byItem.find((r) => r.dims.line_item === item)?.quantityUnit;
    assert.equal(unit('gpt-4o, input'), 'tokens');
    assert.equal(unit('images'), 'images');
    assert.equal(unit('tts'), 'characters');
    assert.equal(unit('whisper'), 'duration_seconds');
    assert.equal(unit('file search'), 'gibibyte_hours');
    assert.equal(unit('code interpreter'), undefined, 'no unit of the API applies');
    assert.ok(byItem.some((r) => r.dims.line_item === 'file search calls'));
    assert.ok(byItem.some((r) => r.dims.line_item?.startsWith('web search, ')));
  });

  it('has names for every key of its usage, and users for every owner', async () => {
    const names = await org.names();
    assert.ok(names.apiKeys.ok && names.users.ok && names.adminKeys.ok);
    const keyIds = new Set(names.apiKeys.items.map((k) => k.id));
    const used = org.querySync({ endpoint: 'costs', ...days(400), groupBy: ['api_key_id'] }).flatMap((b) => b.rows.map((r) => r.dims.api_key_id));
    for (const id of used) if (id !== undefined) assert.ok(keyIds.has(id), id);
    const userIds = new Set(names.users.items.map((u) => u.id));
    for (const k of names.apiKeys.items) {
      if (k.owner?.type === 'user') assert.ok(userIds.has(k.owner.id ?? ''), k.id);
      assert.ok(k.projectId && org.projectList.some((p) => p.id === k.projectId), k.id);
    }
    assert.ok(names.apiKeys.items.some((k) => k.owner?.type === 'service_account'));
  });

  it('budgets: a limit and alerts at start, changed by the write methods, per organisation', async () => {
    const mine = createSampleOrg({ now: NOW });
    assert.equal((await mine.getSpendLimit({}))?.thresholdCents, 500_000);
    await mine.setSpendLimit({}, { thresholdCents: 99_00 });
    assert.equal((await mine.getSpendLimit({}))?.thresholdCents, 9900);
    await mine.deleteSpendLimit({});
    assert.equal(await mine.getSpendLimit({}), null);
    await assert.rejects(mine.setSpendLimit({ projectId: 'proj_sample_data' }, { thresholdCents: 0.5 }), SampleQueryError);
    await assert.rejects(mine.getSpendLimit({ projectId: 'proj_nope' }), (e: unknown) => (e as { status?: number }).status === 404);
    const alert = await mine.createSpendAlert({ projectId: 'proj_sample_data' }, { thresholdCents: 1000, recipients: ['erin@example.com'] });
    await mine.updateSpendAlert({ projectId: 'proj_sample_data' }, alert.id, { thresholdCents: 2000, recipients: ['erin@example.com'] });
    assert.deepEqual((await mine.listSpendAlerts({ projectId: 'proj_sample_data' })).map((a) => a.thresholdCents), [2000]);
    await mine.deleteSpendAlert({ projectId: 'proj_sample_data' }, alert.id);
    assert.deepEqual(await mine.listSpendAlerts({ projectId: 'proj_sample_data' }), []);
    // Another organisation (and the shared one) is untouched.
    assert.equal((await org.getSpendLimit({}))?.thresholdCents, 500_000);
    assert.equal((await createSampleOrg({ now: NOW }).listSpendAlerts({})).length, 2);
  });
});
