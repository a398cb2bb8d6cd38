// The dashboard webview in a real browser with a translation: the page exactly as the panel builds
// it (src/panel/html.ts, the strict CSP, the built dist/webview/main.js), carrying a
// pseudo-localised bundle of the webview's own strings and the language "de", with VS Code's
// webview API stubbed. Every word it renders comes from the bundle, every number is German, and
// nothing is refused by the CSP. (The workbench tests run in English; VS Code itself needs a
// language pack to hand an extension a bundle.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { dashboardHtml, makeNonce } from '../../src/panel/html';
import { fetchOverview } from '../../src/queries/fetch';
import { UiStateSchema } from '../../src/shared/protocol';
import type { HostMessage, Status } from '../../src/shared/protocol';
import { dataKey } from '../../src/shared/uiState';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { launchBrowser, packageExtension } from './harness';

const repo = join(__dirname, '..', '..');
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

const FILES: Record<string, { path: string; type: string }> = {
  '/main.js': { path: join(repo, 'dist', 'webview', 'main.js'), type: 'text/javascript' },
  '/codicon.css': { path: join(repo, 'dist', 'webview', 'codicon.css'), type: 'text/css' },
  '/codicon.ttf': { path: join(repo, 'dist', 'webview', 'codicon.ttf'), type: 'font/ttf' },
  '/dashboard.css': { path: join(repo, 'media', 'dashboard.css'), type: 'text/css' },
};

describe('dashboard webview with a translation (real browser)', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let pseudo: Record<string, string>;
  const problems: string[] = [];
  const posted: unknown[] = [];

  before(async () => {
    // The shipped (production) bundle, as the other e2e files install it.
    await packageExtension();
    // The webview's strings as `npm run l10n` exports them, with the formatters' unit words.
    const sources = [...readdirSync(join(repo, 'webview')).filter((f) => f.endsWith('.ts')).map((f) => join(repo, 'webview', f)), join(repo, 'src', 'shared', 'format.ts')];
    pseudo = getL10nPseudoLocalized(await getL10nJson(sources.map((f) => ({ extension: '.ts', contents: readFileSync(f, 'utf8') })))) as Record<string, string>;
    server = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const file = FILES[req.url ?? ''];
      if (file) {
        res.writeHead(200, { 'content-type': file.type }).end(readFileSync(file.path));
        return;
      }
      const html = dashboardHtml({
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/main.js`,
        styleUri: `${origin}/dashboard.css`,
        codiconUri: `${origin}/codicon.css`,
        locale: 'de',
        l10nBundle: pseudo,
        title: 'OpenAI Usage',
        loadingText: '…',
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    // VS Code's webview API: what the page posts is kept for the test (an init script, not an inline one).
    await page.exposeFunction('__posted', (m: unknown) => void posted.push(m));
    // (A string: tsx's helpers would not exist in the page.)
    await page.addInitScript({
      content: 'let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => void window.__posted(m), getState: () => state, setState: (s) => { state = s; } });',
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const send = (message: HostMessage): Promise<void> => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
  const waitForPosted = async (type: string): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 300; i++) {
      const found = posted.find((m) => (m as { type?: string }).type === type);
      if (found) return found as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the page never posted ${type}: ${JSON.stringify(problems)} ${JSON.stringify(posted).slice(0, 300)}`);
  };

  it('renders the overview in the bundle’s words and German numbers, under the CSP', async () => {
    await waitForPosted('ready');
    const nowMs = Date.now();
    const org = createSampleOrg({ now: nowMs });
    const snapshot = await loadSnapshot(org, { nowMs, rangeDays: 30 });
    await send({ type: 'init', defaultRangeDays: 30 });
    const view = await waitForPosted('view');
    const ui = UiStateSchema.parse(view.ui);
    const status: Status = {
      mode: 'sample',
      loading: false,
      fetchedAt: snapshot.fetchedAt,
      currency: snapshot.currency,
      budget: 0,
      projects: snapshot.projects.map((p) => ({ id: p.id, name: p.name || p.id, archived: p.status === 'archived' })),
      options: { models: [], apiKeyIds: [], userIds: [], sources: [], sizes: [], vectorStoreIds: [], contextLevels: [] },
    };
    await send({ type: 'status', status });
    const data = await fetchOverview({ ui, snapshot, source: async () => org, nowMs, budget: 0 });
    await send({ type: 'overview', key: dataKey(ui), data });

    await page.locator('.card-value').first().waitFor({ state: 'visible' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    const t = (key: string): string => pseudo[key] ?? `(no ${key})`;
    // The page's own words: title, notices, tabs, card titles, chart and table headings.
    assert.equal((await page.locator('h1').innerText()).trim(), t('OpenAI Usage'));
    const text = plain(await page.locator('#app').innerText());
    for (const key of ['Sample data.', 'Overview', 'Attribution', 'Today (UTC)', 'Month to date (UTC)', 'Month-end forecast', 'Daily spend', 'Tokens by model', 'Daily spend table', 'Range', 'Projects', 'Refresh']) {
      assert.ok(text.includes(t(key)), `${key} → ${t(key)}`);
    }
    for (const english of ['Month to date', 'Daily spend', 'Tokens by model', 'Days are UTC days']) assert.ok(!text.includes(english), english);
    // Money as German writes it: "1.234,56 $".
    const money = plain(await page.locator('.card-value').first().innerText());
    assert.match(money, /^\d{1,3}(\.\d{3})*,\d\d \$$/);
    // Accessible names too.
    assert.equal(await page.locator('vscode-progress-bar').getAttribute('aria-label'), t('Loading usage'));
    assert.deepEqual(problems, []);
  });
});
