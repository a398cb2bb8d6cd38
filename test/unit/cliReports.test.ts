// daily, monthly and statusline against the loopback fake API. The reports run in-process on a
// pinned clock; statusline runs as dist/cli.js, since its refresh is a detached child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildDistOnce } from './distCli';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';
import { UsageClient } from '../../src/api/client';
import { cacheFileFor, formatStatusLine } from '../../src/cli/statusline';
import type { StatusCache } from '../../src/cli/statusline';
import { summarize } from '../../src/report/summary';
import { formatMoney } from '../../src/shared/format';
import { addDays, dayStartOfMs, isoDate, monthStart } from '../../src/shared/time';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { startFakeServer, type FakeServer } from '../server/fakeServer';

const KEY = 'sk-admin-FAKE-reports-00';
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>, now: number): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => (out += `${t}\n`), now: () => now }, (l) => err.push(l));
  return { code, out, err };
}

describe('daily and monthly', () => {
  const NOW = Date.UTC(2026, 10, 18, 15, 30);
  const org = createSampleOrg({ now: NOW });
  let server: FakeServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startFakeServer({ data: org, adminKeys: [KEY], now: () => NOW });
    env = { OPENAI_ADMIN_KEY: KEY, OPENAI_BASE_URL: server.url };
  });
  after(() => server.close());

  const report = async (days: number) => {
    const snapshot = await loadSnapshot(new UsageClient({ baseUrl: server.url, apiKey: KEY, now: () => NOW }), { nowMs: NOW, rangeDays: days });
    return summarize(snapshot, { nowMs: NOW, rangeDays: days });
  };

  it('daily --json: one row per day with the report’s spend, tokens and requests', async () => {
    const r = await cli(['daily', '--days', '10', '--json'], env, NOW);
    assert.equal(r.code, 0, r.err.join('\n'));
    const out = JSON.parse(r.out) as { currency: string; rows: { period: string; spend: number; inputTokens: number; outputTokens: number; requests: number }[] };
    const s = await report(10);
    assert.equal(out.currency, 'usd');
    assert.deepEqual(out.rows.map((x) => x.period), s.daily.map((d) => isoDate(d.day)));
    out.rows.forEach((row, i) => assert.ok(Math.abs(row.spend - (s.daily[i]?.amount ?? NaN)) < 1e-5, row.period));
    assert.equal(out.rows.reduce((a, x) => a + x.requests, 0), s.requests);
    assert.equal(out.rows.reduce((a, x) => a + x.inputTokens, 0), s.tokens.input);
    assert.equal(out.rows.reduce((a, x) => a + x.outputTokens, 0), s.tokens.output);
  });

  it('daily --by key --csv: spend per key and day as the Costs API groups it', async () => {
    const r = await cli(['daily', '--days', '3', '--by', 'key', '--csv'], env, NOW);
    assert.equal(r.code, 0, r.err.join('\n'));
    const [head, ...lines] = r.out.trim().split(/\r?\n/);
    assert.equal(head, 'day,key,name,spend_usd,input_tokens,output_tokens,cached_tokens,requests');
    const today = dayStartOfMs(NOW);
    const expected = new Map<string, number>();
    for (const b of org.querySync({ endpoint: 'costs', startTime: addDays(today, -2), endTime: addDays(today, 1), groupBy: ['api_key_id'], limit: 180 })) {
      for (const row of b.rows) if (row.dims.api_key_id) expected.set(`${isoDate(b.startTime)},${row.dims.api_key_id}`, row.values.amount ?? 0);
    }
    const cells = lines.map((l) => l.split(','));
    const got = new Map(cells.filter((c) => c[1] !== '').map((c) => [`${c[0]},${c[1]}`, Number(c[3])]));
    assert.equal(got.size, expected.size);
    for (const [k, v] of expected) assert.ok(Math.abs((got.get(k) ?? NaN) - v) < 1e-5, k);
    // Each key under its name from the directory, not its ID.
    const keyNames = new Map(org.namesSync().apiKeys.map((k) => [k.id, k.name]));
    for (const c of cells.filter((x) => x[1] !== '')) assert.equal(c[2], keyNames.get(c[1] ?? ''), c[1]);
    assert.deepEqual(r.err, []);
  });

  it('monthly --by project: month-to-date per project adds up to the report', async () => {
    const r = await cli(['monthly', '--months', '2', '--by', 'project', '--json'], env, NOW);
    assert.equal(r.code, 0, r.err.join('\n'));
    const out = JSON.parse(r.out) as { from: string; rows: { period: string; group: string; name: string; spend: number }[] };
    const today = dayStartOfMs(NOW);
    assert.equal(out.from, isoDate(monthStart(addDays(monthStart(today), -1))));
    const s = await report(31);
    const thisMonth = out.rows.filter((x) => x.period === isoDate(today).slice(0, 7));
    assert.ok(Math.abs(thisMonth.reduce((a, x) => a + x.spend, 0) - s.monthToDate) < 1e-5);
    assert.ok(thisMonth.some((x) => x.name === 'Support Assistant'));
    assert.deepEqual([...new Set(out.rows.map((x) => x.period))], [isoDate(addDays(monthStart(today), -1)).slice(0, 7), isoDate(today).slice(0, 7)]);
  });

  it('a rejected key: one line on stderr, and never the key', async () => {
    const wrong = 'sk-admin-FAKE-wrong-00';
    for (const command of ['daily', 'monthly']) {
      const r = await cli([command], { OPENAI_ADMIN_KEY: wrong, OPENAI_BASE_URL: server.url }, NOW);
      assert.equal(r.code, 1);
      assert.equal(r.err.length, 1);
      assert.match(r.err[0] ?? '', /401/);
      assert.ok(!r.err[0]?.includes(wrong) && !r.out.includes(wrong));
    }
  });

  it('refuses bad options with one line', async () => {
    for (const args of [['daily', '--months', '2'], ['monthly', '--by', 'user'], ['daily', '--days', '0']]) {
      const r = await cli(args, env, NOW);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.err.length, 1);
    }
  });
});

