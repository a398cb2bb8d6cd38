import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { StoredSummary } from '../../src/usage/compactStore';
import {
  MAX_LEGACY_BYTES,
  MAX_SNAPSHOT_BYTES,
  clearStore,
  readLegacySnapshot,
  readSnapshot,
  readStore,
  readSummary,
  removeStrayTemps,
  serializeSnapshot,
  storeFiles,
  writeSnapshot,
  writeStore,
} from '../../src/usage/snapshotStore';

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
    const bytes = serializeSnapshot(snapshot);
    const badNames = serializeSnapshot({ ...snapshot, names: undefined, laterField: 1 } as UsageSnapshot);
    const cases: Record<string, Buffer | string> = {
      truncated: bytes.subarray(0, 500),
      cutAtTheEnd: bytes.subarray(0, bytes.length - 8),
      garbage: '\u0000\u0001not json',
      empty: '',
      nullJson: 'null',
      // The JSON file of earlier versions is not read as a compact snapshot (readStore migrates it).
      oldJson: JSON.stringify(snapshot),
      // Names carried as JSON are checked as the JSON store checked them.
      badNames: Buffer.from(badNames.toString('latin1').replace('"laterField":1', '"names":"x"   '), 'latin1'),
    };
    for (const [name, data] of Object.entries(cases)) {
      const file = path.join(dir, `${name}.bin`);
      await writeFile(file, data);
      assert.equal(await readSnapshot(file), undefined, name);
    }
    // The old JSON file is checked whole, as before.
    const legacy: Record<string, string> = {
      truncated: JSON.stringify(snapshot).slice(0, 500),
      oldVersion: JSON.stringify({ ...snapshot, version: 0 }),
      badSource: JSON.stringify({ ...snapshot, source: 'other' }),
      stringAmount: JSON.stringify(snapshot).replace(/"amount":([0-9.]+)/, '"amount":"$1"'),
      noCosts: JSON.stringify({ ...snapshot, costs: undefined }),
    };
    for (const [name, text] of Object.entries(legacy)) {
      const file = path.join(dir, `legacy-${name}.json`);
      await writeFile(file, text);
      assert.equal(await readLegacySnapshot(file), undefined, name);
    }
    // A directory where the file should be is not a snapshot either.
    await mkdir(path.join(dir, 'adir.json'));
    assert.equal(await readSnapshot(path.join(dir, 'adir.json')), undefined);
  });

  it('carries every field through, keyCosts, keyModels, names and fields added later, redacting key-shaped text', async () => {
    const file = path.join(dir, 'extra.bin');
    assert.ok(snapshot.keyCosts && snapshot.keyModels && snapshot.names && snapshot.namesFetchedAt !== undefined, 'the sample has every optional field');
    const withLater = { ...snapshot, origin: 'fp_1', laterField: { note: 'from another helper', n: [1, 2] }, leak: 'sk-admin-abcdefghijklmnop' };
    await writeSnapshot(file, withLater);
    assert.deepEqual(await readSnapshot(file), { ...withLater, leak: 'sk-***' });
    // The old JSON store's file drops unknown fields, as it always did.
    const legacy = path.join(dir, 'extra.json');
    await writeFile(legacy, JSON.stringify({ ...snapshot, adminKey: 'whatever' }));
    assert.deepEqual(await readLegacySnapshot(legacy), snapshot);
  });

  it('migrates the old JSON file: read once, replaced by the compact file and its summary', async () => {
    const folder = path.join(dir, 'migrate');
    await mkdir(folder);
    const files = storeFiles(folder);
    const old = { ...snapshot, origin: 'fp_1' };
    await writeFile(files.legacy, JSON.stringify(old));
    assert.deepEqual(await readStore(files), old, 'the old file is read when there is no compact one');
    assert.equal(await readSummary(files), undefined);
    const summary: StoredSummary = { version: 2, origin: 'fp_1', figures: { currency: 'usd', today: 1, yesterday: 2, monthToDate: 3, forecastMonthEnd: 4, topProjectsToday: [], fetchedAt: NOW } };
    const newer = { ...old, fetchedAt: NOW + 1 };
    await writeStore(files, newer, summary);
    assert.deepEqual((await readdir(folder)).sort(), ['snapshot.bin', 'summary.json']);
    assert.deepEqual(await readStore(files), newer);
    assert.deepEqual(await readSummary(files), summary);
    // A write that fails leaves no summary describing data that is not on disk.
    await assert.rejects(writeStore(files, { ...newer, fetchedAt: NOW + 2 }, summary, { maxBytes: 100 }), /over the .* limit of the store/);
    assert.equal(await readSummary(files), undefined);
    assert.deepEqual(await readStore(files), newer, 'the previous snapshot is kept');
    await clearStore(files);
    assert.deepEqual(await readdir(folder), []);
    assert.equal(await readStore(files), undefined);
  });

  it('keeps the old file when a write fails, and cleans up its temp file', async () => {
    const file = path.join(dir, 'keep.json');
    await writeSnapshot(file, snapshot);
    const original = await readFile(file);
    // Not a valid snapshot: rejected before anything touches the disk.
    const bad = { ...snapshot, fetchedAt: Number.NaN };
    await assert.rejects(writeSnapshot(file, bad));
    assert.deepEqual(await readFile(file), original);
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
    const text = (await readFile(file)).toString('latin1');
    assert.equal(text.includes(key), false);
    assert.equal(/sk-[A-Za-z0-9_-]{8,}/.test(text), false);
    assert.ok(text.includes('proj_x'));
  });

  it('refuses a snapshot over the size cap, without reading it, and says why', async () => {
    const file = path.join(dir, 'big.bin');
    const text = serializeSnapshot(snapshot);
    await writeFile(file, text);
    const messages: string[] = [];
    assert.equal(await readSnapshot(file, { maxBytes: text.length - 1, log: (m) => messages.push(m) }), undefined);
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? '', /over the [0-9.]+ MiB limit; it was not read/);
    // At the cap exactly it is read.
    assert.deepEqual(await readSnapshot(file, { maxBytes: text.length, log: (m) => messages.push(m) }), snapshot);
    assert.equal(messages.length, 1);
    // The real cap, on a sparse file just over it: refused from the stat alone, at once.
    await truncate(file, MAX_SNAPSHOT_BYTES + 1);
    const started = performance.now();
    assert.equal(await readSnapshot(file, { log: (m) => messages.push(m) }), undefined);
    assert.ok(performance.now() - started < 500, 'not read');
    assert.match(messages[1] ?? '', /is 1024\.0 MiB, over the 1024\.0 MiB limit/);
    // The old JSON file keeps its 64 MiB cap.
    await truncate(file, MAX_LEGACY_BYTES + 1);
    assert.equal(await readLegacySnapshot(file, { log: (m) => messages.push(m) }), undefined);
    assert.match(messages[2] ?? '', /is 64\.0 MiB, over the 64\.0 MiB limit/);
  });

  it('does not write a snapshot it would refuse to read, and keeps the old one', async () => {
    const file = path.join(dir, 'capped.json');
    await writeSnapshot(file, snapshot);
    const size = serializeSnapshot(snapshot).length;
    await assert.rejects(writeSnapshot(file, { ...snapshot, fetchedAt: NOW + 1 }, { maxBytes: size - 1 }), /over the .* limit of the store/);
    assert.deepEqual(await readSnapshot(file), snapshot);
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('capped')), ['capped.json']);
  });

  it('refuses a FIFO where the snapshot should be, instead of hanging on it', { skip: process.platform === 'win32' }, async () => {
    const fifo = path.join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const messages: string[] = [];
    assert.equal(await readSnapshot(fifo, { log: (m) => messages.push(m) }), undefined);
    assert.match(messages[0] ?? '', /not a regular file/);
  });

  it('removes temp files whose writer is gone or that are over an hour old, and no others', async () => {
    const folder = path.join(dir, 'strays');
    await mkdir(folder);
    const file = path.join(folder, 'snapshot.json');
    await writeSnapshot(file, snapshot);
    // A process id that no longer exists: a child that has already exited.
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const deadPid = child.pid ?? 0;
    const dead = `.snapshot.json.${deadPid}.0123456789ab.tmp`;
    const liveFresh = `.snapshot.json.${process.pid}.abcdefabcdef.tmp`;
    const liveOld = `.snapshot.json.${process.pid}.000000000000.tmp`;
    const unrelated = ['.other.json.1.0123456789ab.tmp', 'notes.txt', '.snapshot.json.x.tmp'];
    for (const name of [dead, liveFresh, liveOld, ...unrelated]) await writeFile(path.join(folder, name), '{"partial":');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(folder, liveOld), twoHoursAgo, twoHoursAgo);

    assert.deepEqual(await readSnapshot(file), snapshot, 'the snapshot itself is untouched');
    assert.deepEqual((await readdir(folder)).sort(), ['snapshot.json', liveFresh, ...unrelated].sort());
    assert.deepEqual(await removeStrayTemps(file), [], 'nothing more to remove');
    assert.deepEqual(await removeStrayTemps(path.join(dir, 'no-such-folder', 'snapshot.json')), []);
  });

  it('always loads an intact snapshot after a writer is killed at random moments (up to 30 SIGKILLs)', { skip: process.platform === 'win32', timeout: 20_000 }, async (t) => {
    const folder = path.join(dir, 'killed');
    await mkdir(folder);
    const file = path.join(folder, 'snapshot.json');
    const source = path.join(dir, 'kill-source.json');
    await writeFile(source, JSON.stringify(snapshot));
    // The writer is the real writeSnapshot, bundled once so each child starts in tens of ms.
    const writer = path.join(dir, 'writer.cjs');
    await esbuild.build({
      stdin: {
        contents: `
          import { readFileSync } from 'node:fs';
          import { writeSnapshot } from ${JSON.stringify(path.resolve('src/usage/snapshotStore.ts'))};
          const [file, source, base] = process.argv.slice(2);
          const snapshot = JSON.parse(readFileSync(source, 'utf8'));
          process.stdout.write('ready\\n');
          void (async () => {
            for (let i = 0; ; i++) {
              await writeSnapshot(file, { ...snapshot, fetchedAt: Number(base) + i });
              process.stdout.write(i + '\\n');
            }
          })();`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: writer,
      logLevel: 'silent',
    });

    const ROUND = 1_000_000; // fetchedAt = round * ROUND + index of the write within the round
    await writeSnapshot(file, { ...snapshot, fetchedAt: 0 });
    let previous = 0;
    let writesDone = 0;
    let killedWithTemp = 0;
    let rounds = 0;
    // 30 kills, or as many as fit in 10 s on a loaded machine (each child is a fresh Node).
    const deadline = Date.now() + 10_000;
    for (let round = 1; round <= 30 && Date.now() < deadline; round++) {
      rounds = round;
      const child = spawn(process.execPath, [writer, file, source, String(round * ROUND)], { stdio: ['ignore', 'pipe', 'inherit'] });
      // The kill comes after 0, 1 or 2 confirmed writes, then 0-80 ms into whatever comes next.
      const wantAcks = randomInt(0, 3);
      let out = '';
      const reached = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.startsWith('ready\n') && out.split('\n').length - 2 >= wantAcks) resolve();
        });
      });
      const exited = once(child, 'exit');
      await Promise.race([reached, exited]);
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 80)));
      child.kill('SIGKILL');
      const [code, signal] = (await exited) as [number | null, string | null];
      assert.equal(signal, 'SIGKILL', `round ${round}: the writer ran until killed (exit code ${code})`);

      const acks = out.split('\n').slice(1, -1).map(Number);
      const lastAck = acks.length > 0 ? Math.max(...acks) : undefined;
      writesDone += acks.length;
      if ((await readdir(folder)).some((n) => n.endsWith('.tmp'))) killedWithTemp++;

      const read = await readSnapshot(file);
      assert.ok(read, `round ${round}: a snapshot loads`);
      assert.deepEqual({ ...read, fetchedAt: snapshot.fetchedAt }, snapshot, `round ${round}: the snapshot is whole`);
      if (lastAck === undefined) {
        // No write was confirmed: the file is the previous one or one written in this round.
        assert.ok(read.fetchedAt === previous || Math.floor(read.fetchedAt / ROUND) === round, `round ${round}: ${read.fetchedAt}`);
      } else {
        // At least the last confirmed write, or one after it that finished before the kill.
        assert.ok(read.fetchedAt >= round * ROUND + lastAck && read.fetchedAt < (round + 1) * ROUND, `round ${round}: ${read.fetchedAt} after ack ${lastAck}`);
      }
      previous = read.fetchedAt;
      assert.deepEqual((await readdir(folder)).filter((n) => n !== 'snapshot.json'), [], `round ${round}: no stray temp file after the read`);
    }
    assert.ok(rounds >= 10, `${rounds} kills`);
    assert.ok(writesDone >= rounds / 2, 'the writers completed writes between kills');
    t.diagnostic(`${rounds} kills, ${writesDone} writes completed; ${killedWithTemp} kills left a temp file, removed by the next read`);
  });
});
