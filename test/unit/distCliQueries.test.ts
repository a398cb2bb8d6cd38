// The built CLI (dist/cli.js, as npm installs it) against the loopback fake: `costs` and
// `usage <endpoint>` take the network layer from dist/network.js, so what the source runs in-process
// must also be there in the bundle; and a large organisation's refresh prints nothing on stderr
// (no listener warnings: every request has its own signal, linked to the refresh's).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { UsageClient } from '../../src/api/client';
import { createSampleOrg } from '../../src/usage/sample';
import { createDenseOrg } from '../server/denseOrg';
import { startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { buildDistOnce } from './distCli';

const KEY = 'sk-admin-FAKE-distq-00';
const run = promisify(execFile);
const DAY = 86_400;

describe('dist/cli.js: costs and usage through dist/network.js', () => {
  const NOW = Date.now();
  let server: FakeServer;
  let dense: FakeServer;
  let cache = '';
  before(async () => {
    buildDistOnce();
    server = await startFakeServer({ data: createSampleOrg({ now: () => Date.now() }), adminKeys: [KEY] });
    dense = await startFakeServer({ data: createDenseOrg({ projects: 30, models: 20 }), adminKeys: [KEY] });
    cache = mkdtempSync(path.join(tmpdir(), 'distq-'));
  });
  after(async () => {
    await server.close();
    await dense.close();
    rmSync(cache, { recursive: true, force: true });
  });

  const cli = (args: string[], url: string) =>
    run(process.execPath, ['dist/cli.js', ...args, '--base-url', url], { env: { ...process.env, OPENAI_ADMIN_KEY: KEY, XDG_CACHE_HOME: cache }, maxBuffer: 64 * 1024 * 1024 });

  it('costs --group-by project_id --json: the buckets the client reads, to the cent', async () => {
    const { stdout, stderr } = await cli(['costs', '--days', '3', '--group-by', 'project_id', '--json'], server.url);
    assert.equal(stderr, '');
    const body = JSON.parse(stdout) as { buckets: { results: { amount: number }[] }[] };
    const today = Math.floor(NOW / 1000 / DAY) * DAY;
    const expected = await new UsageClient({ baseUrl: server.url, apiKey: KEY }).query({ endpoint: 'costs', startTime: today - 2 * DAY, endTime: today + DAY, groupBy: ['project_id'] });
    const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
    assert.equal(body.buckets.length, expected.length);
    const got = sum(body.buckets.flatMap((b) => b.results.map((r) => r.amount)));
    const want = sum(expected.flatMap((b) => b.rows.map((r) => r.values.amount ?? 0)));
    assert.ok(want > 0);
    assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  });

  it('usage completions --group-by model --json answers, and a refused query says why', async () => {
    const { stdout, stderr } = await cli(['usage', 'completions', '--days', '2', '--group-by', 'model', '--json'], server.url);
    assert.equal(stderr, '');
    const body = JSON.parse(stdout) as { buckets: { results: { model?: string }[] }[] };
    assert.ok(body.buckets.some((b) => b.results.some((r) => typeof r.model === 'string')));
    await assert.rejects(cli(['usage', 'vector_stores', '--days', '2', '--group-by', 'model', '--json'], server.url), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? '', /^openai-usage-insight: .*cannot group_by=model/);
      assert.doesNotMatch(e.stderr ?? '', /not a function|Unexpected error/);
      return true;
    });
  });

  it('summary over 90 days of a dense organisation: exit 0, nothing on stderr', { timeout: 120_000 }, async () => {
    const { stdout, stderr } = await cli(['summary', '--days', '90', '--json'], dense.url);
    assert.equal(stderr, '', 'no warning (MaxListenersExceeded or other)');
    const s = JSON.parse(stdout) as { projects: unknown[] };
    assert.equal(s.projects.length, 30);
  });

  for (const command of [['daily'], ['monthly'], ['keys']]) {
    it(`${command.join(' ')} ends at the overall deadline when the server never answers`, { timeout: 60_000 }, async () => {
      const silent = await startFakeServer({ data: createSampleOrg({ now: () => Date.now() }), adminKeys: [KEY] });
      silent.faults.neverAnswer = true;
      try {
        const started = Date.now();
        const run = execFile(process.execPath, ['dist/cli.js', ...command, '--base-url', silent.url], { env: { ...process.env, OPENAI_ADMIN_KEY: KEY, XDG_CACHE_HOME: cache, OPENAI_USAGE_INSIGHT_DEADLINE_MS: '1500' } });
        const [code, stderr] = await new Promise<[number | null, string]>((resolve) => {
          let err = '';
          run.stderr?.on('data', (d: Buffer) => (err += d.toString()));
          run.on('close', (c) => resolve([c, err]));
        });
        assert.equal(code, 1);
        assert.equal(stderr.trim(), 'openai-usage-insight: No complete answer from the API within 1.5 s: it may be down or unreachable; try again later.');
        assert.ok(Date.now() - started < 1500 + 8_000, `ended in time: ${Date.now() - started} ms`);
      } finally {
        await silent.close();
      }
    });
  }
});
