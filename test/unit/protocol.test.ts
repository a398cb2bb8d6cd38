// The dashboard protocol (src/protocol.ts): every valid message in both directions is accepted,
// malformed ones are rejected, and the schemas parse without ever generating code (the webview's
// CSP has no 'unsafe-eval').
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as vm from 'node:vm';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { ALLOWED_COMMANDS, HostMessageSchema, parseHostMessage, parseWebviewMessage, TAB_IDS, todayIso, WebviewMessageSchema } from '../../src/shared/protocol';
import type { HostMessage, OverviewData, Status, UiState, WebviewMessage } from '../../src/shared/protocol';

const ui: UiState = {
  version: 1,
  tab: 'completions',
  range: { kind: 'preset', days: 30 },
  projectIds: ['proj_a'],
  overview: { stackBy: 'project', sort: { column: 'amount', direction: 'descending' } },
  tabs: {
    completions: {
      width: '1h',
      groupBy: 'model',
      metric: 'input_tokens',
      filters: { userIds: [], apiKeyIds: ['key_1'], models: ['gpt-4o'], sources: [], sizes: [], batch: 'true' },
      sort: { column: 'start', direction: 'ascending' },
    },
    costs: {
      width: '1d',
      groupBy: 'none',
      metric: 'amount',
      // Saved by a build before the 2026 filters: no vectorStoreIds or contextLevels.
      filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any' },
    },
    file_search_calls: {
      width: '1d',
      groupBy: 'vector_store_id',
      metric: 'num_requests',
      filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any', vectorStoreIds: ['vs_1'], contextLevels: [] },
    },
    web_search_calls: {
      width: '1d',
      groupBy: 'context_level',
      metric: 'num_requests',
      filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any', vectorStoreIds: [], contextLevels: ['high'] },
    },
  },
};

const status: Status = {
  mode: 'sample',
  loading: false,
  error: { message: 'OpenAI server error (502): try again later.', kind: 'server' },
  staleSince: 1_700_000_000_000,
  fetchedAt: 1_699_999_000_000,
  currency: 'usd',
  budget: 500,
  projects: [{ id: 'proj_a', name: 'A', archived: false }],
  options: { models: ['gpt-4o'], apiKeyIds: [], userIds: [], sources: [], sizes: [], vectorStoreIds: ['vs_1'], contextLevels: ['low', 'medium', 'high'] },
  names: { known: true, apiKeys: { key_a: { label: 'ci-bot', owner: 'Alice', projectId: 'proj_a' } }, users: { user_a: { label: 'Alice' } }, unreadable: ['adminKeys'] },
};

const overview: OverviewData = {
  startTime: 1_700_000_000 - (1_700_000_000 % 86400),
  endTime: 1_700_000_000 - (1_700_000_000 % 86400) + 2 * 86400,
  currency: 'usd',
  days: ['2023-11-14', '2023-11-15'],
  provisionalFrom: 1,
  cards: { rangeSpend: 3, today: 1, monthToDate: 10, forecast: 30, budget: 0, inputTokens: 5, outputTokens: 6, cachedTokens: 1, requests: 2 },
  costs: [{ d: 0, p: 'proj_a', l: 'gpt-4o, input', a: 2 }],
  projectNames: { proj_a: 'A' },
  tokensByModel: [{ model: 'gpt-4o', input: 5, output: 6, cached: 1, requests: 2 }],
};

const validWebview: WebviewMessage[] = [
  { type: 'ready' },
  { type: 'view', ui },
  { type: 'view', ui: { ...ui, tab: 'overview', range: { kind: 'custom', start: '2024-02-01', end: '2024-02-29' } } },
  // Today (UTC) is the latest day a custom range may end on.
  { type: 'view', ui: { ...ui, range: { kind: 'custom', start: todayIso(Date.now() - 6 * 86_400_000), end: todayIso() } } },
  { type: 'retry' },
  ...ALLOWED_COMMANDS.map((command): WebviewMessage => ({ type: 'command', command })),
  { type: 'clientError', message: 'boom' },
];

