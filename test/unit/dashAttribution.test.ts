// The dashboard's attribution and 2026 figures (src/report/attribution.ts, table.ts, format.ts):
// names for key and user IDs, spend by key, usage by user, unused keys, the completions mix, and
// cost quantities with their units. Checked against the sample organisation and the tiny fake org.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { breakdownShares, completionsMix, idName, nameTable, STALE_KEY_DAYS, unreadableNote } from '../../src/report/attribution';
import { keySpend } from '../../src/report/report';
import { displayCell, keySpendTable, metricTotals, staleKeysTable, usageTable, userUsageTable } from '../../src/report/table';
import { bucketSeries } from '../../src/report/series';
import { fetchAttribution, fetchTab } from '../../src/queries/fetch';
import { formatQuantity, quantityUnitLabel } from '../../src/shared/format';
import type { NameDirectory, UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import type { UiState } from '../../src/shared/protocol';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { resolveRange } from '../../src/shared/queryWindow';
import { defaultUiState, queryFilters } from '../../src/shared/uiState';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSource } from '../../src/usage/source';
import { createTinyOrg, tinyMetricTotal, tinyNames, TINY_PROJECTS } from '../server/tinyOrg';

const NOW_MS = Date.UTC(2026, 10, 20, 12);
const DAY = 86_400;
const org = createSampleOrg({ now: NOW_MS, seed: 5 });
let snapshot: UsageSnapshot;
before(async () => {
  snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
});

const sampleSource = (fail?: Error): UsageSource => ({
  kind: 'sample',
  query: async (q, signal) => {
    if (fail) throw fail;
    return org.query(q, signal);
  },
  projects: (signal) => org.projects(signal),
});

const tiny = createTinyOrg();
const tinySource: UsageSource = { kind: 'sample', query: async (q: UsageQuery) => tiny.querySync(q), projects: async () => [...TINY_PROJECTS] };
const tinyDirectory = (): NameDirectory => {
  const n = tinyNames();
  return { apiKeys: { ok: true, items: n.apiKeys }, adminKeys: { ok: true, items: n.adminKeys }, users: { ok: true, items: n.users } };
};

describe('dashboard names (nameTable, idName)', () => {
  it('names keys and users; an ID the directory lacks says "unknown or deleted"; an unreadable part shows the bare ID', () => {
    const dir = tinyDirectory();
    const table = nameTable(TINY_PROJECTS, dir);
    assert.equal(idName('api_key_id', 'key_proj_alpha_002', {}, table).label, 'proj_alpha key 2');
    assert.match(idName('api_key_id', 'key_proj_alpha_002', {}, table).title ?? '', /owned by User 2/);
    assert.equal(idName('api_key_id', 'key_admin_1', {}, table).label, 'admin one');
    assert.equal(idName('user_id', 'user_7', {}, table).label, 'User 7');
    assert.deepEqual(idName('api_key_id', 'key_0', {}, table), { label: 'key_0 (unknown or deleted key)', missing: 'unknown', title: 'key_0' });
    assert.equal(idName('user_id', 'user_999', {}, table).missing, 'unknown');
    assert.equal(idName('project_id', 'proj_alpha', { proj_alpha: 'Alpha' }, table).label, 'Alpha');
    assert.equal(idName('model', 'gpt-a', {}, table).label, 'gpt-a');
    assert.equal(unreadableNote(table), undefined);

    const denied = nameTable(TINY_PROJECTS, { ...dir, users: { ok: false, items: [], status: 403, message: 'Missing scopes: api.management.read' } });
    assert.deepEqual(idName('user_id', 'user_7', {}, denied), { label: 'user_7', missing: 'unreadable', title: 'user_7' });
    assert.equal(unreadableNote(denied), 'This Admin key may not list users, so their IDs show without names.');
    // No directory at all (not read yet): IDs as they are, and no note about scopes.
    assert.equal(idName('api_key_id', 'key_x', {}, nameTable([], undefined)).missing, 'unreadable');
    assert.equal(unreadableNote(nameTable([], undefined)), undefined);
  });

  it('the wire table is compact: one entry per key and user, nothing but label, owner and project', () => {
    const table = nameTable(TINY_PROJECTS, tinyDirectory());
    assert.equal(Object.keys(table.apiKeys).length, 254);
    assert.equal(Object.keys(table.users).length, 120);
    assert.deepEqual(table.apiKeys.key_proj_beta_000, { label: 'proj_beta key 0', owner: 'User 0', projectId: 'proj_beta' });
    assert.deepEqual(table.apiKeys.key_proj_alpha_001, { label: 'proj_alpha key 1', owner: 'service account bot 1', projectId: 'proj_alpha' });
    assert.ok(!JSON.stringify(table).includes('sk-'), 'no redacted key values on the wire');
  });

  it('tables and legends of usage grouped by API key show names, with the ID in its own column', () => {
    const n = org.namesSync();
    const dir: NameDirectory = { apiKeys: { ok: true, items: n.apiKeys }, adminKeys: { ok: true, items: n.adminKeys }, users: { ok: true, items: n.users } };
    const names = nameTable(snapshot.projects, dir);
    const buckets = snapshot.keyCosts ?? [];
    assert.ok(buckets.length > 0);
    const t = usageTable({ endpoint: 'costs', buckets, groupBy: 'api_key_id', width: '1d', currency: 'usd', projectNames: {}, names });
    const ids = t.columns.map((c) => c.id);
    assert.deepEqual(ids.slice(0, 3), ['start', 'api_key_id', 'api_key_id_raw']);
    assert.equal(t.columns[2]?.label, 'API key ID');
    const byId = new Map(n.apiKeys.map((k) => [k.id, k.name]));
    let named = 0;
    for (const row of t.rows) {
      const id = String(row[2]);
      if (byId.has(id)) {
        assert.equal(row[1], byId.get(id));
        named++;
      }
    }
    assert.ok(named > 0, 'some rows are of known keys');
    const set = bucketSeries({ buckets, window: { startTime: snapshot.rangeStart, endTime: snapshot.rangeEnd, width: '1d', clamped: false }, groupBy: 'api_key_id', metric: 'amount', projectNames: {}, names });
    const legend = set.series.map((s) => s.label);
    assert.ok(legend.some((l) => [...byId.values()].includes(l)), legend.join(', '));
  });
});

