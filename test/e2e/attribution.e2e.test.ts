// Issue 10 in a real VS Code (code-server): the tree grouped by API keys ("Group Tree By…") shows
// each key under its name with its spend, against the loopback fake API; the view says the grouping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatMoney } from '../../src/shared/format';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { treeKeys } from '../../src/views/derive';
import type { TreeKey } from '../../src/views/treeText';
import { FAKE_ADMIN_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';
import { fillInputBox, openViewContainer, openWorkbench, pickQuickItem, readStatusBarItem, runCommand, treeItems, viewPane, waitFor, type Workbench } from './harness';

const STATUS = 'openaiUsage.status';
const VIEW = 'Projects';

describe('attribution: the tree by API key', () => {
  const NOW = Date.now();
  let server: FakeServer;
  let wb: Workbench;
  let keys: TreeKey[];

  before(async () => {
    server = await startFakeServer({ now: () => NOW });
    const org = createSampleOrg({ now: NOW });
    const snapshot = await loadSnapshot(org, { nowMs: NOW, rangeDays: 30 });
    keys = treeKeys(snapshot, snapshot.currency, NOW, 30).filter((k) => k.id !== '' && k.spend > 0);
    wb = await openWorkbench({ name: 'attribution', settings: { 'openaiUsage.apiBaseUrl': server.url } });
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('Group Tree By… → API Keys: key names with their spend and owner, the grouping in the description', async () => {
    await wb.step('by-key', async () => {
      await runCommand(wb.page, 'Set Admin Key');
      await fillInputBox(wb.page, FAKE_ADMIN_KEY, { submit: true });
      await waitFor('live data', async () => ((await readStatusBarItem(wb.page, STATUS)).icons.includes('graph') ? true : undefined), 60_000);
      await openViewContainer(wb.page, 'OpenAI Usage');
      await runCommand(wb.page, 'Group Tree By…');
      await pickQuickItem(wb.page, 'API Keys');
      assert.ok(keys.length > 2);
      const rows = await waitFor('key names in the tree', async () => {
        const r = await treeItems(wb.page, VIEW);
        return keys.every((k) => r.some((x) => x.label === k.name)) ? r : undefined;
      });
      for (const k of keys) {
        const row = rows.find((x) => x.label === k.name);
        assert.ok(row, k.name);
        assert.notEqual(k.name, k.id, 'a name, not the ID');
        assert.equal(row.description, [formatMoney(k.spend, 'usd'), k.owner].filter(Boolean).join(' · '), k.name);
      }
      const header = await viewPane(wb.page, VIEW).locator('.pane-header').innerText();
      const sidebar = await wb.page.locator('.sidebar').innerText();
      assert.ok(header.includes('by API key') || sidebar.includes('by API key'), 'the description says the grouping');
      await wb.screenshot('tree-by-key');
    });
  });
});
