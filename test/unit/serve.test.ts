// The team server against the loopback fake API: token rules, read-only, no key on any page,
// /metrics content against the report, and the extension's loader unchanged over TeamServerSource.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { buildDistOnce } from './distCli';
import { after, before, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { CommandError } from '../../src/cli/common';
import { startTeamServer } from '../../src/cli/serve';
import type { TeamServer } from '../../src/cli/serve';
import { summarize } from '../../src/report/summary';
import { addDays, dayStartOfMs } from '../../src/shared/time';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { TeamServerSource } from '../../src/usage/teamSource';
import { startFakeServer, type FakeServer } from '../server/fakeServer';

const KEY = 'sk-admin-FAKE-serve-000';
const TOKEN = 'read-token-test-0123456789abcdef';
const NOW = Date.UTC(2026, 10, 18, 15, 30);

interface Got {
  status: number;
  body: string;
  type: string;
}

async function get(url: string, init: RequestInit = {}): Promise<Got> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** One sample's value from exposition text, by its exact label set. */
function sampleValue(text: string, name: string, labels: Record<string, string>): number[] {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

describe('serve', () => {
  const org = createSampleOrg({ now: NOW });
  let api: FakeServer;
  let open: TeamServer;
  let locked: TeamServer;
  const pages: string[] = [];
  const client = (): UsageClient => new UsageClient({ baseUrl: api.url, apiKey: KEY, now: () => NOW, retryBaseDelayMs: 1, retryMaxDelayMs: 2 });
  const scrub = (t: string): string => t.split(KEY).join('***');

  before(async () => {
    api = await startFakeServer({ data: org, adminKeys: [KEY], now: () => NOW });
    open = await startTeamServer({ source: client(), now: () => NOW, host: '127.0.0.1', port: 0, refreshSeconds: 3600, scrub });
    locked = await startTeamServer({ source: client(), now: () => NOW, host: '127.0.0.1', port: 0, refreshSeconds: 3600, token: TOKEN, scrub });
    await Promise.all([open.refresh(), locked.refresh()]);
  });
  after(async () => {
    await open?.close();
    await locked?.close();
    await api?.close();
    for (const p of pages) assert.ok(!p.includes(KEY), 'the admin key is on a page');
  });

  const fetchOpen = async (path: string, init?: RequestInit): Promise<Got> => {
    const got = await get(open.url + path, init);
    pages.push(got.body);
    return got;
  };

  it('/metrics: spend by period and project as the report computes it', async () => {
    const m = await fetchOpen('/metrics');
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    const s = summarize(await loadSnapshot(client(), { nowMs: NOW, rangeDays: 31 }), { nowMs: NOW, rangeDays: 31 });
    const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
    assert.ok(Math.abs(sum(sampleValue(m.body, 'openai_usage_insight_spend', { period: 'month_to_date', currency: 'usd' })) - s.monthToDate) < 1e-6);
    assert.ok(Math.abs(sum(sampleValue(m.body, 'openai_usage_insight_spend', { period: 'today' })) - s.today) < 1e-6);
    assert.ok(Math.abs(sum(sampleValue(m.body, 'openai_usage_insight_spend', { period: 'yesterday' })) - s.yesterday) < 1e-6);
    const support = s.topProjectsToday.find((p) => p.name === 'Support Assistant');
    assert.ok(support);
    assert.deepEqual(sampleValue(m.body, 'openai_usage_insight_spend', { period: 'today', project_id: support.id, project_name: 'Support Assistant' }), [support.spend]);
    // Requests today over every project and model: the report's, over today's range.
    const today = summarize(await loadSnapshot(client(), { nowMs: NOW, rangeDays: 1 }), { nowMs: NOW, rangeDays: 1 });
    assert.equal(sum(sampleValue(m.body, 'openai_usage_insight_requests', { period: 'today' })), today.models.reduce((a, x) => a + x.requests, 0));
    assert.equal(sum(sampleValue(m.body, 'openai_usage_insight_tokens', { period: 'today', type: 'input' })), today.tokens.input);
    assert.match(m.body, /^openai_usage_insight_refresh_errors_total 0$/m);
    assert.match(m.body, /^openai_usage_insight_last_refresh_success 1$/m);
    assert.match(m.body, new RegExp(`^openai_usage_insight_last_refresh_success_timestamp_seconds ${NOW / 1000}$`, 'm'));
  });

  it('is read-only and refuses what it does not serve', async () => {
    assert.equal((await fetchOpen('/metrics', { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await fetchOpen('/v1/query', { method: 'DELETE' })).status, 405);
    assert.equal((await fetchOpen('/nope')).status, 404);
    const start = addDays(dayStartOfMs(NOW), -3);
    assert.equal((await fetchOpen(`/v1/query?endpoint=costs&start_time=${start}&bucket_width=1h`)).status, 400);
    assert.equal((await fetchOpen(`/v1/query?endpoint=costs&start_time=${start}&page=abc`)).status, 400);
    assert.equal((await fetchOpen(`/v1/query?endpoint=completions&start_time=${start - 40 * 86_400}&bucket_width=1h`)).status, 400);
    assert.equal((await fetchOpen(`/v1/query?endpoint=costs&start_time=${start}&group_by=model`)).status, 400);
  });

  it('answers loopback names only on a loopback address', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(open.url);
      const req = request({ host: u.hostname, port: u.port, path: '/metrics', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  it('with a read token: 401 without it or with a wrong one, 200 with it', async () => {
    assert.equal((await get(`${locked.url}/metrics`)).status, 401);
    assert.equal((await get(`${locked.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcd' } })).status, 401);
    assert.equal((await get(`${locked.url}/v1/projects`, { headers: { authorization: `Basic ${TOKEN}` } })).status, 401);
    const ok = await get(`${locked.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    pages.push(ok.body);
    assert.equal((await get(`${locked.url}/healthz`)).status, 200);
  });

  it('needs a read token to listen beyond loopback', async () => {
    await assert.rejects(startTeamServer({ source: client(), now: () => NOW, host: '0.0.0.0', port: 0, refreshSeconds: 3600, scrub }), CommandError);
    const wide = await startTeamServer({ source: client(), now: () => NOW, host: '0.0.0.0', port: 0, refreshSeconds: 3600, token: TOKEN, scrub });
    try {
      const port = new URL(wide.url).port;
      assert.equal((await get(`http://127.0.0.1:${port}/metrics`)).status, 401);
      assert.equal((await get(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    } finally {
      await wide.close();
    }
  });

  it('the extension’s loader works unchanged over TeamServerSource, with only the read token', async () => {
    const viaTeam = await loadSnapshot(new TeamServerSource({ serverUrl: locked.url, token: TOKEN }), { nowMs: NOW, rangeDays: 30 });
    const direct = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30 });
    assert.deepEqual(viaTeam.projects, direct.projects);
    assert.deepEqual(viaTeam.costs, direct.costs);
    assert.deepEqual(viaTeam.usage, direct.usage);
    await assert.rejects(loadSnapshot(new TeamServerSource({ serverUrl: locked.url, token: 'wrong-token-0123456789abcd' }), { nowMs: NOW, rangeDays: 7 }), (e: Error) => e.name === 'ApiError' && (e as Error & { code?: string }).code === 'auth');
  });

  it('counts a failed refresh and keeps serving the last good data, without the key', async () => {
    api.faults.serverError = 100;
    await open.refresh();
    api.faults.serverError = 0;
    const m = await fetchOpen('/metrics');
    assert.match(m.body, /^openai_usage_insight_refresh_errors_total 1$/m);
    assert.match(m.body, /^openai_usage_insight_last_refresh_success 0$/m);
    assert.ok(sampleValue(m.body, 'openai_usage_insight_spend', { period: 'month_to_date' }).length > 0);
    const status = await fetchOpen('/v1/status');
    assert.match(status.body, /"lastError":"[^"]+"/);
  });

  it('`serve` from dist/cli.js: prints its URL, serves /metrics, stops on SIGTERM, never prints the key', async () => {
    await buildDistOnce();
    // dist/cli.js runs on the real clock: an API whose sample organisation does too.
    const live = await startFakeServer({ adminKeys: [KEY] });
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--refresh', '60'], {
      env: { PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: KEY, OPENAI_BASE_URL: live.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 15_000;
      while (!/Serving on (\S+)/.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const url = /Serving on (http:\/\/\S+?) /.exec(out)?.[1];
      assert.ok(url, out + err);
      let metrics = '';
      while (!metrics.includes('openai_usage_insight_spend{') && Date.now() < until) {
        metrics = (await get(`${url}/metrics`)).body;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(metrics, /openai_usage_insight_spend\{period="month_to_date"/);
      pages.push(metrics);
    } finally {
      child.kill('SIGTERM');
      await live.close();
    }
    assert.equal(await exited, 0);
    assert.ok(!out.includes(KEY) && !err.includes(KEY));
  });
});
