// The extension in a real VS Code (code-server) driven through Chromium: sample data, a key set
// through the palette against the loopback fake API, a project key refused, the API going down,
// the budget crossed, and the key found nowhere it must not be.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarize } from '../../src/report/summary';
import { formatMoney } from '../../src/shared/format';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { FAKE_ADMIN_KEY, FAKE_PROJECT_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';
import {
  expandTreeItem,
  fillInputBox,
  openViewContainer,
  openWorkbench,
  readStatusBarItem,
  readStatusBarTooltip,
  runCommand,
  treeItems,
  waitForNotification,
  waitForStatusBarText,
  type Workbench,
  waitFor,
  statusWithEstimate,
  withoutEstimate,
} from './harness';

const STATUS = 'openaiUsage.status';
const VIEW = 'Projects';


/** Takes the screenshot, and checks that no key is in the text the page shows at that moment. */
async function shot(wb: Workbench, name: string): Promise<void> {
  await wb.screenshot(name);
  for (const frame of wb.page.frames()) {
    const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    assert.ok(!text.includes(FAKE_ADMIN_KEY) && !text.includes(FAKE_PROJECT_KEY), `no key in the page text of screenshot ${name}`);
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

describe('sample data, no key', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({ name: 'sample' });
  });
  after(() => wb?.close());

  it('starts with the key prompt and the welcome buttons', async () => {
    await wb.step('no-key', async () => {
      const item = await waitForStatusBarText(wb.page, STATUS, 'OpenAI Usage');
      assert.deepEqual(item.icons, ['key']);
      await openViewContainer(wb.page, 'OpenAI Usage');
      const welcome = wb.page.locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible' });
      const text = await welcome.innerText();
      assert.match(text, /Set Admin Key/);
      assert.match(text, /Try with Sample Data/);
      await shot(wb, 'no-key');
    });
  });

  it('"Try with Sample Data" fills the status bar and the tree, marked as sample data', async () => {
    await wb.step('sample', async () => {
      await runCommand(wb.page, 'Try with Sample Data');
      const item = await waitForStatusBarText(wb.page, STATUS, /^\$[\d,]+\.\d\d( · ≈\$[\d,]+\.\d\d)? \(sample\)$/, 60_000);
      assert.deepEqual(item.icons, ['graph']);
      assert.match(item.ariaLabel, /sample data/);
      await openViewContainer(wb.page, 'OpenAI Usage');
      const org = createSampleOrg();
      const active = org.projectList.filter((p) => p.status === 'active').map((p) => p.name);
      const rows = await waitFor('the projects in the tree', async () => {
        const r = await treeItems(wb.page, VIEW);
        return active.every((n) => r.some((x) => x.label === n)) ? r : undefined;
      });
      for (const row of rows.filter((r) => r.level === 1)) assert.match(row.description, /^\$[\d,]+\.\d\d$/);
      const header = await wb.page.locator('.pane-header[aria-label^="Projects"], .title').allInnerTexts();
      assert.ok(header.join(' ').includes('Sample data') || (await wb.page.locator('.sidebar').innerText()).includes('Sample data'));
      await expandTreeItem(wb.page, VIEW, active[0] ?? '');
      const children = await waitFor('models under the project', async () => {
        const r = await treeItems(wb.page, VIEW);
        return r.some((x) => x.level === 2 && / in · .* out · .* req$/.test(x.description)) ? r : undefined;
      });
      assert.ok(children.some((x) => x.level === 2 && /^\$/.test(x.description)), 'cost line items under the project');
      await shot(wb, 'sample');
    });
  });
});

