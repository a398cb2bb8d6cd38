// The extension's lifecycle in a real VS Code (code-server) driven through Chromium, beyond what
// extension.e2e.test.ts covers: a workspace cannot send the key elsewhere, the tree's Copy ID and
// Refresh, Clear Admin Key (prompt, welcome view and the snapshot on disk gone), a second window
// following a key set or cleared in another (secrets.onDidChange), and settings applied live from
// the user settings file (status bar mode, hidden item, another API host never mixed with the first).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { summarize } from '../../src/report/summary';
import type { Summary } from '../../src/report/summary';
import { formatMoney } from '../../src/shared/format';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import {
  EXTENSION_ID,
  contextMenu,
  fillInputBox,
  openViewContainer,
  openWorkbench,
  readStatusBarItem,
  readStatusBarTooltip,
  runCommand,
  screenshot,
  statusBarItem,
  treeItem,
  treeItems,
  viewWelcome,
  waitForExtensionContributions,
  waitForStatusBarText,
  waitForWorkbench,
  waitFor,
  statusWithEstimate,
  withoutEstimate,
} from './harness';
import type { TreeItemState, Workbench } from './harness';

const STATUS = 'openaiUsage.status';
const VIEW = 'Projects';
const CONTAINER = 'OpenAI Usage';
/** The status bar text with no key (the `$(key)` codicon is not part of the text). */
const KEY_PROMPT = 'OpenAI Usage';
/** How long another window is given to follow a secret change on its own. */
const LIVE_FOLLOW_MS = 6_000;
/** How long a settings.json written on disk is given to apply. */
const DISK_WATCH_MS = 5_000;


/** What the fake API's organisation should show, computed as the extension does. */
async function expectedFigures(seed: number, now: number): Promise<Summary> {
  const org = createSampleOrg({ now, seed });
  return summarize(await loadSnapshot(org, { nowMs: now, rangeDays: 30 }), { nowMs: now, rangeDays: 30 });
}

const usd = (amount: number): string => formatMoney(amount, 'usd');

/** The tree's label for a project of the summary (archived ones are marked). */
function projectLabel(p: Summary['projects'][number]): string {
  return p.archived ? `${p.name} (archived)` : p.name;
}