const validHost: HostMessage[] = [
  { type: 'init', defaultRangeDays: 30 },
  { type: 'init', defaultRangeDays: 14, projectId: 'proj_a' },
  { type: 'status', status },
  { type: 'status', status: { ...status, mode: 'none', error: undefined, staleSince: undefined, fetchedAt: undefined, projects: [] } },
  { type: 'filter', projectId: 'proj_a' },
  { type: 'loading', key: 'k' },
  { type: 'overview', key: 'k', data: overview },
  { type: 'overview', key: 'k', data: { ...overview, cards: { ...overview.cards, forecast: undefined } } },
  {
    type: 'tabData',
    key: 'k',
    endpoint: 'costs',
    window: { startTime: 0, endTime: 86400, width: '1d', clamped: false },
    groupBy: 'line_item',
    currency: 'usd',
    buckets: [{ startTime: 0, endTime: 86400, rows: [{ values: { amount: 1.5, quantity: 2 }, dims: { line_item: 'x' }, currency: 'usd' }] }],
  },
  {
    type: 'tabData',
    key: 'k',
    endpoint: 'completions',
    window: { startTime: 0, endTime: 86400, width: '1d', clamped: false },
    groupBy: 'service_tier',
    currency: 'usd',
    buckets: [{ startTime: 0, endTime: 86400, rows: [{ values: { input_tokens: 10, input_cached_tokens: 4, num_model_requests: 2 }, dims: { service_tier: 'flex' } }] }],
    mix: { inputTokens: 10, cachedTokens: 4, requests: 2, batchRequests: 1, cacheHitRate: 0.4, batchShare: 0.5, tiers: [{ tier: 'flex', requests: 2, tokens: 10, share: 1 }] },
  },
  {
    type: 'attribution',
    key: 'k',
    data: {
      startTime: 0,
      endTime: 86400,
      currency: 'usd',
      keysFrom: 0,
      keys: [
        { id: 'key_a', label: 'ci-bot', owner: 'Alice', projectId: 'proj_a', project: 'A', spend: 1.5 },
        { id: 'key_gone', label: 'key_gone (unknown or deleted key)', missing: 'unknown', spend: 0.5 },
      ],
      users: { ok: true, rows: [{ id: 'user_a', label: 'Alice', inputTokens: 10, outputTokens: 5, requests: 2 }] },
      staleKeys: [{ id: 'key_old', label: 'old', lastUsedAt: 1000 }],
      staleDays: 30,
      note: 'This Admin key may not list users, so their IDs show without names.',
    },
  },
  {
    type: 'attribution',
    key: 'k',
    data: { startTime: 0, endTime: 86400, currency: 'usd', keys: [], users: { ok: false, message: 'Usage by user could not be read.' }, staleDays: 30 },
  },
  { type: 'queryError', key: 'k', message: 'nope', kind: 'rate_limit' },
];

describe('protocol: valid messages', () => {
  for (const m of validWebview) {
    it(`accepts webview → host ${m.type}${m.type === 'command' ? ` ${m.command}` : ''}`, () => {
      assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), JSON.parse(JSON.stringify(m)));
    });
  }
  for (const m of validHost) {
    it(`accepts host → webview ${m.type}`, () => {
      const parsed = parseHostMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(parsed, `rejected ${JSON.stringify(m)}`);
      assert.equal(parsed.type, m.type);
    });
  }
  it('covers every message type of both unions', () => {
    const webviewTypes = WebviewMessageSchema.def.options.map((o) => o.shape.type.def.values[0]).sort();
    const hostTypes = HostMessageSchema.def.options.map((o) => o.shape.type.def.values[0]).sort();
    assert.deepEqual([...new Set(validWebview.map((m) => m.type))].sort(), webviewTypes);
    assert.deepEqual([...new Set(validHost.map((m) => m.type))].sort(), hostTypes);
  });
  it('accepts every tab id, including the eleven endpoints, the overview and attribution', () => {
    assert.equal(TAB_IDS.length, 13);
    for (const tab of TAB_IDS) assert.ok(parseWebviewMessage({ type: 'view', ui: { ...ui, tab } }), tab);
  });
});

