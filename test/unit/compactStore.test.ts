import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeSnapshot, decodeSnapshotSliced, encodeSnapshot, encodeSnapshotSliced, readStoredSummary, writeStoredSummary } from '../../src/usage/compactStore';
import type { StoredSummary } from '../../src/usage/compactStore';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { createDenseOrg } from '../server/denseOrg';

const NOW = Date.parse('2026-11-23T09:00:00Z');
const SUMMARY: StoredSummary = {
  version: 2,
  origin: 'fp_123',
  figures: { currency: 'usd', today: 12.34, yesterday: 40, monthToDate: 812.5, forecastMonthEnd: 1500, topProjectsToday: [{ name: 'Web', spend: 10 }], fetchedAt: NOW, otherCurrencies: [{ currency: 'eur', today: 1, yesterday: 2, monthToDate: 3, forecastMonthEnd: 4 }] },
};

describe('compact snapshot store', () => {
  let dir: string;
  let sample: UsageSnapshot;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'compact-store-'));
    sample = { ...(await loadSnapshot(createSampleOrg({ now: () => NOW, seed: 3 }), { nowMs: NOW, rangeDays: 90 })), origin: 'fp_123' };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives back exactly the snapshot it was given (sample organisation, 90 days)', () => {
    assert.deepStrictEqual(decodeSnapshot(encodeSnapshot(sample)), sample);
  });

  it('a dense organisation round-trips too, in far less than the JSON store takes', async () => {
    const dense = await loadSnapshot(createDenseOrg({ projects: 20, models: 10 }), { nowMs: NOW, rangeDays: 30 });
    const bytes = encodeSnapshot(dense);
    assert.deepStrictEqual(decodeSnapshot(bytes), dense);
    const json = Buffer.byteLength(JSON.stringify(dense));
    assert.ok(bytes.length * 2 < json, `compact ${bytes.length} B vs JSON ${json} B`);
  });

  it('keeps optional values and rows without dimensions apart from zeros', () => {
    const s: UsageSnapshot = {
      ...sample,
      costs: [{ startTime: 0, endTime: 86_400, rows: [{ values: { amount: 0 }, dims: {} }, { values: { amount: -0.5, quantity: 0 }, dims: { line_item: 'x' }, currency: 'eur' }] }],
      usage: { completions: [] },
    };
    assert.deepStrictEqual(decodeSnapshot(encodeSnapshot(s)), s);
  });

  it('redacts key-shaped text in names and ids', () => {
    const s: UsageSnapshot = {
      ...sample,
      projects: [{ id: 'p1', name: 'leak sk-admin-abcdefghijkl', status: 'active' }],
      costs: [{ startTime: 0, endTime: 86_400, rows: [{ values: { amount: 1 }, dims: { line_item: 'sk-proj-abcdefghijkl' } }] }],
    };
    const text = encodeSnapshot(s).toString('latin1');
    assert.ok(!text.includes('abcdefghijkl'));
  });

  it('refuses anything damaged: never throws, answers undefined', () => {
    const good = encodeSnapshot(sample);
    assert.equal(decodeSnapshot(Buffer.from('not a snapshot')), undefined);
    assert.equal(decodeSnapshot(good.subarray(0, good.length - 8)), undefined);
    assert.equal(decodeSnapshot(Buffer.concat([good, Buffer.alloc(8)])), undefined);
    const badMagic = Buffer.from(good);
    badMagic[0] = 0x58;
    assert.equal(decodeSnapshot(badMagic), undefined);
    // A dictionary index past the end of the dictionary.
    const badIndex = Buffer.from(good);
    badIndex.fill(0xff, badIndex.length - 4);
    assert.equal(decodeSnapshot(badIndex), undefined);
    // A header of another version.
    const len = good.readUInt32LE(6);
    const header = JSON.parse(good.toString('utf8', 10, 10 + len)) as Record<string, unknown>;
    const other = Buffer.from(JSON.stringify({ ...header, version: 9 }).padEnd(len, ' '));
    assert.equal(other.length, len);
    const otherVersion = Buffer.from(good);
    other.copy(otherVersion, 10);
    assert.equal(decodeSnapshot(otherVersion), undefined);
  });

  it('carries keyCosts, keyModels, names and any other field through', async () => {
    const s: UsageSnapshot & { laterField: { nested: number[] } } = {
      ...sample,
      keyCosts: [{ startTime: 0, endTime: 86_400, rows: [{ values: { amount: 2.5 }, dims: { api_key_id: 'key_1', project_id: 'p1' }, currency: 'usd' }] }],
      keyModels: [{ startTime: 0, endTime: 86_400, rows: [{ values: { input_tokens: 7, num_model_requests: 1 }, dims: { api_key_id: 'key_1', model: 'gpt-x' } }] }],
      names: {
        apiKeys: { ok: true, items: [{ id: 'key_1', name: 'CI key', redactedValue: 'sk-...abcd', projectId: 'p1' }] },
        adminKeys: { ok: false, items: [], status: 403, message: 'not allowed' },
        users: { ok: true, items: [{ id: 'user_1', name: 'Ada', email: 'ada@example.com' }] },
      },
      namesFetchedAt: NOW - 5,
      laterField: { nested: [1, 2, 3] },
    };
    assert.deepStrictEqual(decodeSnapshot(encodeSnapshot(s)), s);
    assert.deepStrictEqual(await decodeSnapshotSliced(await encodeSnapshotSliced(s)), s);
  });

  it('the sliced forms give the same bytes and snapshot, and let timers run on a large one', async () => {
    const dense = await loadSnapshot(createDenseOrg({ projects: 40, models: 20 }), { nowMs: NOW, rangeDays: 60 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const bytes = await encodeSnapshotSliced(dense);
      assert.ok(bytes.equals(encodeSnapshot(dense)));
      assert.deepStrictEqual(await decodeSnapshotSliced(bytes), dense);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'the event loop ran between slices');
  });

  it('rows with the same dimensions share one frozen dims object', () => {
    const back = decodeSnapshot(encodeSnapshot(sample));
    assert.ok(back);
    const days = back.usage.completions ?? [];
    const first = days[0]?.rows[0];
    const same = days[1]?.rows.find((r) => JSON.stringify(r.dims) === JSON.stringify(first?.dims));
    assert.ok(first && same);
    assert.equal(same.dims, first.dims);
    assert.ok(Object.isFrozen(first.dims));
  });

  it('refuses an invalid snapshot on write', () => {
    assert.throws(() => encodeSnapshot({ ...sample, fetchedAt: Number.NaN }), /not valid/);
    assert.throws(() => encodeSnapshot({ ...sample, currency: '' }), /not valid/);
  });

  it('writes the summary; it is read on its own and checked', async () => {
    const summaryFile = path.join(dir, 'summary.json');
    await writeStoredSummary(summaryFile, SUMMARY);
    assert.deepStrictEqual(await readStoredSummary(summaryFile), SUMMARY);
    assert.ok((await readFile(summaryFile)).length < 600);
    const withFigures = (f: Record<string, unknown>): string => JSON.stringify({ ...SUMMARY, figures: { ...SUMMARY.figures, ...f } });
    for (const bad of [withFigures({ today: 'NaN' }), withFigures({ currency: 'US$' }), withFigures({ topProjectsToday: [{ name: 1 }] }), withFigures({ asOfDay: '2026-01-01' }), JSON.stringify({ ...SUMMARY, version: 1 }), 'null', '{']) {
      await writeFile(summaryFile, bad);
      assert.equal(await readStoredSummary(summaryFile), undefined, bad);
    }
    assert.equal(await readStoredSummary(path.join(dir, 'missing.json')), undefined);
    // A large file where the summary should be is not read.
    await writeFile(summaryFile, ' '.repeat(70_000) + JSON.stringify(SUMMARY));
    assert.equal(await readStoredSummary(summaryFile), undefined);
  });
});