describe('a real key against the API', () => {
  const NOW = Date.now();
  let server: FakeServer;
  let wb: Workbench;
  let expectedToday: string;
  let expectedEstimate: number | undefined;
  let monthToDate: number;

  before(async () => {
    server = await startFakeServer({ now: () => NOW });
    // A key that may not read the spend limit (403): usage still shows, and the personal budget of
    // the setting is the one in force (the budget step below sets it).
    server.faults.forbidden = ['spend_limit'];
    const org = createSampleOrg({ now: NOW });
    const summary = summarize(await loadSnapshot(org, { nowMs: NOW, rangeDays: 30 }), { nowMs: NOW, rangeDays: 30 });
    expectedToday = formatMoney(summary.today, 'usd');
    expectedEstimate = summary.todayEstimate && summary.todayEstimate.unbilledEstimate >= 0.005 ? summary.todayEstimate.total : undefined;
    monthToDate = summary.monthToDate;
    wb = await openWorkbench({ name: 'api', settings: { 'openaiUsage.apiBaseUrl': server.url } });
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('a project key gets the admin-key guidance and nothing is stored', async () => {
    await wb.step('project-key', async () => {
      await waitForStatusBarText(wb.page, STATUS, 'OpenAI Usage');
      await runCommand(wb.page, 'Set Admin Key');
      await fillInputBox(wb.page, FAKE_PROJECT_KEY, { submit: true });
      const note = await waitForNotification(wb.page, /Admin key/);
      assert.match(note.message, /sk-admin-/);
      assert.ok(note.buttons.includes('Create an Admin Key'));
      await shot(wb, 'project-key');
      const item = await readStatusBarItem(wb.page, STATUS);
      assert.deepEqual(item.icons, ['key'], 'still no key');
      // Nothing stored: after a reload the extension still has no key.
      await wb.reload();
      const again = await waitForStatusBarText(wb.page, STATUS, 'OpenAI Usage');
      assert.deepEqual(again.icons, ['key']);
      assert.ok(!server.requests.some((r) => r.status === 200), 'no successful request was made with it');
    });
  });

  it("a key set through the palette shows today's exact spend and the project names", async () => {
    await wb.step('admin-key', async () => {
      await runCommand(wb.page, 'Set Admin Key');
      await fillInputBox(wb.page, FAKE_ADMIN_KEY, { submit: true });
      const item = await waitForStatusBarText(wb.page, STATUS, statusWithEstimate(expectedToday), 60_000);
      // Billed to the cent; today's estimate beside it, marked ≈, close to the report's (it is made
      // at another minute than the test's) and never below the billed figure.
      assert.equal(withoutEstimate(item.text), expectedToday);
      if (expectedEstimate !== undefined) {
        const shown = /≈\$([\d,]+\.\d\d)/.exec(item.text)?.[1];
        assert.ok(shown !== undefined, `the estimate is shown: ${item.text}`);
        const value = Number(shown.replace(/,/g, ''));
        assert.ok(Math.abs(value - expectedEstimate) < 0.5 && value >= Number(expectedToday.replace(/[$,]/g, '')), `estimate ${value} ≈ ${expectedEstimate}`);
        assert.match(await readStatusBarTooltip(wb.page, STATUS), /estimated/);
      }
      assert.deepEqual(item.icons, ['graph']);
      const tooltip = await readStatusBarTooltip(wb.page, STATUS);
      for (const part of ['Today (UTC day', 'Yesterday', 'Month to date', 'Month-end forecast', 'Last updated']) assert.ok(tooltip.includes(part), part);
      await openViewContainer(wb.page, 'OpenAI Usage');
      const org = createSampleOrg({ now: NOW });
      const names = org.projectList.filter((p) => p.status === 'active').map((p) => p.name);
      await waitFor('project names in the tree', async () => {
        const rows = await treeItems(wb.page, VIEW);
        return names.every((n) => rows.some((r) => r.label === n)) ? rows : undefined;
      });
      await shot(wb, 'admin-key');
    });
  });

  it('the server going down keeps the old value, marked stale', async () => {
    await wb.step('stale', async () => {
      await server.down();
      await runCommand(wb.page, 'Refresh');
      const item = await waitFor('the stale marker', async () => {
        const s = await readStatusBarItem(wb.page, STATUS);
        return s.icons.includes('warning') ? s : undefined;
      }, 60_000);
      assert.equal(withoutEstimate(item.text), expectedToday, 'the last good value stays');
      assert.match(item.ariaLabel, /stale/);
      const tooltip = await readStatusBarTooltip(wb.page, STATUS);
      assert.match(tooltip, /Stale since/);
      await shot(wb, 'stale');
      await server.up();
    });
  });

  it('crossing the budget turns the status bar to the warning background', async () => {
    await wb.step('budget', async () => {
      await runCommand(wb.page, 'Refresh');
      await waitFor('fresh data', async () => ((await readStatusBarItem(wb.page, STATUS)).icons.includes('graph') ? true : undefined), 60_000);
      assert.equal((await readStatusBarItem(wb.page, STATUS)).kind, undefined);
      // A budget with month to date at 90 % of it: past the 80 % warning, under 100 %.
      const budget = Math.ceil((monthToDate / 0.9) * 100) / 100;
      await runCommand(wb.page, 'Set Monthly Budget');
      await fillInputBox(wb.page, String(budget), { submit: true });
      const warned = await waitFor('the warning background', async () => {
        const s = await readStatusBarItem(wb.page, STATUS);
        return s.kind === 'warning' ? s : undefined;
      });
      assert.equal(withoutEstimate(warned.text), expectedToday);
      await shot(wb, 'budget-warning');
      await runCommand(wb.page, 'Set Monthly Budget');
      await fillInputBox(wb.page, String(Math.floor(monthToDate / 2)), { submit: true });
      await waitFor('the error background', async () => ((await readStatusBarItem(wb.page, STATUS)).kind === 'error' ? true : undefined));
      await shot(wb, 'budget-over');
    });
  });

  it('the key appears in no log, setting, state or storage file, nor in the page text', async () => {
    await wb.step('no-leak', async () => {
      await runCommand(wb.page, 'Show OpenAI Usage');
      await wb.page.waitForTimeout(2000);
      const pageText = await wb.page.evaluate(() => document.body.innerText);
      assert.ok(!pageText.includes(FAKE_ADMIN_KEY), 'not in the page text');
      for (const frame of wb.page.frames()) {
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        assert.ok(!text.includes(FAKE_ADMIN_KEY), `not in frame ${frame.url()}`);
      }
      const files = filesUnder(wb.server.userDataDir);
      const logs = files.filter((f) => f.includes('OpenAI Usage') || f.endsWith('.log'));
      assert.ok(logs.some((f) => f.includes('OpenAI Usage')), `the output channel's log file exists (${logs.length} logs)`);
      const channel = logs.filter((f) => f.includes('OpenAI Usage')).map((f) => readFileSync(f, 'utf8')).join('\n');
      assert.match(channel, /GET \/organization\/costs\?\S+ 200 \d+ ms/, 'requests are logged');
      assert.ok(files.some((f) => f.endsWith('settings.json')));
      const hostLog = files.filter((f) => f.endsWith('exthost.log')).map((f) => readFileSync(f, 'utf8')).join('\n');
      assert.ok(hostLog.length > 0, 'the extension host log exists');
      assert.doesNotMatch(hostLog, /PendingMigrationError|Activating extension .openai-usage-insight.* failed/, 'the extension host logged no error of ours');
      assert.ok(files.some((f) => f.includes('globalStorage')), 'global state and storage files exist');
      for (const f of files) {
        const bytes = readFileSync(f);
        assert.ok(!bytes.includes(Buffer.from(FAKE_ADMIN_KEY)), `the key is not in ${f}`);
        assert.ok(!bytes.includes(Buffer.from(FAKE_PROJECT_KEY)), `the project key is not in ${f}`);
      }
    });
  });
});
