import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';
import { createSampleOrg } from '../../src/usage/sample';
import { addDays, dayStartOfMs, monthStart } from '../../src/shared/time';
import type { UsageRow } from '../../src/shared/endpoints';
import { FAKE_ADMIN_KEY, FAKE_PROJECT_KEY, startFakeServer, type FakeDataProvider, type FakeServer } from '../server/fakeServer';
import { createTinyOrg, TINY_PROJECTS } from '../server/tinyOrg';
import { ADMIN_KEYS_URL } from '../../src/shared/errorCode';

const NOW = Date.UTC(2026, 10, 18, 15, 30); // a Wednesday afternoon, mid-month

interface Run {
  code: number;
  out: string;
  err: string[];
}

async function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  let out = '';
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => (out += `${t}\n`), now: () => NOW }, (l) => err.push(l));
  return { code, out, err };
}

/** Spend per UTC day straight from the sample organisation, summed here independently. */
function independentDailySpend(): Map<number, number> {
  const org = createSampleOrg({ now: NOW });
  const byDay = new Map<number, number>();
  const buckets = org.querySync({ endpoint: 'costs', startTime: addDays(dayStartOfMs(NOW), -60), endTime: addDays(dayStartOfMs(NOW), 1) });
  for (const b of buckets) byDay.set(b.startTime, b.rows.reduce((s, r) => s + (r.values.amount ?? 0), 0));
  return byDay;
}

