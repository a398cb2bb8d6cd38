// Spend awareness in a real VS Code (code-server) against the loopback fake API: crossing the
// budget's warning percent raises exactly one notification, and not again after a window reload;
// "Set Spend Limit…" changes the organisation's limit on the server after the modal confirmation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { dontShowAgainAction, showUsageAction } from '../../src/app/alerts';
import { projectBudgets, spendFigures } from '../../src/report/budgets';
import { estimateDay } from '../../src/report/estimate';
import { addDays, dayStartOfMs, isoDate } from '../../src/shared/time';
import { formatMoney } from '../../src/shared/format';
import { loadSnapshot } from '../../src/usage/loader';
import type { Page } from 'playwright-core';
import { FAKE_ADMIN_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';
import {
  fillInputBox,
  openWorkbench,
  pickQuickItem,
  readStatusBarItem,
  runCommand,
  waitFor,
  waitForNotification,
  webviewFrame,
  type Workbench,
} from './harness';

const STATUS = 'openaiUsage.status';
/** Our alerts' wording (src/app/alerts.ts alertMessage). */
const ALERT = /OpenAI spend this month|by the end of the month|is a spike/;

/** Every notification in the notification center (opened first), newest first. */
async function centerNotifications(page: Page): Promise<{ message: string; buttons: string[] }[]> {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) await runCommand(page, 'Show Notifications', { category: 'Notifications' });
  await center.waitFor({ state: 'visible' });
  return center.locator('.notification-list-item').evaluateAll((items) =>
    items.map((n) => ({
      message: (n.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
      buttons: [...n.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => (b.textContent ?? '').trim()),
    })),
  );
}

describe('spend alerts and the spend limit', () => {
  const NOW = Date.now();
  let server: FakeServer;
  let wb: Workbench;
  let api: UsageClient;
  let limitCents: number;

  before(async () => {
    server = await startFakeServer({ now: () => NOW });
    api = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, now: () => NOW });
    // The organisation's hard limit is set so month to date (today's estimate included) is at 85 %
    // of it: past the 80 % warning, under 100 %, whatever day of the month the test runs on (the
    // extension's estimate, a moment later, may differ a little: hence not closer to either edge).
    const snapshot = await loadSnapshot(api, { nowMs: NOW, rangeDays: 30 });
    const { monthToDate } = spendFigures(snapshot, NOW);
    assert.ok(monthToDate > 0, 'the sample organisation spends');
    limitCents = Math.round((monthToDate / 0.85) * 100);
    await api.setSpendLimit({}, { thresholdCents: limitCents });
    wb = await openWorkbench({
      name: 'budgets',
      settings: {
        'openaiUsage.apiBaseUrl': server.url,
        'openaiUsage.alerts.enabled': true,
        // Only the budget alert is under test: no day of the sample is 100 × its median.
        'openaiUsage.alerts.spikeFactor': 100,
        'openaiUsage.refreshIntervalMinutes': 0,
      },
    });
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('crossing the warning percent raises exactly one notification, and not again after a reload', async () => {
    await wb.step('alert-once', async () => {
      await runCommand(wb.page, 'Set Admin Key');
      await fillInputBox(wb.page, FAKE_ADMIN_KEY, { submit: true });
      // VS Code shows at most three toasts; one that comes while the key check's and the refresh's
      // are up goes to the notification center only. The center holds every notification.
      const alerts = await waitFor('the spend alert', async () => {
        const found = (await centerNotifications(wb.page)).filter((n) => ALERT.test(n.message));
        return found.length > 0 ? found : undefined;
      }, 60_000);
      const note = alerts[0];
      assert.ok(note);
      assert.match(note.message, /has reached \d+ % of the organization's hard spend limit/);
      const percent = Number(/reached (\d+) %/.exec(note.message)?.[1]);
      assert.ok(percent >= 80 && percent < 100, note.message);
      assert.deepEqual(note.buttons, [showUsageAction(), dontShowAgainAction()]);
      assert.ok(note.message.includes(`of ${formatMoney(limitCents / 100, 'usd')}`), note.message);
      // Give a late second alert time to show: there must be none.
      await wb.page.waitForTimeout(3_000);
      assert.equal((await centerNotifications(wb.page)).filter((n) => ALERT.test(n.message)).length, 1, 'exactly one alert');
      await wb.screenshot('alert-once');

      const costsBefore = server.requests.filter((r) => r.path === '/organization/costs').length;
      await wb.reload();
      // The reloaded window shows the data kept on disk, then refreshes at start-up.
      await waitFor('a refresh after the reload', async () => server.requests.filter((r) => r.path === '/organization/costs').length > costsBefore, 60_000);
      await waitFor('fresh figures', async () => ((await readStatusBarItem(wb.page, STATUS)).icons.includes('graph') ? true : undefined), 60_000);
      await runCommand(wb.page, 'Refresh');
      await wb.page.waitForTimeout(4_000);
      const after = (await centerNotifications(wb.page)).filter((n) => ALERT.test(n.message));
      assert.deepEqual(after, [], 'not shown again after the reload');
    });
  });

  it('Set Spend Limit… changes the organisation limit on the server after the confirmation', async () => {
    await wb.step('set-limit', async () => {
      await runCommand(wb.page, 'Hide Notifications', { category: 'Notifications' });
      await runCommand(wb.page, 'Set Spend Limit…');
      await pickQuickItem(wb.page, 'Organization');
      await pickQuickItem(wb.page, 'Change the limit…');
      await fillInputBox(wb.page, '1,234', { submit: true });
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), /Set the organization's hard spend limit to \$1,234\.00 a month\?/);
      assert.equal((await api.getSpendLimit({}))?.thresholdCents, limitCents, 'nothing written before the confirmation');
      await wb.screenshot('set-limit-confirm');
      await dialog.locator('.monaco-button', { hasText: 'Set Limit' }).first().click();
      await dialog.waitFor({ state: 'hidden' });
      await waitFor('the new limit on the server', async () => (await api.getSpendLimit({}))?.thresholdCents === 123_400);
      await waitForNotification(wb.page, /hard spend limit of the organization is now \$1,234\.00 a month/);
      assert.ok(server.requests.some((r) => r.method === 'POST' && r.path === '/organization/spend_limit' && r.status === 200));
    });
  });

  it("the dashboard shows a project's hard limit as a card, and says the estimated bar segment in words", async () => {
    await wb.step('dashboard-limits', async () => {
      const project = { id: 'proj_sample_support', name: 'Support Assistant' };
      await api.setSpendLimit({ projectId: project.id }, { thresholdCents: 5_000_000 });
      const snapshot = await loadSnapshot(api, { nowMs: NOW, rangeDays: 30, budgets: true });
      const expected = projectBudgets(snapshot, NOW).find((b) => b.projectId === project.id);
      assert.equal(expected?.limit, 50_000);
      // Refresh (asked for: project limits are read again), then the dashboard.
      const reads = (): number => server.requests.filter((r) => r.method === 'GET' && r.path === `/organization/projects/${project.id}/spend_limit` && r.status === 200).length;
      const readsBefore = reads();
      await runCommand(wb.page, 'Refresh');
      await waitFor('the project limit read again', async () => reads() > readsBefore, 60_000);
      await runCommand(wb.page, 'Show OpenAI Usage');
      const frame = await webviewFrame(wb.page, 'main#app header.top', 60_000);
      const card = frame.locator('.card', { has: frame.locator('.card-title', { hasText: `Limit: ${project.name}` }) });
      await card.waitFor({ state: 'visible', timeout: 60_000 });
      const sub = (await card.locator('.card-sub').innerText()).trim();
      assert.equal(sub, `${formatMoney(expected?.monthToDate ?? NaN, 'usd')} of $50,000.00 this month`);
      assert.equal((await card.locator('.card-value').innerText()).trim(), `${Math.round(expected?.percent ?? NaN)}%`);

      // The chart's text equivalent names each day with an estimated, not-yet-billed part.
      const today = dayStartOfMs(NOW);
      const estimated = [addDays(today, -1), today]
        .map((day) => ({ day, e: estimateDay({ nowMs: NOW, costs: snapshot.costs, usage: snapshot.usage, currency: snapshot.currency }, day) }))
        .filter(({ e }) => e.unbilledEstimate >= 0.005);
      const summary = await waitFor('the spend chart summary', async () => {
        const text = (await frame.locator('.chart-summary').first().innerText()).trim();
        return text.startsWith('Daily spend') ? text : undefined;
      }, 60_000);
      for (const { day } of estimated) assert.match(summary, new RegExp(`${isoDate(day)}: about \\$[\\d,.]+ more is estimated, not billed yet`), summary);
      if (estimated.length === 0) assert.doesNotMatch(summary, /estimated, not billed yet/);
      await wb.screenshot('dashboard-limits');
    });
  });
});
