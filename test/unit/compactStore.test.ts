import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeSnapshot, encodeSnapshot, readCompact, readStoredSummary, writeCompact } from '../../src/usage/compactStore';
import type { StoredSummary } from '../../src/usage/compactStore';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { createDenseOrg } from '../server/denseOrg';

const NOW = Date.parse('2026-11-23T09:00:00Z');
const SUMMARY: StoredSummary = { version: 1, fetchedAt: NOW, currency: 'usd', today: 12.34, yesterday: 40, monthToDate: 812.5 };

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

  it('writes the snapshot and its summary; the summary is read on its own and checked', async () => {
    const file = path.join(dir, 'snapshot.bin');
    const summaryFile = path.join(dir, 'summary.json');
    await writeCompact(file, summaryFile, sample, SUMMARY);
    assert.deepStrictEqual(await readCompact(file), sample);
    assert.deepStrictEqual(await readStoredSummary(summaryFile), SUMMARY);
    assert.ok((await readFile(summaryFile)).length < 300);
    await writeFile(summaryFile, JSON.stringify({ ...SUMMARY, today: 'NaN' }));
    assert.equal(await readStoredSummary(summaryFile), undefined);
    await writeFile(summaryFile, JSON.stringify({ ...SUMMARY, currency: 'US$' }));
    assert.equal(await readStoredSummary(summaryFile), undefined);
    assert.equal(await readStoredSummary(path.join(dir, 'missing.json')), undefined);
    assert.equal(await readCompact(path.join(dir, 'missing.bin')), undefined);
  });
});
