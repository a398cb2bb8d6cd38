// A whole team on one key: a team server (`openai-usage-insight serve`) holds the admin key and
// refreshes from the loopback fake API; an engineer's VS Code connects with its URL and read token
// through "Connect to Team Server…" and shows the organisation's figures, with no admin key set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { startTeamServer, type TeamServer } from '../../src/cli/serve';
import { summarize } from '../../src/report/summary';
import { formatMoney } from '../../src/shared/format';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { FAKE_ADMIN_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';
import { fillInputBox, openViewContainer, openWorkbench, readStatusBarTooltip, runCommand, waitFor, waitForNotification, waitForStatusBarText, type Workbench } from './harness';

const STATUS = 'openaiUsage.status';
/** An obviously fake read token (the server wants 16 characters or more). */
const READ_TOKEN = 'team-read-token-test-fake-0123';

describe('a team server instead of an admin key', () => {
  const NOW = Date.now();
  let api: FakeServer;
  let team: TeamServer;
  let wb: Workbench;
  let expectedToday: string;

  before(async () => {
    api = await startFakeServer({ now: () => NOW });
    team = await startTeamServer({
      source: new UsageClient({ baseUrl: api.url, apiKey: FAKE_ADMIN_KEY, now: () => NOW }),
      now: () => NOW,
      host: '127.0.0.1',
      port: 0,
      refreshSeconds: 3600,
      token: READ_TOKEN,
      scrub: (text) => text.split(FAKE_ADMIN_KEY).join('***'),
    });
    await team.refresh();
    const org = createSampleOrg({ now: NOW });
    expectedToday = formatMoney(summarize(await loadSnapshot(org, { nowMs: NOW, rangeDays: 30 }), { nowMs: NOW, rangeDays: 30 }).today, 'usd');
    wb = await openWorkbench({ name: 'team' });
  });
  after(async () => {
    await wb?.close();
    await team?.close();
    await api?.close();
  });

  it('a wrong token changes nothing and says why', async () => {
    await wb.step('team-wrong-token', async () => {
      await waitForStatusBarText(wb.page, STATUS, 'OpenAI Usage');
      await runCommand(wb.page, 'Connect to Team Server…');
      await fillInputBox(wb.page, team.url, { submit: true });
      await fillInputBox(wb.page, 'not-the-read-token-0000000', { submit: true });
      const note = await waitForNotification(wb.page, /team server did not answer/);
      assert.match(note.message, /nothing was changed/);
      const item = await waitForStatusBarText(wb.page, STATUS, 'OpenAI Usage');
      assert.deepEqual(item.icons, ['key'], 'still nothing connected');
      await wb.screenshot('team-wrong-token');
    });
  });

  it('the URL and the read token show the organisation’s figures, and say where they come from', async () => {
    await wb.step('team-connected', async () => {
      await runCommand(wb.page, 'Connect to Team Server…');
      await fillInputBox(wb.page, team.url, { submit: true });
      await fillInputBox(wb.page, READ_TOKEN, { submit: true });
      const item = await waitForStatusBarText(wb.page, STATUS, expectedToday, 60_000);
      assert.deepEqual(item.icons, ['graph']);
      const tooltip = await readStatusBarTooltip(wb.page, STATUS);
      assert.ok(tooltip.includes('Month to date'), tooltip);
      await openViewContainer(wb.page, 'OpenAI Usage');
      await waitFor('the tree says the data is from the team server', async () => {
        const text = await wb.page.locator('.pane-header, .pane-body').allInnerTexts();
        return text.some((t) => /team server/i.test(t)) ? true : undefined;
      });
      // Only the read token travelled: the API saw the server's admin key, and no request of the
      // editor reached it directly.
      assert.ok(api.requests.length > 0);
      await wb.screenshot('team-connected');
      for (const frame of wb.page.frames()) {
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        assert.ok(!text.includes(FAKE_ADMIN_KEY) && !text.includes(READ_TOKEN), 'no key or token on screen');
      }
    });
  });
});
