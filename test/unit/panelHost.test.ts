// The dashboard host's plain parts: message validation and dispatch, the webview's resource roots,
// what Export writes when nothing is shown, and the overview's JSON export.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALLOWED_COMMANDS } from '../../src/shared/protocol';
import type { AllowedCommand, UiState } from '../../src/shared/protocol';
import { toJson } from '../../src/report/exportFormat';
import { shownExport, snapshotOverviewExport } from '../../src/report/export';
import { nothingToExportMessage } from '../../src/userText';
import { fetchOverview } from '../../src/queries/fetch';
import { ASSETS, RESOURCE_ROOTS, resourceRoots } from '../../src/panel/html';
import { handleWebviewMessage } from '../../src/panel/messages';
import type { WebviewMessageHandlers } from '../../src/panel/messages';
import { defaultUiState } from '../../src/shared/uiState';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';

const repo = join(__dirname, '..', '..');

/** Handlers that record every call, and a log that records every warning. */
function recorder(): { handlers: WebviewMessageHandlers; calls: string[]; warnings: string[]; log: { warn(m: string): void } } {
  const calls: string[] = [];
  const warnings: string[] = [];
  return {
    calls,
    warnings,
    log: { warn: (m) => warnings.push(m) },
    handlers: {
      ready: () => calls.push('ready'),
      view: (ui) => calls.push(`view:${ui.tab}`),
      retry: () => calls.push('retry'),
      command: (c: AllowedCommand) => calls.push(`command:${c}`),
    },
  };
}

describe('panel/messages: what the webview sends', () => {
  const ui = defaultUiState(30);

  it('dispatches each valid message to its one handler', () => {
    const r = recorder();
    handleWebviewMessage({ type: 'ready' }, r.handlers, r.log);
    handleWebviewMessage({ type: 'view', ui: { ...ui, tab: 'costs' } }, r.handlers, r.log);
    handleWebviewMessage({ type: 'retry' }, r.handlers, r.log);
    handleWebviewMessage({ type: 'command', command: 'openaiUsage.refresh' }, r.handlers, r.log);
    assert.deepEqual(r.calls, ['ready', 'view:costs', 'retry', 'command:openaiUsage.refresh']);
    assert.deepEqual(r.warnings, []);
  });

  const bad: [string, unknown][] = [
    ['not an object', 'ready'],
    ['null', null],
    ['an unknown type', { type: 'setKey', key: 'sk-admin-test-fake-not-a-key' }],
    ['a view with a broken state', { type: 'view', ui: { ...ui, version: 2 } }],
    ['a view with a range ending after today', { type: 'view', ui: { ...ui, range: { kind: 'custom', start: '2020-01-01', end: '2999-01-01' } } }],
  ];
  for (const [name, value] of bad) {
    it(`logs ${name} and runs nothing`, () => {
      const r = recorder();
      handleWebviewMessage(value, r.handlers, r.log);
      assert.deepEqual(r.calls, []);
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0] ?? '', /ignored a malformed message/);
      // The log names the type only, never a key-shaped value.
      assert.doesNotMatch(r.warnings[0] ?? '', /test-fake-not-a-key/);
    });
  }

  for (const command of ['workbench.action.terminal.new', 'openaiUsage.clearAdminKey', 'openaiUsage.setBudget', 'vscode.open']) {
    it(`a command off the allow-list (${command}) does nothing`, () => {
      const r = recorder();
      handleWebviewMessage({ type: 'command', command }, r.handlers, r.log);
      assert.deepEqual(r.calls, []);
      assert.equal(r.warnings.length, 1);
    });
  }

  it('a client error is logged (redacted) and runs nothing', () => {
    const r = recorder();
    handleWebviewMessage({ type: 'clientError', message: 'boom sk-admin-test-fake-not-a-key' }, r.handlers, r.log);
    assert.deepEqual(r.calls, []);
    assert.equal(r.warnings.length, 1);
    assert.doesNotMatch(r.warnings[0] ?? '', /test-fake-not-a-key/);
  });

  it('the allow-list is exactly the commands the webview sends', () => {
    // Every `command: 'openaiUsage.…'` in the webview's sources and the next-step actions it renders.
    const files = [...readdirSync(join(repo, 'webview')).filter((f) => f.endsWith('.ts')).map((f) => join(repo, 'webview', f)), join(repo, 'src', 'shared', 'nextSteps.ts')];
    const sent = new Set<string>();
    for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/command: '(openaiUsage\.[A-Za-z]+)'/g)) sent.add(m[1] ?? '');
    assert.deepEqual([...ALLOWED_COMMANDS].sort(), [...sent].sort());
  });
});