describe('cost quantities with their units', () => {
  it('formats each unit of the spec', () => {
    assert.equal(formatQuantity(1_200_000, 'tokens'), '1.2M tokens');
    assert.equal(formatQuantity(1_200, '1000_tokens'), '1.2M tokens');
    assert.equal(formatQuantity(3.5, 'gibibyte_hours'), '3.5 GiB-hours');
    assert.equal(formatQuantity(12, 'images'), '12 images');
    assert.equal(formatQuantity(1, 'images'), '1 image');
    assert.equal(formatQuantity(90, 'duration_seconds'), '90 seconds');
    assert.equal(formatQuantity(2.25, 'duration_hours'), '2.25 hours');
    assert.equal(formatQuantity(45, 'duration_minutes'), '45 minutes');
    assert.equal(formatQuantity(5300, 'characters'), '5.3K characters');
    assert.equal(formatQuantity(7, 'web_search_calls'), '7 web search calls');
    assert.equal(formatQuantity(7, undefined), '7');
    assert.equal(quantityUnitLabel('gibibyte_hours'), 'GiB-hours');
  });

  it('the costs table keeps a row per unit (never adds tokens to images) and shows the quantity with its unit', () => {
    const b = (rows: UsageBucket['rows']): UsageBucket => ({ startTime: 0, endTime: DAY, rows });
    const buckets = [
      b([
        { values: { amount: 1, quantity: 1_000_000 }, dims: { project_id: 'p' }, quantityUnit: 'tokens' },
        { values: { amount: 2, quantity: 200_000 }, dims: { project_id: 'p' }, quantityUnit: 'tokens' },
        { values: { amount: 3, quantity: 12 }, dims: { project_id: 'p' }, quantityUnit: 'images' },
      ]),
    ];
    const t = usageTable({ endpoint: 'costs', buckets, groupBy: 'project_id', width: '1d', currency: 'usd', projectNames: { p: 'P' } });
    assert.deepEqual(t.rows, [
      [0, 'P', 'p', 3, 1_200_000, 'tokens'],
      [0, 'P', 'p', 3, 12, 'images'],
    ]);
    const q = t.columns.findIndex((c) => c.id === 'quantity');
    const col = t.columns[q];
    assert.ok(col);
    assert.equal(displayCell(t, col, 1_200_000, t.rows[0]), '1.2M tokens');
    assert.equal(displayCell(t, col, 12, t.rows[1]), '12 images');
    const totals = metricTotals('costs', buckets, 'usd');
    assert.deepEqual(totals.find((x) => x.metric === 'quantity')?.byUnit, [
      { unit: 'tokens', quantity: 1_200_000 },
      { unit: 'images', quantity: 12 },
    ]);
  });
});