describe('statusline (dist/cli.js)', () => {
  const NOW = Date.now();
  const org = createSampleOrg({ now: NOW });
  let server: FakeServer;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    await buildDistOnce();
    server = await startFakeServer({ data: org, adminKeys: [KEY], now: () => NOW });
    dir = mkdtempSync(path.join(tmpdir(), 'oui-statusline-'));
    env = { PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: KEY, OPENAI_BASE_URL: server.url };
  });
  after(async () => {
    await server.close();
    // The last background child ends once the server is gone; let it finish before cleaning up.
    const until = Date.now() + 15_000;
    while (readdirSync(dir).some((f) => f.endsWith('.lock')) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
  });

  const statusline = async (...args: string[]): Promise<{ out: string; ms: number }> => {
    const started = performance.now();
    const { stdout, stderr } = await run(process.execPath, ['dist/cli.js', 'statusline', '--cache-dir', dir, ...args], { env, timeout: 10_000 });
    assert.ok(!stdout.includes(KEY) && !stderr.includes(KEY));
    return { out: stdout.trim(), ms: performance.now() - started };
  };
  const cacheFile = (): string => cacheFileFor(dir, server.url, KEY, false);
  const waitFor = async (pred: () => boolean, ms: number): Promise<void> => {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('first answers at once, then from the cache its background child wrote', async () => {
    const first = await statusline('--budget', '5000');
    assert.equal(first.out, 'OpenAI: loading…');
    await waitFor(() => existsSync(cacheFile()) && readFileSync(cacheFile(), 'utf8').includes('fetchedAt'), 15_000);
    const second = await statusline('--budget', '5000');
    const s = summarize(await loadSnapshot(new UsageClient({ baseUrl: server.url, apiKey: KEY }), { nowMs: NOW, rangeDays: 16 }), { nowMs: NOW, rangeDays: 16 });
    assert.ok(second.out.startsWith(`OpenAI ${formatMoney(s.today, 'usd')} today (~$`), second.out);
    assert.ok(second.out.includes(`· ${formatMoney(s.monthToDate, 'usd')} MTD ·`), second.out);
    assert.ok(second.out.endsWith(`of ${formatMoney(5000, 'usd')}`), second.out);
    // The cache holds figures only.
    const text = readFileSync(cacheFile(), 'utf8');
    assert.ok(!text.includes(KEY) && !text.includes('sk-admin'));
  });

  it('answers fast from a stale cache with the API unreachable, and marks the failed refresh', async () => {
    await server.down();
    const stale: StatusCache = { ...(JSON.parse(readFileSync(cacheFile(), 'utf8')) as StatusCache), fetchedAt: Date.now() - 5 * 60_000 };
    writeFileSync(cacheFile(), JSON.stringify(stale));
    const fast = await statusline('--interval', '60');
    assert.equal(fast.out, formatStatusLine(stale, Date.now(), 0, 60_000));
    // Node's own start-up is most of this; the network is not waited on.
    assert.ok(fast.ms < 3000, `${fast.ms} ms`);
    await waitFor(() => (JSON.parse(readFileSync(cacheFile(), 'utf8')) as StatusCache).error !== undefined, 15_000);
    const after = await statusline('--interval', '60');
    assert.ok(after.out.endsWith(' ⚠'), after.out);
    assert.ok(!readFileSync(cacheFile(), 'utf8').includes(KEY));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.lock')));
    await server.up();
  });

  it('does not wait for a slow API either', async () => {
    server.faults.delayMs = 8000;
    const stale: StatusCache = { ...(JSON.parse(readFileSync(cacheFile(), 'utf8')) as StatusCache), fetchedAt: Date.now() - 5 * 60_000, error: undefined, errorAt: undefined };
    writeFileSync(cacheFile(), JSON.stringify(stale));
    const fast = await statusline('--interval', '60');
    assert.ok(fast.ms < 3000, `${fast.ms} ms`);
    assert.ok(fast.out.includes('MTD'));
    server.faults.delayMs = 0;
  });
});