describe('CLI', () => {
  let server: FakeServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startFakeServer({ now: () => NOW });
    env = { OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: server.url };
  });
  after(() => server.close());

  it('summary --json reports the figures of the API, over real sockets', async () => {
    const run = await cli(['summary', '--json', '--days', '7'], env);
    assert.equal(run.code, 0, run.err.join('\n'));
    const s = JSON.parse(run.out) as Record<string, unknown> & { projects: { id: string; name: string; spend: number }[] };
    const daily = independentDailySpend();
    const today = dayStartOfMs(NOW);
    const near = (a: unknown, b: number): void => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-5, `${String(a)} ≈ ${b}`);
    near(s.today, daily.get(today) ?? NaN);
    near(s.yesterday, daily.get(addDays(today, -1)) ?? NaN);
    let mtd = 0;
    for (let d = monthStart(today); d <= today; d = addDays(d, 1)) mtd += daily.get(d) ?? 0;
    near(s.monthToDate, mtd);
    let range = 0;
    for (let i = 0; i < 7; i++) range += daily.get(addDays(today, -i)) ?? 0;
    near(s.rangeTotal, range);
    assert.equal(s.currency, 'usd');
    assert.equal(s.rangeDays, 7);
    assert.ok(typeof s.forecastMonthEnd === 'number' && s.forecastMonthEnd >= mtd);
    // every project with spend in the range, named from /organization/projects
    const org = createSampleOrg({ now: NOW });
    const projectSum = s.projects.reduce((a, p) => a + p.spend, 0);
    near(projectSum, range);
    for (const p of s.projects) {
      assert.ok(p.spend > 0);
      assert.equal(p.name, org.projectList.find((x) => x.id === p.id)?.name ?? p.id);
    }
    assert.ok(server.requests.some((r) => r.path.endsWith('/organization/projects')));
  });

  it('summary prints a readable table', async () => {
    const run = await cli(['summary', '--days', '30'], env);
    assert.equal(run.code, 0);
    assert.match(run.out, /Today \(UTC\)\s+\$[\d,]+\.\d\d/);
    assert.match(run.out, /Month-end forecast \(estimate\)/);
    assert.match(run.out, /Support Assistant/);
  });

  it('costs --csv has a row per day and a header', async () => {
    const run = await cli(['costs', '--days', '3', '--csv'], env);
    assert.equal(run.code, 0, run.err.join('\n'));
    const lines = run.out.trim().split(/\r?\n/);
    assert.equal(lines[0], 'start,amount_usd,quantity');
    assert.equal(lines.length, 4);
  });

  it('usage <endpoint> honours --group-by, --model and --bucket', async () => {
    const run = await cli(['usage', 'completions', '--days', '1', '--bucket', '1h', '--group-by', 'model', '--model', 'gpt-4o', '--json'], env);
    assert.equal(run.code, 0, run.err.join('\n'));
    const body = JSON.parse(run.out) as { bucketWidth: string; buckets: { results: { model?: string }[] }[] };
    assert.equal(body.bucketWidth, '1h');
    assert.equal(body.buckets.length, 16, 'hours 00..15 of today');
    const models = new Set(body.buckets.flatMap((b) => b.results.map((r) => r.model)));
    assert.deepEqual([...models], ['gpt-4o']);
    const q = server.requests.filter((r) => r.path.endsWith('/usage/completions')).at(-1);
    assert.deepEqual(q?.query.models, ['gpt-4o']);
    assert.deepEqual(q?.query.bucket_width, ['1h']);
  });

  it('--sample needs no key', async () => {
    const run = await cli(['summary', '--sample', '--json'], {});
    assert.equal(run.code, 0);
    assert.equal((JSON.parse(run.out) as { sample: boolean }).sample, true);
  });

  const failures: [string, string[], Record<string, string | undefined> | 'env', RegExp][] = [
    ['no key', ['summary'], {}, /OPENAI_ADMIN_KEY/],
    ['a wrong key', ['summary'], 'env', /rejected the key/],
    ['a project key', ['summary'], 'env', /Admin key/],
    ['an http base URL', ['summary', '--base-url', 'http://example.com/v1'], 'env', /https/],
    ['an unknown command', ['spend'], {}, /Unknown command/],
    ['an unknown endpoint', ['usage', 'chat'], {}, /Unknown endpoint/],
    ['a group_by the endpoint lacks', ['usage', 'vector_stores', '--group-by', 'model', '--sample'], {}, /cannot group_by=model/],
    ['costs with a 1h bucket', ['costs', '--bucket', '1h', '--sample'], {}, /1d buckets only/],
    ['bad --days', ['summary', '--days', 'many'], {}, /--days/],
    ['summary with usage-only flags', ['summary', '--model', 'gpt-4o', '--sample'], {}, /summary does not take --model/],
    ['an http --base-url', ['summary', '--base-url', 'http://example.com/v1'], 'env', /fix --base-url or OPENAI_BASE_URL/],
  ];
  for (const [what, args, e, message] of failures) {
    it(`fails with one clear line for ${what}`, async () => {
      let runEnv = e === 'env' ? env : e;
      if (what === 'a wrong key') runEnv = { ...env, OPENAI_ADMIN_KEY: 'sk-admin-FAKE-wrong-0000' };
      if (what === 'a project key') runEnv = { ...env, OPENAI_ADMIN_KEY: FAKE_PROJECT_KEY };
      const run = await cli(args, runEnv);
      assert.equal(run.code, 1);
      assert.equal(run.err.length, 1);
      assert.match(run.err[0] ?? '', message);
      assert.doesNotMatch(run.err[0] ?? '', /\n|at .*\(.*:\d+:\d+\)/, 'no stack trace');
      assert.ok(!run.err[0]?.includes('test-wrong-key') && !run.err[0]?.includes(FAKE_PROJECT_KEY), 'never the key');
    });
  }

  it('the built bin exits 1 with one line on stderr, and prints the sample summary', async () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is built (npm run build)');
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, ['dist/cli.js', 'summary', '--sample']);
    assert.match(ok.stdout, /SAMPLE DATA/);
    await assert.rejects(exec(process.execPath, ['dist/cli.js', 'summary'], { env: { PATH: process.env.PATH ?? '' } }), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.equal(e.stderr.trim().split('\n').length, 1);
      return true;
    });
  });

  it('--base-url wins over OPENAI_BASE_URL', async () => {
    const run = await cli(['costs', '--days', '1', '--json', '--base-url', server.url], { OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: 'https://unreachable.invalid/v1' });
    assert.equal(run.code, 0, run.err.join('\n'));
  });

  it('--project filters the costs by project', async () => {
    const run = await cli(['costs', '--days', '2', '--json', '--group-by', 'project_id', '--project', 'proj_sample_support'], env);
    assert.equal(run.code, 0, run.err.join('\n'));
    const body = JSON.parse(run.out) as { buckets: { results: { project_id?: string }[] }[] };
    const ids = new Set(body.buckets.flatMap((b) => b.results.map((r) => r.project_id)));
    assert.deepEqual([...ids], ['proj_sample_support']);
    const q = server.requests.filter((r) => r.path.endsWith('/organization/costs')).at(-1);
    assert.deepEqual(q?.query.project_ids, ['proj_sample_support']);
  });

  it('never prints a key the server echoes back, whatever its shape', async () => {
    const odd = 'adminkey-without-the-usual-prefix-123456';
    const run = await cli(['summary'], { ...env, OPENAI_ADMIN_KEY: odd });
    assert.equal(run.code, 1);
    assert.match(run.err[0] ?? '', /rejected the key/);
    assert.ok(!run.err[0]?.includes(odd), run.err[0]);
  });

  describe('currencies, finite totals and names, over real sockets', () => {
    /** The tiny organisation with every cost row rewritten by `map`. */
    function tinyWith(map: (row: UsageRow) => UsageRow, projects = TINY_PROJECTS): FakeDataProvider {
      const tiny = createTinyOrg();
      return {
        projectList: projects,
        querySync: (q) => tiny.querySync(q).map((b) => (q.endpoint === 'costs' ? { ...b, rows: b.rows.map(map) } : b)),
      };
    }
    async function withServer(data: FakeDataProvider, run: (env: Record<string, string>) => Promise<void>): Promise<void> {
      const s = await startFakeServer({ data, now: () => NOW });
      try {
        await run({ OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: s.url });
      } finally {
        await s.close();
      }
    }

    it('summary --json totals each currency on its own, with byCurrency, and never adds them', async () => {
      // Beta's costs are in eur: Beta has the most spend after Old, so usd (Alpha + Old) leads.
      await withServer(tinyWith((r) => (r.dims.project_id === 'proj_beta' ? { ...r, currency: 'eur' } : r)), async (e) => {
        const run = await cli(['summary', '--json', '--days', '2'], e);
        assert.equal(run.code, 0, run.err.join('\n'));
        const s = JSON.parse(run.out) as { currency: string; currencyNote: string; today: number; rangeTotal: number; byCurrency: Record<string, { today: number; rangeTotal: number }>; projects: { id: string; spend: number; byCurrency: Record<string, number> }[] };
        assert.equal(s.currency, 'usd');
        assert.match(s.currencyNote, /most spend/);
        assert.deepEqual(Object.keys(s.byCurrency), ['usd', 'eur']);
        assert.equal(s.byCurrency.usd?.today, s.today);
        // tinyOrg: a project's daily amount is the sum of its atoms' weights / 100.
        const weights = (pi: number): number => [0, 1, 10, 11].reduce((t, w) => t + 1 + pi * 100 + w, 0) / 100;
        assert.ok(Math.abs((s.byCurrency.eur?.today ?? 0) - weights(1)) < 1e-6);
        assert.ok(Math.abs(s.today - (weights(0) + weights(2))) < 1e-6, 'usd today is Alpha + Old only');
        assert.ok(Math.abs(s.rangeTotal - 2 * (weights(0) + weights(2))) < 1e-6);
        assert.deepEqual(s.projects.find((p) => p.id === 'proj_beta')?.byCurrency, { eur: 2 * weights(1) });
        const table = await cli(['summary', '--days', '2'], e);
        assert.match(table.out, /Today \(UTC\)\s+\$[\d.]+ · [\d.]+ EUR/);
        assert.doesNotMatch(table.out, new RegExp(`\\$${(weights(0) + weights(1) + weights(2)).toFixed(2).replace('.', '\\.')}`), 'never the sum of both');
      });
    });

    it('two amounts of 1e308: exit 1 and one clear line, never "null"', async () => {
      await withServer(tinyWith((r) => ({ ...r, values: { ...r.values, amount: 1e308 } })), async (e) => {
        for (const args of [['summary', '--json'], ['summary'], ['costs', '--csv']]) {
          const run = await cli(args, e);
          assert.equal(run.code, 1, args.join(' '));
          assert.equal(run.out, '');
          assert.match(run.err[0] ?? '', /add up to more than a number can hold/);
        }
      });
    });

    it('costs grouped by project name each project, and the CSV defuses formulas in names', async () => {
      const projects = [{ id: 'proj_alpha', name: '=HYPERLINK("http://x","y")', status: 'active' }, ...TINY_PROJECTS.slice(1)];
      await withServer(tinyWith((r) => r, projects), async (e) => {
        const run = await cli(['costs', '--days', '1', '--group-by', 'project_id', '--csv'], e);
        assert.equal(run.code, 0, run.err.join('\n'));
        const lines = run.out.trim().split(/\r?\n/);
        assert.equal(lines[0], 'start,project,project_id,amount_usd,quantity');
        assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"",""y"")",proj_alpha`)), lines.join('\n'));
        assert.ok(lines.some((l) => l.includes(',Beta,proj_beta,')));
        const shown = await cli(['costs', '--days', '1', '--group-by', 'project_id'], e);
        assert.match(shown.out, /Old\s+proj_old/);
      });
    });
  });
});