describe('completions mix and breakdowns', () => {
  it('tiny org: cache-hit rate, batch share and tiers from a query grouped by batch and service tier', async () => {
    const ui: UiState = { ...defaultUiState(7), tab: 'completions' };
    const result = await fetchTab(ui, 'completions', tinySource, NOW_MS, 'usd');
    const mix = result.mix;
    assert.ok(mix);
    const days = result.window.endTime > result.window.startTime ? (result.window.endTime - result.window.startTime) / DAY : 0;
    assert.equal(days, 7);
    const all = tinyMetricTotal('completions', 'num_model_requests') * days;
    const batch = tinyMetricTotal('completions', 'num_model_requests', (d) => d.batch === 'true') * days;
    assert.equal(mix.requests, all);
    assert.equal(mix.batchRequests, batch);
    assert.equal(mix.batchShare, batch / all);
    // Cached is 30 of every 100 input tokens in the tiny org.
    assert.ok(Math.abs((mix.cacheHitRate ?? 0) - 0.3) < 1e-12);
    assert.deepEqual(mix.tiers.map((t) => [t.tier, t.share]), [['default', 1]]);
  });

  it('sample org: the rates agree with filtered queries of the same source', async () => {
    const range = resolveRange({ kind: 'preset', days: 30 }, NOW_MS);
    const base = { endpoint: 'completions' as const, startTime: range.start, endTime: range.end, bucketWidth: '1d' as const };
    const sum = (bs: UsageBucket[], m: string): number => bs.reduce((a, b) => a + b.rows.reduce((x, r) => x + (r.values[m] ?? 0), 0), 0);
    const mix = completionsMix(await org.query({ ...base, groupBy: ['batch', 'service_tier'] }));
    const total = await org.query(base);
    const batchOnly = await org.query({ ...base, batch: true });
    assert.ok(mix.requests > 0);
    assert.equal(mix.requests, sum(total, 'num_model_requests'));
    assert.equal(mix.batchRequests, sum(batchOnly, 'num_model_requests'));
    assert.equal(mix.cacheHitRate, sum(total, 'input_cached_tokens') / sum(total, 'input_tokens'));
    const tierShares = mix.tiers.reduce((a, t) => a + t.share, 0);
    assert.ok(Math.abs(tierShares - 1) < 1e-9);
    for (const t of mix.tiers) {
      const byTier = await org.query({ ...base, groupBy: ['service_tier'] });
      const n = byTier.reduce((a, b) => a + b.rows.filter((r) => (r.dims.service_tier ?? '') === t.tier).reduce((x, r) => x + (r.values.num_model_requests ?? 0), 0), 0);
      assert.equal(t.requests, n, t.tier);
    }
  });

  it('no requests: no rates (undefined, never 0 % or NaN)', () => {
    const mix = completionsMix([]);
    assert.equal(mix.cacheHitRate, undefined);
    assert.equal(mix.batchShare, undefined);
    assert.deepEqual(mix.tiers, []);
  });

  it('breakdowns are parts of input or output tokens, with their share of that total', () => {
    const buckets = tiny.querySync({ endpoint: 'completions', startTime: 0, endTime: DAY, bucketWidth: '1d' });
    const shares = breakdownShares(metricTotals('completions', buckets, 'usd'));
    const cached = shares.find((s) => s.metric === 'input_cached_tokens');
    assert.deepEqual(cached && [cached.of, cached.share], ['input_tokens', 0.3]);
    const audioOut = shares.find((s) => s.metric === 'output_audio_tokens');
    assert.deepEqual(audioOut && [audioOut.of, audioOut.share], ['output_tokens', 6 / 40]);
    assert.equal(shares.length, 12);
    assert.equal(breakdownShares(metricTotals('embeddings', [], 'usd')).length, 0);
  });
});

