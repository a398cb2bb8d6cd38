import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { readSnapshot, serializeSnapshot, writeSnapshot } from '../../src/usage/snapshotStore';

const NOW = Date.parse('2026-11-23T14:37:12Z');

describe('snapshot store', () => {
  let dir = '';
  let snapshot: UsageSnapshot;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'usage-store-'));
    snapshot = await loadSnapshot(createSampleOrg({ now: NOW, seed: 5 }), { nowMs: NOW, rangeDays: 30 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes and reads back the same snapshot, leaving no temp file behind', async () => {
    const file = path.join(dir, 'nested', 'snapshot.json');
    await writeSnapshot(file, snapshot);
    assert.deepEqual(await readSnapshot(file), snapshot);
    assert.deepEqual(await readdir(path.dirname(file)), ['snapshot.json']);
    // Overwriting replaces it whole.
    const newer = { ...snapshot, fetchedAt: NOW + 1000 };
    await writeSnapshot(file, newer);
    assert.equal((await readSnapshot(file))?.fetchedAt, NOW + 1000);
    assert.deepEqual(await readdir(path.dirname(file)), ['snapshot.json']);
  });

  it('returns undefined, never throws, for a missing, corrupt, old or surprising file', async () => {
    assert.equal(await readSnapshot(path.join(dir, 'missing.json')), undefined);
    const cases: Record<string, string> = {
      truncated: serializeSnapshot(snapshot).slice(0, 500),
      garbage: '\u0000\u0001not json',
      empty: '',
      nullJson: 'null',
      oldVersion: JSON.stringify({ ...JSON.parse(serializeSnapshot(snapshot)), version: 0 }),
      badSource: JSON.stringify({ ...JSON.parse(serializeSnapshot(snapshot)), source: 'other' }),
      stringAmount: serializeSnapshot(snapshot).replace(/"amount":([0-9.]+)/, '"amount":"$1"'),
      noCosts: JSON.stringify({ ...JSON.parse(serializeSnapshot(snapshot)), costs: undefined }),
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, `${name}.json`);
      await writeFile(file, text);
      assert.equal(await readSnapshot(file), undefined, name);
    }
    // A directory where the file should be is not a snapshot either.
    await mkdir(path.join(dir, 'adir.json'));
    assert.equal(await readSnapshot(path.join(dir, 'adir.json')), undefined);
  });

  it('drops unknown fields on read', async () => {
    const file = path.join(dir, 'extra.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(serializeSnapshot(snapshot)), adminKey: 'whatever', extra: 1 }));
    const read = await readSnapshot(file);
    assert.ok(read);
    assert.equal('adminKey' in read, false);
    assert.deepEqual(read, snapshot);
  });

  it('keeps the old file when a write fails, and cleans up its temp file', async () => {
    const file = path.join(dir, 'keep.json');
    await writeSnapshot(file, snapshot);
    const original = await readFile(file, 'utf8');
    // Not a valid snapshot: rejected before anything touches the disk.
    const bad = { ...snapshot, fetchedAt: Number.NaN };
    await assert.rejects(writeSnapshot(file, bad));
    assert.equal(await readFile(file, 'utf8'), original);
    // The rename fails (the target is a non-empty directory): the temp file is removed.
    const blocked = path.join(dir, 'blocked');
    await mkdir(path.join(blocked, 'snapshot.json', 'inside'), { recursive: true });
    await assert.rejects(writeSnapshot(path.join(blocked, 'snapshot.json'), snapshot));
    assert.deepEqual(await readdir(blocked), ['snapshot.json']);
  });

  it('survives concurrent writes with one complete snapshot', async () => {
    const file = path.join(dir, 'race.json');
    await Promise.all([1, 2, 3, 4].map((i) => writeSnapshot(file, { ...snapshot, fetchedAt: NOW + i })));
    const read = await readSnapshot(file);
    assert.ok(read && read.fetchedAt > NOW && read.fetchedAt <= NOW + 4);
    assert.deepEqual(await readdir(dir).then((names) => names.filter((n) => n.includes('race'))), ['race.json']);
  });

  it('never writes anything shaped like a key', async () => {
    const file = path.join(dir, 'keys.json');
    const key = 'sk-admin-' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(3);
    const leaky: UsageSnapshot = {
      ...snapshot,
      projects: [...snapshot.projects, { id: 'proj_x', name: `oops ${key}`, status: 'active' }],
    };
    await writeSnapshot(file, leaky);
    const text = await readFile(file, 'utf8');
    assert.equal(text.includes(key), false);
    assert.equal(/sk-[A-Za-z0-9_-]{8,}/.test(text), false);
    assert.ok(text.includes('proj_x'));
  });
});
