// Smoke test of the e2e harness: the packaged extension is installed in a real VS Code
// (code-server), its command is found in the palette by its title and runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openWorkbench, runCommand } from './harness';
import type { Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench({ name: 'smoke' });
});

after(async () => {
  await wb?.close();
});

test('the workbench renders with the extension installed', async () => {
  await wb.step('workbench', async () => {
    await wb.page.locator('.activitybar').waitFor({ state: 'visible' });
    await wb.screenshot('workbench');
  });
});

test('"Show OpenAI Usage" is found in the palette and runs', async () => {
  await wb.step('show-command', async () => {
    await runCommand(wb.page, 'Show OpenAI Usage');
    // It opens the dashboard panel in the editor area.
    await wb.page.locator('.tabs-container .tab[aria-label*="OpenAI Usage"]').waitFor();
    assert.ok((await wb.page.locator('.tabs-container .tab[aria-label*="OpenAI Usage"]').count()) === 1);
    await wb.screenshot('after-show');
  });
});