describe('panel/html: local resource roots', () => {
  it('are exactly the built webview and the media folder', () => {
    assert.deepEqual(
      resourceRoots((...p) => p.join('/')),
      ['dist/webview', 'media'],
    );
  });
  it('hold every asset the page loads', () => {
    const roots = RESOURCE_ROOTS.map((r) => `${r.join('/')}/`);
    for (const [name, segments] of Object.entries(ASSETS)) {
      const path = segments.join('/');
      assert.ok(roots.some((r) => path.startsWith(r)), `${name}: ${path}`);
    }
  });
});

describe('panel/exportView', () => {
  const NOW_MS = Date.UTC(2025, 2, 15, 18, 30);
  const org = createSampleOrg({ now: NOW_MS, seed: 3 });

  it('the overview JSON carries the cards and tokens by model the view shows', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
    const ui: UiState = defaultUiState(30);
    const data = await fetchOverview({ ui, snapshot, source: async () => undefined, nowMs: NOW_MS, budget: 250 });
    const content = shownExport({ kind: 'overview', key: 'k', ui, data }, ui, 'sample', snapshot.projects, '2025-03-15T18:30:00.000Z');
    const json = JSON.parse(toJson(content.meta, content.table)) as { cards: Record<string, number>; tokensByModel: { model: string; input: number }[]; rows: unknown[] };
    assert.deepEqual(json.cards, JSON.parse(JSON.stringify(data.cards)));
    assert.equal(json.cards.budget, 250);
    assert.ok(json.tokensByModel.length > 0);
    assert.deepEqual(json.tokensByModel, data.tokensByModel);
    assert.equal(json.rows.length, content.table.rows.length);
  });

  it('with nothing shown, exports the snapshot overview of the panel range and projects', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
    const pid = snapshot.projects[0]?.id ?? '';
    const ui: UiState = { ...defaultUiState(30), tab: 'completions', range: { kind: 'preset', days: 7 }, projectIds: [pid] };
    const content = snapshotOverviewExport(snapshot, ui, NOW_MS, 0);
    assert.equal(content.meta.view, 'overview');
    assert.equal(content.meta.start, '2025-03-09T00:00:00Z');
    assert.deepEqual(content.meta.filters, { projectIds: [pid] });
    const ids = new Set(content.table.rows.map((r) => r[2]));
    assert.deepEqual([...ids], [pid]);
    assert.equal(new Set(content.table.rows.map((r) => r[0])).size, 7);
  });

  it('says why there is nothing to export: no key, a failed refresh, or still loading', () => {
    const none = nothingToExportMessage({ mode: 'none', loading: false, error: undefined });
    const failed = nothingToExportMessage({ mode: 'api', loading: false, error: { message: 'The Admin key was rejected (401).', kind: 'auth' } });
    const loading = nothingToExportMessage({ mode: 'api', loading: true, error: undefined });
    assert.match(none, /set an Admin key/);
    assert.match(failed, /the last refresh failed \(The Admin key was rejected \(401\)\.\)/);
    assert.match(loading, /still loading/);
    assert.equal(new Set([none, failed, loading]).size, 3);
    for (const m of [none, failed, loading]) assert.doesNotMatch(m, /wait for it to load, then try again/);
  });
});
