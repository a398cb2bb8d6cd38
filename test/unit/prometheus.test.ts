// A real Prometheus (Debian's, installed by scripts/prometheus/setup.mjs when missing) scrapes the
// team server, itself backed by the loopback fake API; a PromQL query over Prometheus' HTTP API
// returns the spend the report computes. Bounded: gives up after 40 s; Prometheus is stopped after.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensurePrometheus } from '../../scripts/prometheus/setup.mjs';
import { UsageClient } from '../../src/api/client';
import { startTeamServer } from '../../src/cli/serve';
import type { TeamServer } from '../../src/cli/serve';
import { summarize } from '../../src/report/summary';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { startFakeServer, type FakeServer } from '../server/fakeServer';

const KEY = 'sk-admin-FAKE-prom-000';
const TOKEN = 'prometheus-read-token-0123456789';
const NOW = Date.UTC(2026, 10, 18, 15, 30);
const DEADLINE_MS = 40_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scrapes the team server', { timeout: 90_000 }, () => {
  let api: FakeServer;
  let team: TeamServer;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let dir = '';
  let promLog = '';
  const client = (): UsageClient => new UsageClient({ baseUrl: api.url, apiKey: KEY, now: () => NOW });

  before(async () => {
    const bin = ensurePrometheus(true);
    api = await startFakeServer({ data: createSampleOrg({ now: NOW }), adminKeys: [KEY], now: () => NOW });
    team = await startTeamServer({ source: client(), now: () => NOW, host: '127.0.0.1', port: 0, refreshSeconds: 3600, token: TOKEN, scrub: (t) => t });
    await team.refresh();
    dir = mkdtempSync(path.join(tmpdir(), 'oui-prometheus-'));
    const target = new URL(team.url).host;
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: openai_usage_insight',
        '    authorization:',
        '      type: Bearer',
        `      credentials: ${TOKEN}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(bin, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prometheus.stderr?.on('data', (c: Buffer) => (promLog += c.toString()));
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await team?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Polls an instant PromQL query until it has a result (or the deadline passes). */
  const query = async (promql: string): Promise<VectorResult[]> => {
    const until = Date.now() + DEADLINE_MS;
    for (;;) {
      try {
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
        if (res.ok) {
          const body = (await res.json()) as { status: string; data: { result: VectorResult[] } };
          if (body.status === 'success' && body.data.result.length > 0) return body.data.result;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > until) throw new Error(`no result for ${promql} within ${DEADLINE_MS} ms; prometheus said:\n${promLog.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('sum of month-to-date spend in PromQL is the report’s month to date', async () => {
    const s = summarize(await loadSnapshot(client(), { nowMs: NOW, rangeDays: 31 }), { nowMs: NOW, rangeDays: 31 });
    const [mtd] = await query('sum(openai_usage_insight_spend{period="month_to_date",currency="usd"})');
    assert.ok(mtd);
    assert.ok(Math.abs(Number(mtd.value[1]) - s.monthToDate) < 1e-6, `${mtd.value[1]} vs ${s.monthToDate}`);

    const byProject = await query('sum by (project_name) (openai_usage_insight_spend{period="today"})');
    for (const p of s.topProjectsToday) {
      const row = byProject.find((r) => r.metric.project_name === p.name);
      assert.ok(row, p.name);
      assert.ok(Math.abs(Number(row.value[1]) - p.spend) < 1e-6, p.name);
    }
    const [up] = await query('up{job="openai_usage_insight"}');
    assert.equal(up?.value[1], '1');
  });

  it('every query of docs/grafana-dashboard.json is valid PromQL with data', async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        // As Grafana sends it with "All" projects chosen.
        const expr = target.expr.replace(/\$project/g, '.*');
        const result = await query(expr);
        assert.ok(result.length > 0, `${panel.title}: ${expr}`);
      }
    }
  });
});