/** A plain loopback HTTP server that records every request and answers nothing useful. */
interface TrapServer {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function startTrapServer(): Promise<TrapServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''} auth=${req.headers.authorization ? 'yes' : 'no'}`);
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"trap"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The extension's snapshot file under the user-data dir's globalStorage. */
function snapshotFile(userDataDir: string): string {
  return join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'snapshot.bin');
}

/** Every file under `dir` whose name is `name`, recursively. */
function findFiles(dir: string, name: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...findFiles(p, name));
    else if (st?.isFile() && entry === name) out.push(p);
  }
  return out;
}

/** Sets the admin key through the palette, the way a user does. */
async function setKeyThroughPalette(page: Page): Promise<void> {
  await runCommand(page, 'Set Admin Key');
  await fillInputBox(page, FAKE_ADMIN_KEY, { submit: true });
}

/** Runs Clear Admin Key and confirms its modal dialog with "Clear Key". */
async function clearKeyThroughPalette(page: Page): Promise<void> {
  await runCommand(page, 'Clear Admin Key');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /Remove the OpenAI admin key/);
  await dialog.locator('.monaco-button', { hasText: 'Clear Key' }).first().click();
  await dialog.waitFor({ state: 'hidden' });
}

/** The status bar item shows the `$(key)` prompt. */
async function waitForKeyPrompt(page: Page, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the $(key) prompt',
    async () => {
      const s = await readStatusBarItem(page, STATUS);
      return s.text === KEY_PROMPT && s.icons.includes('key') ? s : undefined;
    },
    timeoutMs,
  );
}

/** Top-level rows of the tree once they match `expected` (label → description). */
async function waitForTree(page: Page, expected: ReadonlyMap<string, string>, timeoutMs = 30_000): Promise<TreeItemState[]> {
  return waitFor(
    'the projects tree',
    async () => {
      const rows = (await treeItems(page, VIEW)).filter((r) => r.level === 1);
      if (rows.length !== expected.size) return undefined;
      return rows.every((r) => expected.get(r.label) === r.description) ? rows : undefined;
    },
    timeoutMs,
  );
}

function treeExpectation(summary: Summary): Map<string, string> {
  return new Map(summary.projects.map((p) => [projectLabel(p), usd(p.spend)]));
}

// ---------------------------------------------------------------------------------------------

describe('key lifecycle in a workspace that tries to redirect the key', () => {
  const NOW = Date.now();
  let api: FakeServer;
  let trap: TrapServer;
  let wb: Workbench;
  let folderRoot: string;
  let org: Summary;
  /** What the status bar reads with the workspace's statusBar.show = "todayAndMonth". */
  let expectedText: string;
  /** The same, with today's estimate (marked ≈) allowed beside the billed figure. */
  let expectedPattern: RegExp;

  before(async () => {
    api = await startFakeServer({ now: () => NOW });
    trap = await startTrapServer();
    org = await expectedFigures(1, NOW);
    expectedText = `${usd(org.today)} · ${usd(org.monthToDate)} MTD`;
    expectedPattern = statusWithEstimate(usd(org.today), ` · ${usd(org.monthToDate)} MTD`);
    // The opened folder (think: a cloned repository) points the API at the trap. It also sets a
    // harmless setting, which proves VS Code did read the workspace's settings file.
    folderRoot = mkdtempSync(join(tmpdir(), 'oui-e2e-trap-folder-'));
    mkdirSync(join(folderRoot, '.vscode'), { recursive: true });
    writeFileSync(
      join(folderRoot, '.vscode', 'settings.json'),
      JSON.stringify({ 'openaiUsage.apiBaseUrl': trap.url, 'openaiUsage.statusBar.show': 'todayAndMonth' }, null, 2),
    );
    wb = await openWorkbench({
      name: 'lifecycle-key',
      folder: folderRoot,
      // 0 = refresh only on demand: every request after start-up is one the test asked for.
      settings: { 'openaiUsage.apiBaseUrl': api.url, 'openaiUsage.refreshIntervalMinutes': 0 },
    });
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.server.url).origin });
  });
  after(async () => {
    await wb?.close();
    await api?.close();
    await trap?.close();
    if (folderRoot) rmSync(folderRoot, { recursive: true, force: true });
  });

  it('a workspace setting cannot send the key anywhere but the user-set API URL', async () => {
    await wb.step('workspace-trap', async () => {
      await waitForKeyPrompt(wb.page);
      await setKeyThroughPalette(wb.page);
      const item = await waitForStatusBarText(wb.page, STATUS, expectedPattern, 60_000);
      assert.equal(withoutEstimate(item.text), expectedText, "the fake API's figures, shown the workspace's way (todayAndMonth)");
      assert.deepEqual(item.icons, ['graph']);
      // Whatever refresh the key started has finished and was written to disk.
      await waitFor('the snapshot on disk', async () => existsSync(snapshotFile(wb.server.userDataDir)));
      assert.deepEqual(trap.requests, [], 'the trap server got no request at all');
      const toApi = api.requests.filter((r) => r.hadAuth && r.status === 200);
      assert.ok(toApi.some((r) => r.path === '/organization/costs'), 'the fake API got the costs requests');
      await wb.screenshot('workspace-trap');
    });
  });

  it('"Copy ID" on a project copies its id; the view title\'s Refresh fetches again', async () => {
    await wb.step('copy-refresh', async () => {
      await openViewContainer(wb.page, CONTAINER);
      await waitForTree(wb.page, treeExpectation(org));
      const project = org.projects[0];
      assert.ok(project, 'the organisation has a project');
      await contextMenu(wb.page, treeItem(wb.page, VIEW, projectLabel(project)), 'Copy ID');
      // VS Code shows the extension's status bar message, and the id is on the clipboard.
      await waitFor(`"Copied ${project.id}" in the status bar`, async () =>
        (await wb.page.locator('.statusbar').innerText()).includes(`Copied ${project.id}`),
      );
      const clipboard = await waitFor('the clipboard', async () => {
        const text = await wb.page.evaluate(() => navigator.clipboard.readText());
        return text === project.id ? text : undefined;
      }, 10_000);
      assert.equal(clipboard, project.id);
      await wb.screenshot('copy-id');

      // Refresh in the view title: new requests reach the fake API.
      const before = api.requests.length;
      const refresh = wb.page.locator('.sidebar .title-actions .action-label[aria-label^="Refresh"]').first();
      await refresh.waitFor({ state: 'visible' });
      await refresh.click();
      const fresh = await waitFor('requests made by Refresh', async () => {
        const added = api.requests.slice(before);
        return added.some((r) => r.path === '/organization/costs' && r.status === 200) ? added : undefined;
      });
      assert.ok(fresh.every((r) => r.hadAuth), 'every request carried the key');
      assert.equal(withoutEstimate((await waitForStatusBarText(wb.page, STATUS, expectedPattern)).text), expectedText);
      assert.deepEqual(trap.requests, [], 'still nothing reached the trap server');
      await wb.screenshot('view-refresh');
    });
  });

  it('Clear Admin Key brings back the key prompt and the welcome view, and deletes the snapshot', async () => {
    await wb.step('clear-key', async () => {
      const file = snapshotFile(wb.server.userDataDir);
      assert.ok(existsSync(file), `the snapshot is kept at ${file}`);
      await clearKeyThroughPalette(wb.page);
      await waitForKeyPrompt(wb.page);
      const item = await readStatusBarItem(wb.page, STATUS);
      assert.ok(item.hasCommand, 'the prompt is clickable (Set Admin Key)');
      await openViewContainer(wb.page, CONTAINER);
      const welcome = viewWelcome(wb.page, VIEW);
      await welcome.waitFor({ state: 'visible' });
      const buttons = await welcome.locator('.monaco-button').allInnerTexts();
      assert.ok(buttons.some((b) => b.includes('Set Admin Key')), `welcome buttons: ${JSON.stringify(buttons)}`);
      assert.ok(buttons.some((b) => b.includes('Try with Sample Data')), `welcome buttons: ${JSON.stringify(buttons)}`);
      assert.equal((await treeItems(wb.page, VIEW)).length, 0, 'no project is left in the tree');
      await waitFor('the snapshot file to go', async () => !existsSync(file), 10_000);
      for (const name of ['snapshot.bin', 'summary.json', 'snapshot.json']) {
        assert.deepEqual(findFiles(wb.server.userDataDir, name), [], `no ${name} anywhere under the user-data dir`);
      }
      await wb.screenshot('clear-key');
    });
  });

  it('another window follows a key set or cleared in this one (secrets.onDidChange), or does after a reload', async (t) => {
    await wb.step('two-windows', async () => {
      // A second window of the same code-server in the same browser context: it shares the
      // browser's storage, where code-server keeps the secrets (localStorage "secrets.provider").
      const other = await wb.context.newPage();
      const secretsBlob = (): Promise<string | null> => other.evaluate(() => localStorage.getItem('secrets.provider'));
      try {
        await other.goto(wb.server.url);
        await waitForWorkbench(other);
        await waitForExtensionContributions(other);
        await waitForKeyPrompt(other);
        const blobBefore = await secretsBlob();

        await setKeyThroughPalette(wb.page);
        await waitForStatusBarText(wb.page, STATUS, expectedPattern, 60_000);
        assert.notEqual(await secretsBlob(), blobBefore, 'the key reached the storage both windows share');
        // The other window, untouched: does it leave the prompt on its own?
        const live = await waitForStatusBarText(other, STATUS, expectedPattern, LIVE_FOLLOW_MS).then(
          () => true,
          () => false,
        );
        if (!live) {
          // code-server's LocalStorageSecretStorageProvider reads localStorage once per window and
          // never listens for changes from other windows, so secrets.onDidChange cannot fire
          // there. What is possible: the other window picks the key up when it reloads.
          t.diagnostic('code-server does not propagate secret changes across windows; checked after a reload instead');
          assert.deepEqual((await readStatusBarItem(other, STATUS)).icons, ['key'], 'still the prompt without a reload');
          await other.reload();
          await waitForWorkbench(other);
          await waitForExtensionContributions(other);
        }
        await waitForStatusBarText(other, STATUS, expectedPattern, 60_000);
        // The stored snapshot shows first, under the refresh spinner; then the refresh ends.
        const followed = await waitFor('the refresh to finish', async () => {
          const item = await readStatusBarItem(other, STATUS);
          return item.icons.includes('sync') ? undefined : item;
        }, 60_000);
        assert.deepEqual(followed.icons, ['graph']);
        assert.equal(withoutEstimate(followed.text), expectedText);
        await screenshot(other, 'lifecycle-key-two-windows-set');

        // Cleared in this window: the other returns to the prompt.
        await clearKeyThroughPalette(wb.page);
        await waitForKeyPrompt(wb.page);
        if (live) {
          await waitForKeyPrompt(other, 60_000);
        } else {
          await sleep(LIVE_FOLLOW_MS);
          assert.equal(withoutEstimate((await readStatusBarItem(other, STATUS)).text), expectedText, 'still the old figures without a reload');
          await other.reload();
          await waitForWorkbench(other);
          await waitForExtensionContributions(other);
          await waitForKeyPrompt(other);
        }
        await screenshot(other, 'lifecycle-key-two-windows-cleared');
      } finally {
        await other.close();
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('settings applied live from the user settings file', () => {
  const NOW = Date.now();
  let first: FakeServer;
  let second: FakeServer;
  let wb: Workbench;
  let org1: Summary;
  let org2: Summary;

  const settingsFile = (): string => join(wb.server.userDataDir, 'User', 'settings.json');
  const withChanges = (changes: Record<string, unknown>): string => {
    const current = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
    return JSON.stringify({ ...current, ...changes }, null, 2);
  };
  /**
   * Changes user settings the way a user does in "Preferences: Open User Settings (JSON)": the
   * whole file replaced in the editor, then saved. (code-server does not notice settings.json
   * written on disk behind its back; the first change checks that again and says so.)
   */
  const editSettings = async (changes: Record<string, unknown>): Promise<void> => {
    const content = withChanges(changes);
    const page = wb.page;
    // VS Code 1.139 opens it in a modal editor (no tab): found by its text instead.
    const editor = page
      .locator('.monaco-editor')
      .filter({ has: page.locator('.view-lines', { hasText: 'openaiUsage.refreshIntervalMinutes' }) })
      .first();
    await runCommand(page, 'Open User Settings (JSON)', { category: 'Preferences' });
    await editor.waitFor({ state: 'visible' });
    await editor.locator('.view-lines').click();
    // Pasted, not typed: typing would auto-close brackets and quotes.
    await page.evaluate((text) => navigator.clipboard.writeText(text), content);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Control+S');
    await waitFor('settings.json saved to disk', async () => {
      const saved = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
      return Object.entries(changes).every(([k, v]) => saved[k] === v);
    }, 10_000);
    // Close the modal editor again: it blocks clicks on the rest of the workbench.
    const block = page.locator('.monaco-modal-editor-block');
    await page.keyboard.press('Escape');
    if (!(await block.waitFor({ state: 'detached', timeout: 3_000 }).then(() => true, () => false))) {
      await block.click({ position: { x: 5, y: 5 } });
      await block.waitFor({ state: 'detached' });
    }
  };

  before(async () => {
    first = await startFakeServer({ now: () => NOW });
    second = await startFakeServer({ now: () => NOW, data: createSampleOrg({ now: NOW, seed: 2 }) });
    org1 = await expectedFigures(1, NOW);
    org2 = await expectedFigures(2, NOW);
    // The two organisations must be told apart by what the test reads.
    assert.notEqual(usd(org1.today), usd(org2.today));
    assert.notEqual(usd(org1.monthToDate), usd(org2.monthToDate));
    wb = await openWorkbench({
      name: 'lifecycle-settings',
      settings: { 'openaiUsage.apiBaseUrl': first.url, 'openaiUsage.refreshIntervalMinutes': 0 },
    });
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.server.url).origin });
  });
  after(async () => {
    await wb?.close();
    await first?.close();
    await second?.close();
  });

  it('statusBar.show, statusBar.enabled and apiBaseUrl apply without a reload, never mixing organisations', async (t) => {
    await wb.step('settings-live', async () => {
      await waitForKeyPrompt(wb.page);
      await setKeyThroughPalette(wb.page);
      await waitForStatusBarText(wb.page, STATUS, usd(org1.today), 60_000);
      assert.equal(withoutEstimate((await readStatusBarItem(wb.page, STATUS)).text), usd(org1.today));

      // First straight on disk, as the file watcher would pick it up in desktop VS Code.
      writeFileSync(settingsFile(), withChanges({ 'openaiUsage.statusBar.show': 'month' }));
      const fromDisk = await waitForStatusBarText(wb.page, STATUS, / MTD$/, DISK_WATCH_MS).then(
        () => true,
        () => false,
      );
      if (!fromDisk) {
        t.diagnostic(`settings.json written on disk was not applied within ${DISK_WATCH_MS} ms; changed in the settings editor instead`);
        await editSettings({ 'openaiUsage.statusBar.show': 'month' });
      }
      const month = await waitForStatusBarText(wb.page, STATUS, / MTD$/);
      assert.equal(month.text, `${usd(org1.monthToDate)} MTD`);
      await wb.screenshot('settings-month');

      await editSettings({ 'openaiUsage.statusBar.enabled': false });
      await waitFor('the item to hide', async () => !(await statusBarItem(wb.page, STATUS).isVisible()));
      await wb.screenshot('settings-hidden');

      await editSettings({ 'openaiUsage.statusBar.enabled': true, 'openaiUsage.statusBar.show': 'today' });
      const back = await waitForStatusBarText(wb.page, STATUS, usd(org1.today));
      assert.equal(withoutEstimate(back.text), usd(org1.today));
      await openViewContainer(wb.page, CONTAINER);
      await waitForTree(wb.page, treeExpectation(org1));

      // Another API host: the second organisation, and never a figure of the first with it.
      const firstCount = first.requests.length;
      const seen = new Set<string>();
      const allowed = new Set([usd(org1.today), usd(org2.today), KEY_PROMPT]);
      await editSettings({ 'openaiUsage.apiBaseUrl': second.url });
      const switched = await waitFor(
        "the second organisation's today",
        async () => {
          if (!(await statusBarItem(wb.page, STATUS).isVisible())) return undefined;
          const s = await readStatusBarItem(wb.page, STATUS);
          seen.add(withoutEstimate(s.text));
          return withoutEstimate(s.text) === usd(org2.today) && s.icons.includes('graph') ? s : undefined;
        },
        60_000,
      );
      assert.equal(withoutEstimate(switched.text), usd(org2.today));
      for (const text of seen) assert.ok(allowed.has(text), `the status bar showed ${text} during the switch`);
      await waitForTree(wb.page, treeExpectation(org2));
      const tooltip = await readStatusBarTooltip(wb.page, STATUS);
      assert.ok(tooltip.includes(usd(org2.monthToDate)), `the tooltip has the second month to date: ${tooltip}`);
      assert.ok(!tooltip.includes(usd(org1.monthToDate)), 'and not the first');
      assert.ok(second.requests.some((r) => r.hadAuth && r.path === '/organization/costs' && r.status === 200));
      // Nothing more goes to the first host once the switch is done.
      const afterSwitch = first.requests.length;
      const secondCount = second.requests.length;
      await runCommand(wb.page, 'Refresh');
      await waitFor('the refresh to reach the second host', async () =>
        second.requests.slice(secondCount).some((r) => r.path === '/organization/costs' && r.status === 200),
      );
      await waitFor('the refresh to finish', async () => {
        const s = await readStatusBarItem(wb.page, STATUS);
        return withoutEstimate(s.text) === usd(org2.today) && s.icons.includes('graph');
      });
      assert.equal(first.requests.length, afterSwitch, 'a refresh after the switch asks only the second host');
      assert.ok(afterSwitch >= firstCount);
      await wb.screenshot('settings-other-host');
    });
  });
});