// The built bin against the loopback fake: every failure is one line that names what a terminal
// user can change (OPENAI_ADMIN_KEY, --base-url / OPENAI_BASE_URL), never a VS Code command.
describe('CLI error lines (dist/cli.js)', () => {
  let server: FakeServer;
  const exec = promisify(execFile);
  before(async () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is built (npm run build)');
    server = await startFakeServer({ now: () => NOW });
  });
  after(() => server.close());

  async function bin(env: Record<string, string>): Promise<{ code: number; stderr: string; ms: number }> {
    const started = performance.now();
    try {
      await exec(process.execPath, ['dist/cli.js', 'summary', '--days', '2'], { env: { PATH: process.env.PATH ?? '', ...env } });
      return { code: 0, stderr: '', ms: performance.now() - started };
    } catch (e) {
      const { code, stderr } = e as { code: number; stderr: string };
      return { code, stderr, ms: performance.now() - started };
    }
  }

  function oneTerminalLine(stderr: string): string {
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, stderr);
    const line = lines[0] ?? '';
    assert.doesNotMatch(line, /Set Admin Key|OpenAI Usage:|openaiUsage\./, 'no VS Code command or setting in a terminal');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/, 'no control characters');
    return line;
  }

  it('a project key: names OPENAI_ADMIN_KEY and where admin keys are made', async () => {
    const run = await bin({ OPENAI_ADMIN_KEY: FAKE_PROJECT_KEY, OPENAI_BASE_URL: server.url });
    assert.equal(run.code, 1);
    const line = oneTerminalLine(run.stderr);
    assert.match(line, /OPENAI_ADMIN_KEY must be an Admin key/);
    assert.ok(line.includes(ADMIN_KEYS_URL), line);
    assert.ok(!line.includes(FAKE_PROJECT_KEY));
  });

  it('a wrong key the server echoes (upper-cased, without its prefix): names OPENAI_ADMIN_KEY, never the key', async () => {
    const wrong = 'sk-admin-FAKE-wrong-key-0000';
    server.faults.errorMessage = undefined;
    const run = await bin({ OPENAI_ADMIN_KEY: wrong, OPENAI_BASE_URL: server.url });
    const line = oneTerminalLine(run.stderr);
    assert.match(line, /rejected the key .*Set OPENAI_ADMIN_KEY/);
    assert.ok(!line.toLowerCase().includes('wrongkeyabc'), line);
  });

  it('a bad base URL: names --base-url / OPENAI_BASE_URL and never echoes its password', async () => {
    for (const url of ['http://user:hunter2pass@example.com/v1', 'https://user:hunter2pass@api.openai.com/v1', 'https://api.openai.com/v1?', 'not a url hunter2pass']) {
      const run = await bin({ OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: url });
      assert.equal(run.code, 1, url);
      const line = oneTerminalLine(run.stderr);
      assert.match(line, /--base-url or OPENAI_BASE_URL/, url);
      assert.ok(!line.includes('hunter2pass'), line);
    }
  });

  it('a server that is down: one clear line, within a bounded time (the default retries)', async () => {
    const down = await startFakeServer({ now: () => NOW });
    await down.close();
    const run = await bin({ OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: down.url });
    assert.equal(run.code, 1);
    const line = oneTerminalLine(run.stderr);
    assert.match(line, /Could not reach the API \(no answer from 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\)/);
    assert.match(line, /--base-url or OPENAI_BASE_URL/);
    assert.ok(run.ms < 10_000, `gave up after ${Math.round(run.ms)} ms`);
  });

  it('a key with a control character: "cannot be sent", not a network error', async () => {
    server.resetStats();
    const run = await bin({ OPENAI_ADMIN_KEY: 'sk-admin-test-fake\u0001-0000', OPENAI_BASE_URL: server.url });
    assert.equal(run.code, 1);
    const line = oneTerminalLine(run.stderr);
    assert.match(line, /OPENAI_ADMIN_KEY: the key contains characters that cannot be sent/);
    assert.equal(server.requests.length, 0, 'nothing was sent');
  });

  it('server text with escapes and line breaks reaches stderr as one clean line', async () => {
    Object.assign(server.faults, { serverError: 100, errorMessage: 'boom\u001b[31m red\r\nInjected: line\u0085\u202e' });
    try {
      const run = await bin({ OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY, OPENAI_BASE_URL: server.url });
      const line = oneTerminalLine(run.stderr);
      assert.match(line, /server error \(HTTP 500: boom \[31m red Injected: line\)/);
      assert.ok(!line.includes('\u202e'));
    } finally {
      Object.assign(server.faults, { serverError: 0, errorMessage: undefined });
    }
  });
});
