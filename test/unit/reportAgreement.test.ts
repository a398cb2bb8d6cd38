// Issue 7: the same data shows the same figures on every surface. One data set at a time — the
// sample organisation, and the fake server's tiny organisation loaded through the real client and
// loader over loopback — goes to every surface's adapter: the status bar text and tooltip, the
// tree rows, the dashboard's overview message, the export (CSV and JSON) and the built CLI's
// `summary --json`, run as a child process. They must agree on spend to the cent and on tokens and
// requests to the unit; and tokens must be the sum of `input_tokens` (no breakdown added).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { UsageClient } from '../../src/api/client';
import { ENDPOINTS, REQUEST_ENDPOINT_IDS, TOKEN_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { UsageQuery } from '../../src/shared/endpoints';
import { fetchOverview } from '../../src/queries/fetch';
import { snapshotOverviewExport } from '../../src/report/export';
import { toCsv, toJson } from '../../src/report/exportFormat';
import { formatMoney } from '../../src/shared/format';
import type { OverviewData } from '../../src/shared/protocol';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { defaultUiState } from '../../src/shared/uiState';
import { rangeForDays } from '../../src/shared/time';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { deriveViews } from '../../src/views/derive';
import { renderStatus } from '../../src/views/statusText';
import { treeChildren, treeItemText } from '../../src/views/treeText';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { createTinyOrg, tinyMetricTotal } from '../server/tinyOrg';

const exec = promisify(execFile);
const repo = join(__dirname, '..', '..');
const CLI = join(repo, 'dist', 'cli.js');
const DAYS = 30;

/** The newest modification time under a folder (the sources the CLI bundle is built from). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

interface CliSummary {
  currency: string;
  today: number;
  yesterday: number;
  monthToDate: number;
  rangeTotal: number;
  forecastMonthEnd: number;
  tokens: { input: number; output: number; cached: number };
  requests: number;
  projects: { id: string; name: string; spend: number }[];
  todayEstimate: { billed: number; unbilledEstimate: number; total: number; basis: string } | null;
}

/** The figures one surface shows (only those it shows), in a form the others can be compared with. */
interface Figures {
  today?: string;
  monthToDate?: string;
  rangeTotal?: string;
  inputTokens?: number;
  outputTokens?: number;
  requests?: number;
  /** Each project's spend as shown, by project ID. */
  projects?: Record<string, string>;
  /** Today's estimated total (billed + not yet billed), where a surface shows it. */
  todayEstimate?: string;
}

const usd = (v: number): string => formatMoney(v, 'usd');
/** The tooltip's Markdown read as text: escapes removed. */
const unescape = (md: string): string => md.replace(/\\(.)/g, '$1');

/**
 * Runs the built CLI and builds the same snapshot here within one UTC minute (the sample's data
 * moves by the minute), trying again when a minute boundary fell in between.
 */
async function sameMinute(args: string[], env: Record<string, string>, snapshotAt: (nowMs: number) => Promise<UsageSnapshot>): Promise<{ cli: CliSummary; snapshot: UsageSnapshot; nowMs: number }> {
  for (let attempt = 0; ; attempt++) {
    const t0 = Date.now();
    const { stdout } = await exec(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    const snapshot = await snapshotAt(t0);
    if (Math.floor(Date.now() / 60_000) === Math.floor(t0 / 60_000) || attempt >= 3) {
      return { cli: JSON.parse(stdout) as CliSummary, snapshot, nowMs: t0 };
    }
  }
}

function surfaces(snapshot: UsageSnapshot, nowMs: number, overview: OverviewData): Record<string, Figures> {
  const views = deriveViews(snapshot, nowMs, DAYS);

  // Status bar: its text is today's spend; the tooltip has today and month to date.
  const status = renderStatus({ mode: snapshot.source, snapshot, loading: false, error: undefined, staleSince: undefined }, views.status, {
    show: 'today',
    monthlyBudget: 0,
    budgetWarningPercent: 80,
    formatMoney,
    formatTime: (ms) => new Date(ms).toISOString(),
  });
  const tooltip = unescape(status.tooltip);
  const row = (label: string): string => new RegExp(`\\| ${label} \\| ([^|]+) \\|`).exec(tooltip)?.[1]?.trim() ?? `no ${label} row`;

  // Tree: project rows carry spend; model rows' tooltips the exact token and request counts.
  let inputTokens = 0;
  let outputTokens = 0;
  let requests = 0;
  const projects: Record<string, string> = {};
  for (const project of treeChildren(views.tree)) {
    if (project.kind !== 'project') continue;
    const p = treeItemText(project, DAYS);
    if (project.project.spend !== 0) projects[project.project.id] = p.description ?? '';
    for (const child of treeChildren(views.tree, project)) {
      if (child.kind !== 'model') continue;
      const text = unescape(treeItemText(child, DAYS).tooltip ?? '');
      const count = (label: string): number => Number(new RegExp(`${label}: ([\\d,]+)`).exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
      inputTokens += count('Input tokens');
      outputTokens += count('Output tokens');
      requests += count('Requests');
    }
  }
  const statusText = status.text.replace(/^\$\([^)]+\) /, '').replace(/ \(sample\)$/, '');
  // "$12.34 · ≈$15.80": the billed figure, then the estimate (always marked ≈).
  const [billedText = '', estimateText] = statusText.split(' · ≈');
  const estimateRow = /\| Today, estimated \(billed \+ not yet billed\) \| ≈([^ |]+)/.exec(tooltip)?.[1];

  // Export of the same view, CSV and JSON.
  const content = snapshotOverviewExport(snapshot, defaultUiState(DAYS), nowMs, 0);
  const csv = toCsv(content.table).trim().split('\r\n');
  const amountColumn = csv[0]?.split(',').indexOf('Cost (USD)') ?? -1;
  const csvTotal = csv.slice(1).reduce((s, line) => s + Number(line.split(',')[amountColumn]), 0);
  const json = JSON.parse(toJson(content.meta, content.table)) as { cards: OverviewData['cards']; rows: { amount: number }[] };

  return {
    statusBar: { today: billedText, ...(estimateText ? { todayEstimate: estimateText } : {}) },
    ...(estimateRow ? { statusTooltipEstimate: { todayEstimate: estimateRow } } : {}),
    statusTooltip: { today: row('Today \\(UTC day, provisional\\)'), monthToDate: row('Month to date') },
    tree: { rangeTotal: usd(views.tree.projects.reduce((s, p) => s + p.spend, 0)), inputTokens, outputTokens, requests, projects },
    dashboard: {
      today: usd(overview.cards.today),
      monthToDate: usd(overview.cards.monthToDate),
      rangeTotal: usd(overview.cards.rangeSpend),
      inputTokens: overview.cards.inputTokens,
      outputTokens: overview.cards.outputTokens,
      requests: overview.cards.requests,
    },
    exportJson: {
      today: usd(json.cards.today),
      monthToDate: usd(json.cards.monthToDate),
      rangeTotal: usd(json.rows.reduce((s, r) => s + r.amount, 0)),
      inputTokens: json.cards.inputTokens,
      outputTokens: json.cards.outputTokens,
      requests: json.cards.requests,
    },
    exportCsv: { rangeTotal: usd(csvTotal) },
  };
}

function cliFigures(cli: CliSummary): Figures {
  return {
    today: usd(cli.today),
    monthToDate: usd(cli.monthToDate),
    rangeTotal: usd(cli.rangeTotal),
    inputTokens: cli.tokens.input,
    outputTokens: cli.tokens.output,
    requests: cli.requests,
    projects: Object.fromEntries(cli.projects.map((p) => [p.id, usd(p.spend)])),
    ...(cli.todayEstimate ? { todayEstimate: usd(cli.todayEstimate.total) } : {}),
  };
}

function assertAgree(cli: CliSummary, all: Record<string, Figures>): void {
  const expected = cliFigures(cli);
  for (const [surface, figures] of Object.entries(all)) {
    const shown = Object.keys(figures) as (keyof Figures)[];
    assert.ok(shown.length > 0, surface);
    assert.deepEqual(figures, Object.fromEntries(shown.map((k) => [k, expected[k]])), `${surface} agrees with the CLI`);
  }
}

describe('every surface shows the same figures (issue 7)', () => {
  before(async () => {
    // The test runs the built CLI: build it when missing or older than the sources.
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(repo, 'src'))) {
      await exec(process.execPath, ['esbuild.mjs'], { cwd: repo });
    }
  });

  it('the sample organisation: status bar, tree, dashboard, export and CLI agree', async () => {
    const { cli, snapshot, nowMs } = await sameMinute(['summary', '--json', '--sample'], {}, (now) => loadSnapshot(createSampleOrg({ now }), { nowMs: now, rangeDays: DAYS }));
    const overview = await fetchOverview({ ui: defaultUiState(DAYS), snapshot, source: async () => undefined, nowMs, budget: 0 });
    assertAgree(cli, surfaces(snapshot, nowMs, overview));

    // And they are right: tokens are the sum of input_tokens / output_tokens, straight from the org.
    const org = createSampleOrg({ now: nowMs });
    const range = rangeForDays(nowMs, DAYS);
    const sum = (q: UsageQuery, metric: string): number => org.querySync(q).reduce((s, b) => s + b.rows.reduce((t, r) => t + (r.values[metric] ?? 0), 0), 0);
    const r = { startTime: range.start, endTime: range.end };
    assert.equal(cli.tokens.input, TOKEN_ENDPOINT_IDS.reduce((s, endpoint) => s + sum({ endpoint, ...r }, 'input_tokens'), 0));
    assert.equal(cli.tokens.output, TOKEN_ENDPOINT_IDS.reduce((s, endpoint) => s + sum({ endpoint, ...r }, 'output_tokens'), 0));
    assert.equal(cli.requests, REQUEST_ENDPOINT_IDS.reduce((s, endpoint) => s + sum({ endpoint, ...r }, 'num_model_requests'), 0));
    assert.ok(sum({ endpoint: 'completions', ...r }, 'input_audio_tokens') > 0, 'the sample has audio tokens that must not be added');
    assert.equal(usd(cli.rangeTotal), usd(sum({ endpoint: 'costs', ...r }, 'amount')));
  });

  describe('the fake server organisation, over loopback', () => {
    let server: FakeServer;
    before(async () => {
      server = await startFakeServer({ data: createTinyOrg() });
    });
    after(() => server.close());

    it('status bar, tree, dashboard, export and CLI agree, and match the hand-computed totals', async () => {
      const client = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY });
      const { cli, snapshot, nowMs } = await sameMinute(['summary', '--json', '--base-url', server.url], { OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY }, (now) =>
        loadSnapshot(client, { nowMs: now, rangeDays: DAYS }),
      );
      const overview = await fetchOverview({ ui: defaultUiState(DAYS), snapshot, source: async () => undefined, nowMs, budget: 0 });
      assertAgree(cli, surfaces(snapshot, nowMs, overview));

      // tinyOrg: every metric of an atom is weight × a fixed factor per metric, on every day
      // (tinyMetricTotal). Completions carry input_audio_tokens as a part of input_tokens.
      assert.equal(cli.tokens.input, DAYS * TOKEN_ENDPOINT_IDS.reduce((s, e) => s + tinyMetricTotal(e, 'input_tokens'), 0));
      assert.equal(cli.tokens.output, DAYS * tinyMetricTotal('completions', 'output_tokens'));
      assert.ok(tinyMetricTotal('completions', 'input_audio_tokens') > 0, 'audio input is there, and not added');
      // Requests of every endpoint that has its own (web search's are completions that searched).
      assert.equal(cli.requests, DAYS * REQUEST_ENDPOINT_IDS.reduce((s, e) => s + (ENDPOINTS[e].metrics.includes('num_model_requests') ? tinyMetricTotal(e, 'num_model_requests') : 0), 0));
      assert.equal(cli.currency, 'usd');
      assert.deepEqual(
        cli.projects.map((p) => p.name),
        ['Old', 'Beta', 'Alpha'],
        'projects by name, most spend first',
      );
    });
  });
});