describe('protocol: malformed messages are rejected', () => {
  const bad: [string, unknown][] = [
    ['not an object', 'ready'],
    ['null', null],
    ['no type', { ui }],
    ['unknown type', { type: 'setKey', key: 'sk-admin-x' }],
    ['command outside the allow-list', { type: 'command', command: 'workbench.action.terminal.new' }],
    ['clear key is not allowed from the webview', { type: 'command', command: 'openaiUsage.clearAdminKey' }],
    ['view without ui', { type: 'view' }],
    ['unknown tab', { type: 'view', ui: { ...ui, tab: 'files' } }],
    ['preset that is not 7/30/90', { type: 'view', ui: { ...ui, range: { kind: 'preset', days: 14 } } }],
    ['custom range start after end', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '2024-03-02', end: '2024-03-01' } } }],
    ['custom date that does not exist', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '2025-02-30', end: '2025-03-01' } } }],
    ['custom date in another format', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '03/01/2024', end: '2024-03-02' } } }],
    ['custom range over a year', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '2020-01-01', end: '2024-01-01' } } }],
    ['custom range ending after today (UTC)', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: todayIso(), end: todayIso(Date.now() + 86_400_000) } } }],
    ['custom range wholly in the future', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '2999-01-01', end: '2999-01-07' } } }],
    ['set budget: no webview button sends it', { type: 'command', command: 'openaiUsage.setBudget' }],
    ['bucket width the API does not know', { type: 'view', ui: { ...ui, tabs: { completions: { ...ui.tabs.completions, width: '1w' } } } }],
    ['group-by the API does not know', { type: 'view', ui: { ...ui, tabs: { completions: { ...ui.tabs.completions, groupBy: 'organization' } } } }],
    ['tab settings for an unknown endpoint', { type: 'view', ui: { ...ui, tabs: { files: ui.tabs.completions } } }],
    ['too many project ids', { type: 'view', ui: { ...ui, projectIds: Array.from({ length: 101 }, (_, i) => `p${i}`) } }],
    ['empty project id', { type: 'view', ui: { ...ui, projectIds: [''] } }],
    ['wrong state version', { type: 'view', ui: { ...ui, version: 2 } }],
    ['sort direction', { type: 'view', ui: { ...ui, overview: { stackBy: 'project', sort: { column: 'x', direction: 'up' } } } }],
    ['clientError too long', { type: 'clientError', message: 'x'.repeat(2001) }],
    ['clientError without message', { type: 'clientError' }],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}`, () => assert.equal(parseWebviewMessage(value), undefined));
  }

  const badHost: [string, unknown][] = [
    ['unknown type', { type: 'eval', code: '1' }],
    ['init without default range', { type: 'init' }],
    ['status with unknown mode', { type: 'status', status: { ...status, mode: 'admin' } }],
    ['a non-finite metric', { ...validHost[8], buckets: [{ startTime: 0, endTime: 1, rows: [{ values: { amount: Infinity }, dims: {} }] }] }],
    ['a NaN card', { type: 'overview', key: 'k', data: { ...overview, cards: { ...overview.cards, today: Number.NaN } } }],
    ['a non-date day', { type: 'overview', key: 'k', data: { ...overview, days: ['yesterday'] } }],
    ['a negative bucket time', { ...validHost[8], window: { startTime: -1, endTime: 1, width: '1d', clamped: false } }],
    ['an unknown dimension', { ...validHost[8], buckets: [{ startTime: 0, endTime: 1, rows: [{ values: {}, dims: { organization: 'x' } }] }] }],
  ];
  for (const [name, value] of badHost) {
    it(`rejects host message: ${name}`, () => assert.equal(parseHostMessage(value), undefined));
  }

  it('drops fields it does not know (nothing extra reaches the host)', () => {
    const parsed = parseWebviewMessage({ type: 'ready', apiKey: 'sk-admin-secret' });
    assert.deepEqual(parsed, { type: 'ready' });
  });
});

describe('protocol: parses without code generation (CSP without unsafe-eval)', () => {
  it('the webview build of the schemas never calls eval or new Function', async () => {
    // Bundle exactly what the webview bundles (zodConfig first, then the protocol) and run it in a
    // context where string code generation is disabled and the Function constructor is watched.
    const entry = `import './webview/zodConfig'; import * as p from './src/shared/protocol'; globalThis.protocol = p;`;
    const out = await esbuild.build({
      stdin: { contents: entry, resolveDir: path.resolve(__dirname, '..', '..'), loader: 'ts' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    const context = vm.createContext({ console }, { codeGeneration: { strings: false, wasm: false } });
    vm.runInContext(
      `globalThis.codegen = 0;
       const RealFunction = Function;
       globalThis.Function = new Proxy(RealFunction, { construct(t, a) { globalThis.codegen++; return Reflect.construct(t, a); }, apply(t, self, a) { globalThis.codegen++; return Reflect.apply(t, self, a); } });`,
      context,
    );
    vm.runInContext(code, context);
    const result = vm.runInContext(
      `(() => {
        const p = globalThis.protocol;
        const msgs = ${JSON.stringify(validWebview)};
        const host = ${JSON.stringify(validHost)};
        let ok = 0;
        for (let i = 0; i < 3; i++) {
          for (const m of msgs) if (p.parseWebviewMessage(m)) ok++;
          for (const m of host) if (p.parseHostMessage(m)) ok++;
        }
        return { ok, codegen: globalThis.codegen };
      })()`,
      context,
    ) as { ok: number; codegen: number };
    assert.equal(result.ok, 3 * (validWebview.length + validHost.length));
    assert.equal(result.codegen, 0);
  });
});