describe('attribution (fetchAttribution on the sample organisation)', () => {
  it('spend by key with names, owners and projects; most spend first; the same totals as keySpend', async () => {
    const ui: UiState = { ...defaultUiState(30), tab: 'attribution' };
    const data = await fetchAttribution(ui, snapshot, sampleSource(), NOW_MS);
    const range = resolveRange(ui.range, NOW_MS);
    const expected = keySpend(snapshot.keyCosts ?? [], { start: Math.max(range.start, snapshot.rangeStart), end: Math.min(range.end, snapshot.rangeEnd) }, snapshot.currency);
    assert.deepEqual(data.keys.map((k) => [k.id, k.spend]), expected.map((k) => [k.id, k.spend]));
    assert.ok(data.keys.length > 1);
    const n = org.namesSync();
    for (const k of data.keys) {
      const info = n.apiKeys.find((x) => x.id === k.id);
      if (!info) continue;
      assert.equal(k.label, info.name);
      assert.ok(k.owner, `owner of ${k.id}`);
      assert.equal(k.project, snapshot.projects.find((p) => p.id === info.projectId)?.name);
    }
    const csv = keySpendTable(data);
    assert.deepEqual(csv.columns.map((c) => c.label), ['API key', 'API key ID', 'Owner', 'Project', 'Cost (USD)']);
  });

  it('usage by user: tokens and requests of completions by user, summing to the ungrouped totals', async () => {
    const ui: UiState = { ...defaultUiState(30), tab: 'attribution' };
    const data = await fetchAttribution(ui, snapshot, sampleSource(), NOW_MS);
    assert.ok(data.users.ok);
    const range = resolveRange(ui.range, NOW_MS);
    const total = await org.query({ endpoint: 'completions', startTime: range.start, endTime: range.end, bucketWidth: '1d' });
    const sum = (m: string): number => total.reduce((a, b) => a + b.rows.reduce((x, r) => x + (r.values[m] ?? 0), 0), 0);
    assert.equal(data.users.rows.reduce((a, u) => a + u.inputTokens, 0), sum('input_tokens'));
    assert.equal(data.users.rows.reduce((a, u) => a + u.requests, 0), sum('num_model_requests'));
    const userNames = new Set(org.namesSync().users.map((u) => u.name));
    assert.ok(data.users.rows.some((u) => userNames.has(u.label)));
    assert.deepEqual(userUsageTable(data).columns.map((c) => c.id), ['user', 'user_id', 'input_tokens', 'output_tokens', 'num_model_requests']);
  });

  it('a failed user query is said in words; spend by key still shows', async () => {
    const ui: UiState = { ...defaultUiState(30), tab: 'attribution' };
    const data = await fetchAttribution(ui, snapshot, sampleSource(new Error('HTTP 500')), NOW_MS);
    assert.deepEqual(data.users, { ok: false, message: 'Usage by user could not be read: HTTP 500' });
    assert.ok(data.keys.length > 0);
  });

  it('keys not used in 30 days are listed (oldest first); recently used ones are not', async () => {
    const ui: UiState = { ...defaultUiState(30), tab: 'attribution' };
    const data = await fetchAttribution(ui, snapshot, sampleSource(), NOW_MS);
    const cutoff = NOW_MS / 1000 - STALE_KEY_DAYS * DAY;
    const all = org.namesSync().apiKeys;
    const stale = all.filter((k) => k.lastUsedAt === undefined || k.lastUsedAt < cutoff).map((k) => k.id);
    assert.deepEqual([...(data.staleKeys ?? []).map((k) => k.id)].sort(), [...stale].sort());
    assert.ok(stale.length < all.length, 'keys in use are not listed');
    const t = staleKeysTable(data);
    assert.equal(t.rows.length, stale.length);
    // Without a key list, no list (never an empty "all used" that is not known).
    const unreadable = await fetchAttribution(ui, { ...snapshot, names: snapshot.names && { ...snapshot.names, apiKeys: { ok: false, items: [], message: '403' } } }, sampleSource(), NOW_MS);
    assert.equal(unreadable.staleKeys, undefined);
    assert.match(unreadable.note ?? '', /may not list API keys/);
  });

  it('the project filter limits spend by key and usage by user to those projects', async () => {
    const project = snapshot.projects.find((p) => (snapshot.keyCosts ?? []).some((b) => b.rows.some((r) => r.dims.project_id === p.id)));
    assert.ok(project);
    const ui: UiState = { ...defaultUiState(30), tab: 'attribution', projectIds: [project.id] };
    const data = await fetchAttribution(ui, snapshot, sampleSource(), NOW_MS);
    assert.ok(data.keys.length > 0);
    assert.ok(data.keys.every((k) => k.projectId === project.id), JSON.stringify(data.keys));
    assert.ok((data.staleKeys ?? []).every((k) => k.projectId === project.id));
  });
});

describe('the 2026 filters in the UI state', () => {
  it('vector store and context level filters reach the query; other endpoints drop them', () => {
    const ui: UiState = {
      ...defaultUiState(30),
      tabs: {
        file_search_calls: { width: '1d', groupBy: 'vector_store_id', metric: 'num_requests', filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any', vectorStoreIds: ['vs_1'], contextLevels: ['low'] } },
        web_search_calls: { width: '1d', groupBy: 'context_level', metric: 'num_requests', filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any', contextLevels: ['high'] } },
      },
    };
    const fs = queryFilters(ui, 'file_search_calls');
    assert.deepEqual([fs.vectorStoreIds, fs.contextLevels, fs.groupBy], [['vs_1'], undefined, ['vector_store_id']]);
    const ws = queryFilters(ui, 'web_search_calls');
    assert.deepEqual([ws.contextLevels, ws.vectorStoreIds, ws.groupBy], [['high'], undefined, ['context_level']]);
  });

  it('the tiny org answers the filtered tabs with just those groups', async () => {
    const ui: UiState = {
      ...defaultUiState(7),
      tab: 'web_search_calls',
      tabs: { web_search_calls: { width: '1d', groupBy: 'context_level', metric: 'num_requests', filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any', contextLevels: ['high'] } } },
    };
    const r = await fetchTab(ui, 'web_search_calls', tinySource, NOW_MS, 'usd');
    const levels = new Set(r.buckets.flatMap((b) => b.rows.map((x) => x.dims.context_level)));
    assert.deepEqual([...levels], ['high']);
  });
});
