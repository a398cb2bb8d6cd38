// The dashboard panel in a real VS Code (code-server) through Chromium, in sample mode: opened from
// the palette, charts drawn, all eleven endpoint tabs with data (twelve tabs with the overview),
// names for key IDs, the Attribution tab, range and group-by changing the
// table, keyboard sorting, Export Usage… to CSV, restored after a window reload, following a theme
// switch live, and never a CSP violation.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import { FAKE_ADMIN_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';
import { createTinyOrg } from '../server/tinyOrg';
import {
  cspViolations,
  editorTabs,
  fillInputBox,
  openViewContainer,
  openWorkbench,
  pickQuickItem,
  runCommand,
  treeItem,
  waitForNotification,
  waitForQuickInput,
  webviewFrame,
  type Workbench,
  waitFor,
} from './harness';

const TABS: readonly { title: string; column: string }[] = [
  { title: 'Costs', column: 'Cost (USD)' },
  { title: 'Completions', column: 'Cached input tokens' },
  { title: 'Embeddings', column: 'Input tokens' },
  { title: 'Moderations', column: 'Input tokens' },
  { title: 'Images', column: 'Images' },
  { title: 'Audio speeches', column: 'Characters' },
  { title: 'Audio transcriptions', column: 'Seconds' },
  { title: 'Vector stores', column: 'Storage' },
  { title: 'Code interpreter', column: 'Sessions' },
  { title: 'File search', column: 'Calls' },
  { title: 'Web search', column: 'Calls' },
];


/** The dashboard's document (inside the webview's two iframes), once the app has rendered. */
function dashboard(wb: Workbench): Promise<Frame> {
  return webviewFrame(wb.page, 'main#app header.top', 60_000);
}

/** The visible tab panel. */
function activePanel(frame: Frame): Locator {
  return frame.locator('vscode-tab-panel:not([hidden])');
}

async function openTab(frame: Frame, title: string): Promise<void> {
  await frame.locator('vscode-tab-header').filter({ hasText: new RegExp(`^\\s*${title}\\s*$`) }).click();
  await waitFor(`tab ${title}`, async () => ((await frame.locator('vscode-tab-header[active]').innerText()).trim() === title ? true : undefined));
}

interface TableState {
  caption: string;
  headers: string[];
  rows: string[][];
}

/** The data table of the visible tab, once it has rows and is not loading. */
async function readTable(frame: Frame): Promise<TableState> {
  const panel = activePanel(frame);
  await waitFor('table rows', async () => (await panel.locator('.view[aria-busy="false"] table.data tbody tr').count()) > 0);
  return panel.locator('table.data').first().evaluate((t) => ({
    caption: (t.querySelector('caption')?.textContent ?? '').trim(),
    headers: [...t.querySelectorAll('thead th')].map((th) => (th.querySelector('button')?.firstChild?.textContent ?? '').trim()),
    rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())),
  }));
}

