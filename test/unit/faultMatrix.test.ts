// Issue 8, the fault matrix: every way the API can misbehave, through (a) the built CLI
// (`dist/cli.js summary`: exit code, exactly one stderr line, no stack trace, never the key) and
// (b) the extension's model (UsageModel over a real client on loopback: the last good data kept and
// marked stale, or a partial refresh). One loopback fake server per case, so cases run side by side.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { UsageClient } from '../../src/api/client';
import type { ErrorCode } from '../../src/shared/errorCode';
import { UsageModel } from '../../src/model';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { loadSnapshot } from '../../src/usage/loader';
import { describeError } from '../../src/userText';
import { FAKE_ADMIN_KEY, FAKE_PROJECT_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { buildDistOnce } from './distCli';

/** The model's key: accepted at first, then (for the key faults) taken for the project key it is. */
const MODEL_KEY = 'sk-proj-FAKE-model-000';
const IMAGES = '/organization/usage/images';
const DEADLINE_MS = 1500;

type Outcome = { readonly kind: 'fails'; readonly code: ErrorCode | 'any'; readonly cli: RegExp } | { readonly kind: 'complete' } | { readonly kind: 'partial' };

interface FaultCase {
  readonly name: string;
  /** Switches the fault on (after a good first refresh, for the model). */
  readonly apply: (s: FakeServer) => void | Promise<void>;
  /** The CLI's key (default: the fake admin key). */
  readonly cliKey?: string;
  /** A short overall deadline for the CLI and per-attempt timeout for the model (the never-answering server). */
  readonly short?: boolean;
  readonly outcome: Outcome;
}

const fails = (code: ErrorCode | 'any', cli: RegExp): Outcome => ({ kind: 'fails', code, cli });

const CASES: readonly FaultCase[] = [
  {
    name: '401 for a project key',
    apply: (s) => {
      s.faults.projectKeyStatus = 401;
      s.setKeys(FAKE_ADMIN_KEY);
    },
    cliKey: FAKE_PROJECT_KEY,
    outcome: fails('permission', /admin key/i),
  },
  {
    name: '403 for a project key',
    apply: (s) => {
      s.faults.projectKeyStatus = 403;
      s.setKeys(FAKE_ADMIN_KEY);
    },
    cliKey: FAKE_PROJECT_KEY,
    outcome: fails('permission', /admin key/i),
  },
  { name: '429 storm', apply: (s) => void (s.faults.rateLimit = 1_000_000), outcome: fails('rate_limit', /rate|limit|too many/i) },
  { name: '500 storm', apply: (s) => void (s.faults.serverError = 1_000_000), outcome: fails('server', /server|500/i) },
  { name: 'one request in three answered 500', apply: (s) => void (s.faults.serverErrorEvery = 3), outcome: { kind: 'complete' } },
  { name: 'redirect', apply: (s) => void (s.faults.redirectTo = 'http://127.0.0.1:9/steal'), outcome: fails('redirect', /redirect/i) },
  { name: 'huge body', apply: (s) => void (s.faults.hugeBodyBytes = 33 * 1024 * 1024), outcome: fails('body_too_large', /too large|bytes|size/i) },
  { name: 'malformed JSON', apply: (s) => void (s.faults.malformedJson = true), outcome: fails('response_shape', /unexpected|JSON|answer/i) },
  { name: 'duplicate bucket', apply: (s) => void (s.faults.duplicateBucket = true), outcome: fails('response_shape', /twice|duplicate|answer/i) },
  { name: 'cursor cycle', apply: (s) => void (s.faults.cursorCycle = true), outcome: fails('response_shape', /cursor|page|answer/i) },
  { name: 'has_more without a cursor', apply: (s) => void (s.faults.moreWithoutCursor = true), outcome: fails('response_shape', /cursor|page|answer/i) },
  { name: 'bad currency', apply: (s) => void (s.faults.currency = 'USD'), outcome: fails('response_shape', /currency|answer/i) },
  {
    name: '1e308 amounts',
    apply: (s) => {
      // One bad number per page, one bucket per page: the sums overflow.
      s.faults.badNumber = '1e308';
      s.faults.pageSize = 1;
    },
    outcome: fails('any', /number|finite|total|large/i),
  },
  { name: 'endless cursors', apply: (s) => void (s.faults.endlessCursors = true), outcome: fails('response_shape', /page|cursor|answer/i) },
  { name: 'one endpoint failing', apply: (s) => void (s.faults.failPaths = [IMAGES]), outcome: { kind: 'partial' } },
  { name: 'server down', apply: (s) => s.down(), outcome: fails('network', /reach|answer|connect|network/i) },
  { name: 'server never answers', apply: (s) => void (s.faults.neverAnswer = true), short: true, outcome: fails('timeout', /within 1\.5 s|timed out/i) },
];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const exec = promisify(execFile);

async function cli(server: FakeServer, key: string, short: boolean, ...args: string[]): Promise<Run> {
  const started = performance.now();
  const env = { PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: key, OPENAI_BASE_URL: server.url, ...(short ? { OPENAI_USAGE_INSIGHT_DEADLINE_MS: String(DEADLINE_MS) } : {}) };
  try {
    const { stdout, stderr } = await exec(process.execPath, ['dist/cli.js', 'summary', '--days', '7', ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr, ms: performance.now() - started };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr, ms: performance.now() - started };
  }
}

/** The figures of `summary --json` that do not move with the clock (today's sample spend grows by the minute). */
function settled(json: string): unknown {
  const s = JSON.parse(json) as Record<string, unknown>;
  return { yesterday: s.yesterday, rangeStart: s.rangeStart, currency: s.currency, projects: (s.projects as { id: string }[]).map((p) => p.id) };
}

// A few at a time: each case starts a CLI process and a fake server, on a shared machine.
describe('fault matrix (a): dist/cli.js summary', { concurrency: 4 }, () => {
  before(async () => {
    await buildDistOnce();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const server = await startFakeServer();
      try {
        const clean = c.outcome.kind === 'fails' ? undefined : await cli(server, FAKE_ADMIN_KEY, false, '--json');
        await c.apply(server);
        const key = c.cliKey ?? FAKE_ADMIN_KEY;
        const run = await cli(server, key, c.short === true, '--json');
        const all = `${run.stdout}\n${run.stderr}`;
        assert.ok(!all.includes(key) && !all.toLowerCase().includes('not-a-key') && !all.includes('fake-0000'), 'never the key');
        assert.doesNotMatch(run.stderr, /\n\s+at |Error:|node:internal/, 'no stack trace');
        const lines = run.stderr.trimEnd().split('\n').filter((l) => l !== '');
        // eslint-disable-next-line no-control-regex
        for (const l of lines) assert.doesNotMatch(l, /[\u0000-\u001f\u007f-\u009f]/);
        if (c.outcome.kind === 'fails') {
          assert.equal(run.code, 1, all);
          assert.equal(lines.length, 1, run.stderr);
          assert.match(lines[0] ?? '', /^openai-usage-insight: /);
          assert.match(lines[0] ?? '', c.outcome.cli);
          assert.equal(run.stdout, '');
          assert.ok(run.ms < 30_000, `bounded: ${Math.round(run.ms)} ms`);
        } else {
          assert.equal(run.code, 0, all);
          assert.equal(clean?.code, 0, clean?.stderr);
          assert.deepEqual(settled(run.stdout), settled(clean?.stdout ?? '{}'));
          if (c.outcome.kind === 'complete') assert.equal(lines.length, 0, run.stderr);
          else {
            assert.equal(lines.length, 1, run.stderr);
            assert.match(lines[0] ?? '', /^openai-usage-insight: note: spend is complete, but usage could not be read for images \(HTTP 500/);
          }
        }
        if (c.short) assert.ok(run.ms < DEADLINE_MS + 8_000, `the deadline holds: ${Math.round(run.ms)} ms`);
      } finally {
        await server.close();
      }
    });
  }
});

describe('fault matrix (b): the model over a real client', () => {
  let server: FakeServer | undefined;
  after(() => server?.close());

  for (const c of CASES) {
    it(c.name, async () => {
      server = await startFakeServer();
      server.setKeys(FAKE_ADMIN_KEY, MODEL_KEY);
      const logs: string[] = [];
      const client = new UsageClient({ baseUrl: server.url, apiKey: MODEL_KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, timeoutMs: c.short ? 300 : 20_000 });
      const model = new UsageModel({
        createSource: async () => client,
        load: (source, o) => loadSnapshot(source, o),
        readStored: async () => undefined,
        writeStored: async () => undefined,
        clearStored: async () => undefined,
        rangeDays: () => 7,
        now: () => Date.now(),
        describeError: (e) => describeError(e),
        log: (level, message) => logs.push(`${level} ${message}`),
      });
      try {
        await model.setMode('api', 'matrix');
        await model.refresh();
        const good = model.state.snapshot as UsageSnapshot;
        assert.ok(good, model.state.error?.message);
        await c.apply(server);
        await model.refresh();
        const s = model.state;
        assert.ok(!logs.join('\n').includes('not-a-key'), 'never the key in a log line');
        if (c.outcome.kind === 'fails') {
          assert.equal(s.snapshot, good, 'the last good data is kept');
          assert.ok(s.staleSince !== undefined, 'and marked stale');
          assert.ok(s.error, 'with the error');
          if (c.outcome.code !== 'any') assert.equal(s.error.kind, c.outcome.code, s.error.message);
          assert.doesNotMatch(s.error.message, /\n|not-a-key/);
        } else {
          assert.equal(s.error, undefined, s.error?.message);
          assert.equal(s.staleSince, undefined);
          assert.notEqual(s.snapshot, good, 'fresh data');
          assert.deepEqual(s.snapshot?.projects, good.projects);
          if (c.outcome.kind === 'complete') assert.equal(s.snapshot?.partial, undefined);
          else {
            assert.deepEqual(s.snapshot?.partial?.map((p) => p.endpoint), ['images']);
            assert.deepEqual(s.snapshot?.usage.images, good.usage.images, 'the failed endpoint keeps its last good buckets');
          }
        }
      } finally {
        model.dispose();
        await server.close();
        server = undefined;
      }
    });
  }
});