/** How many rows the caption says the table has ("… (120 rows)"). */
function captionRows(caption: string): number {
  const m = /\((\d+) rows?/.exec(caption);
  assert.ok(m, `no row count in caption ${caption}`);
  return Number(m[1]);
}

/** Picks an option of a @vscode-elements single select by its visible label. */
async function choose(scope: Locator, label: string, option: string): Promise<void> {
  const select = scope.locator(`vscode-single-select[data-label="${label}"]`);
  await select.click();
  await select.locator('li[role="option"]', { hasText: option }).first().click();
}

/** Opaque pixels of a canvas and its distinct colours (a drawn chart has many of both). */
async function canvasInk(canvas: Locator): Promise<{ opaque: number; colors: string[] }> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return { opaque: 0, colors: [] };
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    const counts = new Map<string, number>();
    for (let i = 0; i < d.length; i += 4) {
      if ((d[i + 3] ?? 0) < 250) continue;
      opaque++;
      const k = `${d[i]},${d[i + 1]},${d[i + 2]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return { opaque, colors: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k) };
  });
}

/** Closes every (empty) untitled editor, one at a time. */
async function closeUntitledEditors(wb: Workbench): Promise<void> {
  for (let i = 0; i < 5 && (await editorTabs(wb.page)).some((t) => t.includes('Untitled')); i++) {
    await wb.page.locator('.tabs-container .tab', { hasText: 'Untitled' }).first().click();
    await runCommand(wb.page, 'Close Editor', { category: 'View' });
    await new Promise((r) => setTimeout(r, 300));
  }
  await waitFor('untitled editors closed', async () => !(await editorTabs(wb.page)).some((t) => t.includes('Untitled')));
}

/** The values of a column of the table, by its header. */
function column(table: TableState, header: string): string[] {
  const i = table.headers.indexOf(header);
  assert.ok(i >= 0, `no column ${header} in ${table.headers.join(', ')}`);
  return table.rows.map((r) => r[i] ?? '');
}

/** A multi-select filter of the visible tab (or the range bar) by its label. */
function multi(scope: Frame | Locator, label: string): Locator {
  return scope.locator(`vscode-multi-select[data-label="${label}"]`);
}

/** The values a multi-select offers. */
async function multiOptions(select: Locator): Promise<string[]> {
  return select.locator('vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
}

/** Sets a multi-select's selection as a pick in its list does (value, then its change event). */
async function setMulti(select: Locator, values: string[]): Promise<void> {
  await select.evaluate((e, v) => {
    const el = e as HTMLElement & { value: string[] };
    el.value = v;
    el.dispatchEvent(new Event('change'));
  }, values);
}

/** Waits until the visible tab's table (not loading) satisfies `ok`. */
async function waitForTable(frame: Frame, what: string, ok: (t: TableState) => boolean): Promise<TableState> {
  return waitFor(what, async () => {
    const t = await readTable(frame);
    return ok(t) ? t : undefined;
  });
}

/** A UTC day `offset` days from today, 'YYYY-MM-DD'. */
function utcDay(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Types a date into one of the custom range fields, as the date picker does (value, change). */
async function setDateField(frame: Frame, label: string, day: string): Promise<void> {
  await frame.locator(`vscode-textfield[aria-label="${label}"]`).evaluate((e, d) => {
    const el = e as HTMLElement & { value: string };
    el.value = d;
    el.dispatchEvent(new Event('change'));
  }, day);
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch ?? '';
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

describe('dashboard panel (sample data)', () => {
  let wb: Workbench;
  let frame: Frame;

  before(async () => {
    wb = await openWorkbench({ name: 'dashboard', env: { OPENAI_USAGE_INSIGHT_SAMPLE: '1' }, viewport: { width: 1400, height: 1000 } });
  });
  after(() => wb?.close());

  it('"Show OpenAI Usage" opens the panel with the sample banner and the overview', async () => {
    await wb.step('open', async () => {
      await runCommand(wb.page, 'Show OpenAI Usage');
      await waitFor('editor tab', async () => (await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')));
      frame = await dashboard(wb);
      await frame.locator('.banner.sample').waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await frame.locator('.banner.sample').innerText(), /Sample data/);
      const cards = activePanel(frame).locator('.overview .cards .card');
      await waitFor('overview cards', async () => (await cards.count()) >= 8);
      const titles = await cards.locator('.card-title').allInnerTexts();
      for (const t of ['Today (UTC)', 'Month to date (UTC)', 'Month-end forecast', 'Input tokens', 'Output tokens', 'Cached input tokens', 'Requests']) {
        assert.ok(titles.includes(t), `card ${t} in ${titles.join(', ')}`);
      }
      assert.match(await frame.locator('.meta').innerText(), /UTC/);
      assert.match(await activePanel(frame).locator('.legend-note').first().innerText(), /Provisional: cost data arrives late/);
    });
  });

  it('draws the overview charts (non-transparent pixels) with text summaries', async () => {
    await wb.step('charts', async () => {
      const canvases = activePanel(frame).locator('.overview canvas');
      assert.equal(await canvases.count(), 2);
      for (let i = 0; i < 2; i++) {
        const canvas = canvases.nth(i);
        const ink = await waitFor('chart pixels', async () => {
          const v = await canvasInk(canvas);
          return v.opaque > 2000 ? v : undefined;
        });
        assert.ok(ink.colors.length >= 3, `colours ${ink.colors.join(' ')}`);
        assert.match((await canvas.getAttribute('aria-label')) ?? '', /^Chart: /);
      }
      assert.match(await activePanel(frame).locator('.chart-summary').first().innerText(), /total \$[\d,.]+/);
      const table = await readTable(frame);
      assert.deepEqual(table.headers, ['Date (UTC)', 'Project', 'Project ID', 'Cost (USD)', 'Provisional']);
      await wb.screenshot('overview-dark');
    });
  });

  it('opens each of the eleven endpoint tabs (twelve with the overview) with its own data', async () => {
    await wb.step('tabs', async () => {
      for (const tab of TABS) {
        await openTab(frame, tab.title);
        const table = await readTable(frame);
        assert.ok(table.caption.startsWith(tab.title), `caption ${table.caption}`);
        assert.ok(table.headers.includes(tab.column), `${tab.title}: ${table.headers.join(', ')}`);
        assert.ok(captionRows(table.caption) > 0);
        const ink = await waitFor(`${tab.title} chart`, async () => {
          const v = await canvasInk(activePanel(frame).locator('canvas').first());
          return v.opaque > 500 ? v : undefined;
        });
        assert.ok(ink.opaque > 500);
      }
      await wb.screenshot('tab-code-interpreter');
    });
  });

  it('the 2026 tabs: file search by vector store and web search by context level, with their filters', async () => {
    await wb.step('tabs-2026', async () => {
      await openTab(frame, 'File search');
      let panel = activePanel(frame);
      await choose(panel, 'Group by', 'Vector store');
      const byStore = await waitForTable(frame, 'grouped by vector store', (t) => t.headers.includes('Vector store'));
      const store = column(byStore, 'Vector store').find((v) => v !== '(none)') ?? '';
      assert.ok(store, 'a vector store in the data');
      assert.ok((await multiOptions(multi(panel, 'Vector stores'))).includes(store), 'the store is offered in its filter');
      await setMulti(multi(panel, 'Vector stores'), [store]);
      await waitForTable(frame, 'only that store', (t) => t.headers.includes('Vector store') && column(t, 'Vector store').every((v) => v === store));

      await openTab(frame, 'Web search');
      panel = activePanel(frame);
      assert.deepEqual(await multiOptions(multi(panel, 'Context levels')), ['low', 'medium', 'high']);
      await choose(panel, 'Group by', 'Context level');
      const byLevel = await waitForTable(frame, 'grouped by context level', (t) => t.headers.includes('Context level'));
      const level = column(byLevel, 'Context level').find((v) => v !== '(none)') ?? '';
      assert.ok(['low', 'medium', 'high'].includes(level), level);
      await setMulti(multi(panel, 'Context levels'), [level]);
      await waitForTable(frame, 'only that level', (t) => column(t, 'Context level').every((v) => v === level));
      const ink = await waitFor('web search chart', async () => {
        const v = await canvasInk(panel.locator('canvas').first());
        return v.opaque > 500 ? v : undefined;
      });
      assert.ok(ink.opaque > 500);
      await wb.screenshot('tab-web-search');
    });
  });

  it('costs grouped by API key show the keys by name (the ID beside), quantities with their unit', async () => {
    await wb.step('costs-by-key', async () => {
      await openTab(frame, 'Costs');
      const panel = activePanel(frame);
      await choose(panel, 'Group by', 'API key');
      const t = await waitForTable(frame, 'costs by key', (x) => x.headers.includes('API key ID'));
      const names = column(t, 'API key');
      const ids = column(t, 'API key ID');
      assert.ok(ids.some((id) => id.startsWith('key_sample_')), ids.join());
      // A key with an ID shows its name, never the bare ID.
      const named = names.filter((n, i) => ids[i] !== '' && n !== ids[i]);
      assert.ok(named.length > 0 && named.length === ids.filter((id) => id !== '').length, names.join());
      assert.ok(names.includes('nightly-batch'), names.join());
      // The quantity reads with its unit ("1.2M tokens", "12 images").
      const quantities = column(t, 'Quantity').filter((q) => q !== '0');
      assert.ok(quantities.some((q) => /\d (tokens|images|characters|seconds|minutes|GiB-hours|hours)$|\d[KMBT] (tokens|characters)$/.test(q)), quantities.slice(0, 5).join(' | '));
      await wb.screenshot('costs-by-key');
    });
  });

  it('the Attribution tab lists keys by name with owner and project, usage by user, and says there is no spend by user', async () => {
    await wb.step('attribution', async () => {
      await openTab(frame, 'Attribution');
      const panel = activePanel(frame);
      const keys = await readTable(frame);
      assert.match(keys.caption, /^Spend by API key/);
      assert.deepEqual(keys.headers, ['API key', 'API key ID', 'Owner', 'Project', 'Cost (USD)']);
      assert.ok(column(keys, 'API key').includes('nightly-batch'), column(keys, 'API key').join());
      assert.ok(column(keys, 'Owner').some((o) => o !== ''));
      assert.ok(column(keys, 'Project').every((p) => !p.startsWith('proj_')), column(keys, 'Project').join());
      const users = panel.locator('table.data').nth(1);
      await waitFor('users table', async () => (await users.locator('tbody tr').count()) > 0);
      assert.match(await panel.innerText(), /Spend by user is not available: the Costs API has no user grouping/);
      const userNames = await users.locator('tbody tr > :first-child').allInnerTexts();
      assert.ok(userNames.every((u) => !u.startsWith('user_') || u.includes('unknown')), userNames.join());
      await wb.screenshot('tab-attribution');
    });
  });

  it('range and group-by change the table; sorting works from the keyboard', async () => {
    await wb.step('controls', async () => {
      await openTab(frame, 'Completions');
      const before = await readTable(frame);
      assert.ok(before.headers.includes('Model'));

      await choose(activePanel(frame), 'Group by', 'Project');
      const grouped = await waitFor('grouped by project', async () => {
        const t = await readTable(frame);
        return t.headers.includes('Project ID') ? t : undefined;
      });
      assert.ok(!grouped.headers.includes('Model'));
      assert.notDeepEqual(grouped.rows, before.rows);

      await choose(frame.locator('.range-bar'), 'Range', 'Last 7 days');
      const week = await waitFor('7-day range', async () => {
        const t = await readTable(frame);
        return captionRows(t.caption) < captionRows(grouped.caption) ? t : undefined;
      });
      const days = new Set(week.rows.map((r) => r[0]));
      assert.equal(days.size, 7, `days ${[...days].join(' ')}`);

      // Keyboard: focus the "Requests" sort button and press Enter, then Space.
      const th = activePanel(frame).locator('table.data thead th', { hasText: 'Requests' });
      await th.locator('button').focus();
      await th.locator('button').press('Enter');
      await waitFor('ascending', async () => (await th.getAttribute('aria-sort')) === 'ascending');
      await activePanel(frame).locator('table.data thead th', { hasText: 'Requests' }).locator('button').press('Space');
      await waitFor('descending', async () => (await activePanel(frame).locator('table.data thead th', { hasText: 'Requests' }).getAttribute('aria-sort')) === 'descending');
      const sorted = await readTable(frame);
      const col = sorted.headers.indexOf('Requests');
      const values = sorted.rows.map((r) => Number((r[col] ?? '').replace(/,/g, '')));
      assert.deepEqual(values, [...values].sort((a, b) => b - a));
      await wb.screenshot('completions-by-project-7d');
    });
  });

  it('a status message does not rebuild an unchanged table (keyboard focus stays in it)', async () => {
    await wb.step('focus', async () => {
      // Keep the last status message the page gets (our listener runs after the app's).
      await frame.evaluate(() => {
        const w = window as Window & { lastStatus?: unknown };
        window.addEventListener('message', (ev: MessageEvent<{ type?: string }>) => {
          if (ev.data?.type === 'status') w.lastStatus = ev.data;
        });
      });
      // A fresh query ends with a status message (the filter options it saw); then back.
      await choose(frame.locator('.range-bar'), 'Range', 'Last 90 days');
      await waitForTable(frame, '90 days', (t) => captionRows(t.caption) > 7 * 4);
      await choose(frame.locator('.range-bar'), 'Range', 'Last 7 days');
      await waitForTable(frame, '7 days', (t) => new Set(t.rows.map((r) => r[0])).size === 7);
      await waitFor('a status message', async () => frame.evaluate(() => (window as Window & { lastStatus?: unknown }).lastStatus !== undefined));

      const region = activePanel(frame).locator('.table-scroll');
      await region.focus();
      await region.evaluate((e) => {
        (e as HTMLElement & { marker?: number }).marker = 1;
      });
      // The host sends a status on every model or settings change; the same one again changes nothing shown.
      await frame.evaluate(() => {
        window.dispatchEvent(new MessageEvent('message', { data: (window as Window & { lastStatus?: unknown }).lastStatus }));
      });
      await frame.evaluate(() => new Promise((r) => setTimeout(r, 100)));
      const focus = await frame.evaluate(() => {
        const a = document.activeElement as (HTMLElement & { marker?: number }) | null;
        return { marker: a?.marker, className: a?.className ?? '' };
      });
      assert.equal(focus.marker, 1, `focus moved to ${focus.className}`);
      assert.equal(await region.evaluate((e) => e.isConnected), true, 'the same table is still shown');
    });
  });

  it('model and API key filters (picked from their lists) narrow every row; a typed model with no data says what to do', async () => {
    await wb.step('filters', async () => {
      await openTab(frame, 'Embeddings');
      const panel = activePanel(frame);
      await choose(panel, 'Group by', 'Model');
      const byModel = await waitForTable(frame, 'grouped by model', (t) => t.headers.includes('Model'));
      const model = column(byModel, 'Model')[0] ?? '';
      assert.ok((await multiOptions(multi(panel, 'Models'))).includes(model), 'the model is in the Models list');
      // The API key and user lists are filled ahead of time (one grouped query), not only from the data shown.
      const keys = await waitFor('API key options', async () => {
        const o = await multiOptions(multi(panel, 'API keys'));
        return o.length >= 3 ? o : undefined;
      });
      assert.ok(keys.every((k) => k.startsWith('key_sample_')), keys.join());
      assert.ok((await multiOptions(multi(panel, 'Users'))).length >= 3, 'user options');

      await setMulti(multi(panel, 'Models'), [model]);
      await choose(panel, 'Group by', 'API key');
      const keysOfModel = await waitForTable(frame, 'keys of the model', (t) => t.headers.includes('API key ID'));
      const row = column(keysOfModel, 'API key ID').findIndex((k) => k.startsWith('key_sample_'));
      const key = column(keysOfModel, 'API key ID')[row] ?? '';
      const keyName = column(keysOfModel, 'API key')[row] ?? '';
      assert.ok(keys.includes(key), `${key} offered`);
      assert.notEqual(keyName, key, 'the key shows by name');
      // Pick the key in its list (by its name), as a user does.
      const keySelect = multi(panel, 'API keys');
      await keySelect.click();
      await keySelect.locator('li.option', { hasText: keyName }).first().click();
      await keySelect.press('Escape');
      const byKey = await waitForTable(frame, 'only the key', (t) => t.headers.includes('API key ID') && column(t, 'API key ID').every((k) => k === key));
      assert.ok(byKey.rows.length > 0);
      await choose(panel, 'Group by', 'Model');
      const both = await waitForTable(frame, 'only the model', (t) => t.headers.includes('Model') && column(t, 'Model').every((m) => m === model));
      assert.ok(both.rows.length > 0);
      assert.ok(captionRows(both.caption) <= captionRows(byModel.caption));
      await wb.screenshot('embeddings-filtered');

      // A typed model (the list only holds what the data showed): no rows, and the next step.
      const models = multi(panel, 'Models');
      // Typed, then the "Add …" suggestion taken from the keyboard (down to it, Enter).
      const input = models.locator('input').first();
      await models.click();
      await input.fill('zz-no-such-model');
      await input.press('ArrowDown');
      await models.locator('li.placeholder.active').waitFor();
      await input.press('Enter');
      const note = panel.locator('.table-box .empty-note');
      await waitFor('the empty table note', async () => (await note.count()) > 0 && (await panel.locator('.view[aria-busy="false"]').count()) > 0);
      assert.match(await note.innerText(), /No data in this range for these filters\. Try to clear the filters or widen the range\./);
      await wb.screenshot('embeddings-empty');
      await note.locator('vscode-button', { hasText: 'Clear filters' }).click();
      await waitForTable(frame, 'filters cleared', (t) => new Set(column(t, 'Model')).size > 1);
      assert.equal((await panel.locator('vscode-multi-select[data-label="Models"] + .selection').innerText()).trim(), 'All');
      await openTab(frame, 'Completions');
    });
  });

  it('Export Usage… writes the current table as CSV', async () => {
    await wb.step('export', async () => {
      const shown = await readTable(frame);
      const target = join(wb.server.folder, 'completions-export.csv');
      await runCommand(wb.page, 'Export Usage…');
      await waitForQuickInput(wb.page);
      await pickQuickItem(wb.page, 'CSV');
      // The save dialog is VS Code's own path input in code-server: replace the path and accept.
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      // Wait for the dialog's own default (the view's name) before replacing it, or it overwrites ours.
      await waitFor('save dialog default name', async () => /openai-usage-completions-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/.test(await input.inputValue()));
      await waitFor('our path in the save dialog', async () => {
        if ((await input.inputValue()) !== target) await input.fill(target);
        await new Promise((r) => setTimeout(r, 300));
        return (await input.inputValue()) === target;
      });
      await input.press('Enter');
      await waitFor('exported file', async () => existsSync(target) && readFileSync(target, 'utf8').length > 0);
      const csv = parseCsv(readFileSync(target, 'utf8'));
      const [header, ...rows] = csv;
      assert.deepEqual(header, shown.headers);
      assert.equal(rows.length, captionRows(shown.caption));
      // Same rows in the same (sorted) order: compare the numbers and names as shown.
      for (let i = 0; i < Math.min(rows.length, shown.rows.length); i++) {
        const csvRow = rows[i] ?? [];
        const tableRow = shown.rows[i] ?? [];
        assert.equal(csvRow[0], tableRow[0]);
        assert.equal(csvRow[1], tableRow[1]);
        for (let c = 3; c < tableRow.length; c++) assert.equal(Number(csvRow[c]), Number((tableRow[c] ?? '').replace(/,/g, '')), `row ${i} col ${c}`);
      }
    });
  });

  it('shows the same view again after the panel was hidden behind another editor', async () => {
    await wb.step('hide', async () => {
      const before = await readTable(frame);
      // A new untitled file in the same group hides the panel (its webview is not retained).
      await runCommand(wb.page, 'New Untitled Text File', { category: 'File' });
      await waitFor('panel hidden', async () => (await wb.page.locator('.tabs-container .tab.active').getAttribute('aria-label'))?.includes('Untitled'));
      await wb.page.locator('.tabs-container .tab', { hasText: 'OpenAI Usage' }).click();
      frame = await dashboard(wb);
      await waitFor('same tab', async () => ((await frame.locator('vscode-tab-header[active]').innerText()).trim() === 'Completions' ? true : undefined));
      const after = await readTable(frame);
      assert.deepEqual(after.headers, before.headers);
      assert.equal(captionRows(after.caption), captionRows(before.caption));
      // Close the (empty) untitled editor again so it does not come back after the reload.
      await closeUntitledEditors(wb);
    });
  });

  it('restores the same tab, range and grouping after a window reload', async () => {
    await wb.step('reload', async () => {
      // VS Code (web) writes the webview's state to the browser's storage when idle; a reload right
      // after the last change can come before that write and restore an older tab (seen in CI).
      await wb.page.waitForTimeout(3_000);
      await wb.reload();
      // The serializer restores the panel's editor tab; its webview loads once it is visible.
      await waitFor('restored editor tab', async () => (await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')), 60_000);
      const tab = wb.page.locator('.tabs-container .tab', { hasText: 'OpenAI Usage' });
      if (!((await tab.getAttribute('class')) ?? '').includes('active')) await tab.click();
      frame = await dashboard(wb);
      await waitFor('restored tab', async () => ((await frame.locator('vscode-tab-header[active]').innerText()).trim() === 'Completions' ? true : undefined), 60_000);
      const table = await readTable(frame);
      assert.ok(table.headers.includes('Project ID'), 'group-by kept');
      assert.equal(new Set(table.rows.map((r) => r[0])).size, 7, 'range kept');
      assert.equal(await activePanel(frame).locator('table.data thead th', { hasText: 'Requests' }).getAttribute('aria-sort'), 'descending');
    });
  });

  it('"Show in Panel" on a tree project reveals the hidden panel filtered to it', async () => {
    await wb.step('show-project', async () => {
      // Hide the panel first: its document is discarded and the filter must wait for the new one.
      await runCommand(wb.page, 'New Untitled Text File', { category: 'File' });
      await waitFor('panel hidden', async () => (await wb.page.locator('.tabs-container .tab.active').getAttribute('aria-label'))?.includes('Untitled'));
      await openViewContainer(wb.page, 'OpenAI Usage');
      const row = treeItem(wb.page, 'Projects', 'Data Pipeline');
      await row.waitFor({ state: 'visible' });
      // The row's inline action (the same command as its context menu entry).
      await row.hover();
      await row.locator('.actions .action-label[aria-label^="Show in Panel"]').click();
      frame = await dashboard(wb);
      await waitFor('project filter', async () => ((await frame.locator('vscode-multi-select[data-label="Projects"]').evaluate((e) => (e as HTMLElement & { value: string[] }).value)).join() === 'proj_sample_data' ? true : undefined));
      assert.equal((await frame.locator('.range-bar .selection').innerText()).trim(), 'Data Pipeline');
      const table = await readTable(frame);
      const id = table.headers.indexOf('Project ID');
      assert.ok(id >= 0);
      assert.deepEqual([...new Set(table.rows.map((r) => r[id]))], ['proj_sample_data']);
      await openTab(frame, 'Overview');
      assert.match(await activePanel(frame).locator('.filter-note').innerText(), /Filtered to Data Pipeline/);
      // Back to every project for the next steps.
      await frame.locator('vscode-multi-select[data-label="Projects"]').evaluate((e) => {
        const el = e as HTMLElement & { value: string[] };
        el.value = [];
        el.dispatchEvent(new Event('change'));
      });
      await waitFor('filter cleared', async () => ((await activePanel(frame).locator('.filter-note').count()) === 0 ? true : undefined));
      assert.equal((await frame.locator('.range-bar .selection').innerText()).trim(), 'All');
      await closeUntitledEditors(wb);
      await wb.page.locator('.tabs-container .tab', { hasText: 'OpenAI Usage' }).click();
      frame = await dashboard(wb);
    });
  });

  it('follows a theme switch live (chart colours re-read) and looks right in light', async () => {
    await wb.step('theme', async () => {
      await openTab(frame, 'Overview');
      const canvas = activePanel(frame).locator('.overview canvas').first();
      const dark = await waitFor('dark chart', async () => {
        const v = await canvasInk(canvas);
        return v.opaque > 2000 ? v : undefined;
      });
      // Default Dark Modern → its preferred light theme (Default Light Modern).
      await runCommand(wb.page, 'Toggle between Light/Dark Themes', { category: 'Preferences' });
      await waitFor('light body class', async () => ((await frame.locator('body').getAttribute('class')) ?? '').includes('vscode-light'), 60_000);
      const light = await waitFor('chart recoloured', async () => {
        const v = await canvasInk(canvas);
        return v.opaque > 2000 && v.colors.join() !== dark.colors.join() ? v : undefined;
      });
      assert.notDeepEqual(light.colors, dark.colors);
      await wb.screenshot('overview-light');
      await openTab(frame, 'Costs');
      await readTable(frame);
      await wb.screenshot('costs-light');
    });
  });

  it('90 days and line items: the overview covers 90 UTC days, provisional days marked', async () => {
    await wb.step('overview-90', async () => {
      await openTab(frame, 'Overview');
      await choose(frame.locator('.range-bar'), 'Range', 'Last 90 days');
      const panel = activePanel(frame);
      await waitFor('90-day cards', async () => ((await panel.locator('.card-title').first().innerText()) === 'Spend, 90 days' ? true : undefined));
      const table = await waitForTable(frame, '90 days of rows', (t) => new Set(t.rows.map((r) => r[0])).size === 90);
      assert.equal(column(table, 'Date (UTC)').at(-1) ?? '', utcDay(0), 'ends today');
      assert.ok(await panel.locator('.legend-note').isVisible(), 'the hatch legend');
      assert.match(await panel.locator('.chart-summary').first().innerText(), new RegExp(`Bars from ${utcDay(-1)} on are provisional \\(hatched\\)`));

      await choose(panel, 'Stack by', 'Line item');
      const items = await waitForTable(frame, 'stacked by line item', (t) => t.headers.includes('Line item'));
      assert.ok(!items.headers.includes('Project'));
      assert.ok(new Set(column(items, 'Line item')).size > 2);
      assert.match(await panel.locator('.chart-summary').first().innerText(), /stacked by line item/);
      await wb.screenshot('overview-90-line-items');
    });
  });

  it('a custom range in the past: its days only, no provisional marker; no day after today can be picked', async () => {
    await wb.step('custom-range', async () => {
      const panel = activePanel(frame);
      // By project: 4 rows a day, all rendered (line items would pass the 500 rows the page shows).
      await choose(panel, 'Stack by', 'Project');
      await choose(frame.locator('.range-bar'), 'Range', 'Custom dates…');
      await frame.locator('.custom-dates').waitFor({ state: 'visible' });
      // The date pickers stop at today (UTC).
      for (const label of ['First day (UTC)', 'Last day (UTC)']) {
        assert.equal(await frame.locator(`vscode-textfield[aria-label="${label}"] input`).getAttribute('max'), utcDay(0));
      }
      await setDateField(frame, 'First day (UTC)', utcDay(-59));
      await setDateField(frame, 'Last day (UTC)', utcDay(-40));
      await waitFor('20-day cards', async () => ((await panel.locator('.card-title').first().innerText()) === 'Spend, 20 days' ? true : undefined));
      const table = await waitForTable(frame, '20 days', (t) => new Set(t.rows.map((r) => r[0])).size === 20);
      assert.equal(column(table, 'Date (UTC)')[0], utcDay(-59));
      assert.ok(column(table, 'Provisional').every((p) => p === 'no'));
      assert.equal(await panel.locator('.legend-note').isVisible(), false, 'no hatch legend without provisional days');
      assert.doesNotMatch(await panel.locator('.chart-summary').first().innerText(), /provisional/);
      await wb.screenshot('overview-custom-past');

      // A last day after today is refused in the page; the view stays as it was.
      await setDateField(frame, 'Last day (UTC)', utcDay(5));
      assert.match(await frame.locator('.range-note').innerText(), /no later than today/);
      assert.equal(await frame.locator('vscode-textfield[aria-label="Last day (UTC)"]').getAttribute('invalid'), '');
      assert.equal(await panel.locator('.card-title').first().innerText(), 'Spend, 20 days');
      await setDateField(frame, 'Last day (UTC)', utcDay(-40));
    });
  });

  it('hour buckets: at most the last 7 days of the range, with a note saying so', async () => {
    await wb.step('hours', async () => {
      await choose(frame.locator('.range-bar'), 'Range', 'Last 30 days');
      await openTab(frame, 'Completions');
      const panel = activePanel(frame);
      await choose(panel, 'Bucket', 'Hour');
      const table = await waitForTable(frame, 'hour rows', (t) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(t.rows[0]?.[0] ?? ''));
      const hours = new Set(column(table, 'Start (UTC)'));
      assert.ok(hours.size > 24 && hours.size <= 168, `${hours.size} hours`);
      const note = panel.locator('p.note').first();
      assert.equal(await note.innerText(), 'Hour buckets show at most the last 7 days of the range.');
      assert.match(await panel.locator('h2').first().innerText(), /per hour/);
      await wb.screenshot('completions-hours');
      await choose(panel, 'Bucket', 'Day');
      await waitFor('note hidden', async () => !(await note.isVisible()));
    });
  });

  it('shows no Content-Security-Policy violation in the console, and the webview logs no error or warning', () => {
    const violations = cspViolations(wb.console);
    assert.deepEqual(violations, [], violations.map((v) => `${v.url}: ${v.text}`).join('\n'));
    // What our own script logs (dist/webview/main.js): e.g. a missing codicon stylesheet would make
    // @vscode-elements warn. (VS Code's own webview frame warns about its sandbox: not ours.)
    const ours = wb.console.filter((e) => (e.type === 'error' || e.type === 'warning') && (/dist\/webview\//.test(e.url) || /VSCode Elements/.test(e.text)));
    assert.deepEqual(ours, [], ours.map((v) => `${v.type} ${v.url}: ${v.text}`).join('\n'));
  });

  it('would have seen a violation: an inline style in the webview is refused and reported', async () => {
    // The canary proves the check above looks at the right console: the CSP really applies in
    // the dashboard's frame (no 'unsafe-inline') and its refusals reach the page's console.
    const before = cspViolations(wb.console).length;
    await frame.evaluate(() => {
      const probe = document.createElement('div');
      probe.innerHTML = '<span style="color: red">canary</span>';
      document.body.append(probe);
      probe.remove();
    });
    await waitFor('the canary violation', async () => cspViolations(wb.console).length > before);
  });

  it('with no panel open, Export Usage… writes the overview (daily spend by project) from the snapshot', async () => {
    await wb.step('export-no-panel', async () => {
      await runCommand(wb.page, 'Close All Editors', { category: 'View' });
      await waitFor('panel closed', async () => !(await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')));
      const target = join(wb.server.folder, 'overview-export.csv');
      await runCommand(wb.page, 'Export Usage…');
      await waitForQuickInput(wb.page);
      await pickQuickItem(wb.page, 'CSV');
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      await waitFor('save dialog default name', async () => /openai-usage-overview-[\d_-]+\.csv$/.test(await input.inputValue()));
      await waitFor('our path in the save dialog', async () => {
        if ((await input.inputValue()) !== target) await input.fill(target);
        await new Promise((r) => setTimeout(r, 300));
        return (await input.inputValue()) === target;
      });
      await input.press('Enter');
      await waitFor('exported file', async () => existsSync(target) && readFileSync(target, 'utf8').length > 0);
      const [header, ...rows] = parseCsv(readFileSync(target, 'utf8'));
      assert.deepEqual(header, ['Date (UTC)', 'Project', 'Project ID', 'Cost (USD)', 'Provisional']);
      // The default range (30 UTC days) of the four sample projects, the last two days provisional.
      const days = [...new Set(rows.map((r) => r[0]))];
      assert.equal(days.length, 30);
      assert.ok(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[0] ?? '') && Number(r[3]) > 0));
      assert.deepEqual([...new Set(rows.filter((r) => r[4] === 'yes').map((r) => r[0]))], days.slice(-2));
    });
  });

  it('"Show in Panel" with no panel open opens one filtered to the project', async () => {
    await wb.step('show-project-no-panel', async () => {
      assert.ok(!(await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')), 'no panel open');
      await openViewContainer(wb.page, 'OpenAI Usage');
      const row = treeItem(wb.page, 'Projects', 'Data Pipeline');
      await row.waitFor({ state: 'visible' });
      await row.hover();
      await row.locator('.actions .action-label[aria-label^="Show in Panel"]').click();
      await waitFor('panel opened', async () => (await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')));
      frame = await dashboard(wb);
      await waitFor('filtered overview', async () => /Filtered to Data Pipeline/.test(await activePanel(frame).locator('.filter-note').innerText().catch(() => '')));
      assert.equal((await frame.locator('.range-bar .selection').innerText()).trim(), 'Data Pipeline');
      const table = await readTable(frame);
      assert.deepEqual([...new Set(column(table, 'Project ID'))], ['proj_sample_data']);
    });
  });
});

describe('dashboard panel (no key, then the API through the loopback fake)', () => {
  let server: FakeServer;
  let wb: Workbench;
  let frame: Frame;

  before(async () => {
    // The tiny organisation: other project, key and user IDs than the sample organisation's.
    server = await startFakeServer({ data: createTinyOrg() });
    wb = await openWorkbench({ name: 'dashboard-api', settings: { 'openaiUsage.apiBaseUrl': server.url }, viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('with no key and no sample data, the panel says how to start; Export says the same', async () => {
    await wb.step('no-key', async () => {
      await runCommand(wb.page, 'Show OpenAI Usage');
      frame = await dashboard(wb);
      const empty = frame.locator('section.empty');
      await empty.waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(await empty.locator('h2').innerText(), 'No Admin key set');
      assert.match(await empty.innerText(), /Admin key/);
      assert.deepEqual(
        (await empty.locator('vscode-button').allInnerTexts()).map((t) => t.trim()),
        ['Set Admin Key', 'Try with Sample Data'],
      );
      assert.equal(await frame.locator('.dashboard').isVisible(), false);
      await wb.screenshot('no-key');
      // With the panel open but nothing to show: the no-key advice, not "wait for it to load".
      await runCommand(wb.page, 'Export Usage…');
      const note = await waitForNotification(wb.page, /No usage data to export/);
      assert.match(note.message, /set an Admin key \(or try sample data\)/);
    });
  });

  it('sample data, then a real key: sample projects, keys and users do not carry over', async () => {
    await wb.step('sample-to-key', async () => {
      await frame.locator('section.empty vscode-button', { hasText: 'Try with Sample Data' }).click();
      await frame.locator('.banner.sample').waitFor({ state: 'visible', timeout: 60_000 });
      // The project list can arrive after the banner: pick once the option exists, and again
      // until the page shows the choice (a slow first start can re-render the select meanwhile).
      await waitFor('sample project options', async () => ((await multiOptions(multi(frame, 'Projects'))).includes('proj_sample_data') ? true : undefined), 60_000);
      await waitFor(
        'project filter',
        async () => {
          if ((await frame.locator('.range-bar .selection').innerText()).trim() === 'Data Pipeline') return true;
          await setMulti(multi(frame, 'Projects'), ['proj_sample_data']);
          return undefined;
        },
        60_000,
      );
      await openTab(frame, 'Completions');
      await waitFor('sample API keys', async () => (await multiOptions(multi(activePanel(frame), 'API keys'))).some((k) => k.startsWith('key_sample_')));

      await runCommand(wb.page, 'Set Admin Key');
      await fillInputBox(wb.page, FAKE_ADMIN_KEY, { submit: true });
      await waitFor('the sample banner gone', async () => (await frame.locator('.banner.sample').count()) === 0, 60_000);
      // The sample project is not in the real organisation: its filter is dropped, not kept silently empty.
      await waitFor('project filter dropped', async () => ((await frame.locator('.range-bar .selection').innerText()).trim() === 'All' ? true : undefined), 60_000);
      const table = await waitForTable(frame, 'the real organisation', (t) => column(t, 'Model').every((m) => m === 'gpt-a' || m === 'gpt-b'));
      assert.ok(table.rows.length > 0);
      const keys = await waitFor('the real API keys only', async () => {
        const o = await multiOptions(multi(activePanel(frame), 'API keys'));
        return o.length > 0 && o.every((k) => /^key_\d$/.test(k)) ? o : undefined;
      });
      assert.deepEqual(keys, ['key_0', 'key_1', 'key_2']);
      assert.deepEqual(await multiOptions(multi(activePanel(frame), 'Users')), ['user_0', 'user_1']);
      await wb.screenshot('real-key');
    });
  });

  it('a failed query keeps the previous numbers dimmed, marked as the previous selection; Try again recovers', async () => {
    await wb.step('query-error', async () => {
      const panel = activePanel(frame);
      const content = panel.locator('.tab-content');
      const staleNote = panel.locator('.stale-note');
      server.faults.malformedJson = true;
      await choose(frame.locator('.range-bar'), 'Range', 'Last 7 days');
      await panel.locator('.query-state .error-text').waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await staleNote.innerText(), /Showing the previous selection: the current one could not be loaded/);
      assert.match((await content.getAttribute('class')) ?? '', /\bstale\b/);
      assert.ok(await content.isVisible(), 'the previous numbers stay, dimmed');
      assert.deepEqual((await panel.locator('.query-state vscode-button').allInnerTexts()).map((t) => t.trim()), ['Try again']);
      await wb.screenshot('query-error');

      server.faults.malformedJson = false;
      await panel.locator('.query-state vscode-button', { hasText: 'Try again' }).click();
      await waitForTable(frame, 'seven days', (t) => new Set(t.rows.map((r) => r[0])).size === 7);
      await waitFor('no stale note', async () => !(await staleNote.isVisible()));
      assert.doesNotMatch((await content.getAttribute('class')) ?? '', /\bstale\b/);
    });
  });

  it('a key the API now rejects: the stale banner, and the failed view offers Set Admin Key', async () => {
    await wb.step('key-rejected', async () => {
      server.setKeys('sk-admin-someone-else-0000');
      await runCommand(wb.page, 'Refresh');
      const banner = frame.locator('.banner.stale');
      await banner.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await banner.innerText(), /Stale since/);
      await openTab(frame, 'Embeddings');
      const panel = activePanel(frame);
      await panel.locator('.query-state .error-text').waitFor({ state: 'visible', timeout: 60_000 });
      assert.deepEqual((await panel.locator('.query-state vscode-button').allInnerTexts()).map((t) => t.trim()), ['Try again', 'Set Admin Key']);
      await wb.screenshot('key-rejected');
      server.setKeys(FAKE_ADMIN_KEY);
    });
  });
});
