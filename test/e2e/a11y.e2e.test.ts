// Accessibility of the dashboard in a real VS Code (code-server) through Chromium, on sample data:
// axe-core over the webview's own document (overview and an endpoint tab) in dark, light and both
// high contrast themes with no serious or critical violation; the dashboard driven from the
// keyboard alone (tabs, range, table sort) with a visible focus; every chart with a text
// equivalent. It also makes the README's screenshots (docs/images/*.png).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { outputDir, repoRoot } from '../../scripts/e2e/paths.mjs';
import {
  editorTabs,
  expandTreeItem,
  fillInputBox,
  openViewContainer,
  openWorkbench,
  runCommand,
  statusBarItem,
  treeItem,
  waitFor,
  waitForStatusBarText,
  pickQuickItem,
  webviewFrame,
  type Workbench,
} from './harness';

const AXE_SOURCE = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const DOCS_IMAGES = join(repoRoot, 'docs', 'images');
const SAMPLE_ENV = { OPENAI_USAGE_INSIGHT_SAMPLE: '1' };
const VIEWPORT = { width: 1280, height: 800 };

interface AxeNode {
  readonly target: unknown[];
  readonly html: string;
  readonly failureSummary?: string;
}
interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly nodes: readonly AxeNode[];
}
interface AxeResults {
  readonly violations: readonly AxeViolation[];
  readonly passes: readonly { id: string }[];
}

/** How axe got into the frame, for the report: a script tag, or (when the CSP refuses it) evaluation. */
const injectedBy: string[] = [];

/**
 * Puts axe-core into the dashboard's frame. A script tag comes first, as a page would load it; the
 * webview's CSP (scripts by nonce only) refuses an inline one, so the source is then evaluated
 * through the DevTools protocol, which no page CSP governs (as @axe-core/playwright does).
 */
async function injectAxe(frame: Frame): Promise<void> {
  const present = (): Promise<boolean> => frame.evaluate(() => typeof (window as Window & { axe?: unknown }).axe === 'object');
  if (await present()) return;
  try {
    await frame.addScriptTag({ content: AXE_SOURCE });
  } catch {
    // Refused: evaluated below.
  }
  if (await present()) {
    injectedBy.push('script tag');
    return;
  }
  await frame.evaluate(AXE_SOURCE);
  assert.ok(await present(), 'axe-core could not be loaded into the webview frame');
  injectedBy.push('evaluate');
}

/** Runs axe over the whole dashboard document; writes the full result to test-output. */
async function runAxe(frame: Frame, name: string): Promise<AxeResults> {
  await injectAxe(frame);
  const results = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<unknown> } }).axe;
    const r = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string; failureSummary?: string }[] }[];
      passes: { id: string }[];
    };
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) })), passes: r.passes.map((p) => ({ id: p.id })) };
  });
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, `axe-${name}.json`), JSON.stringify(results, null, 2));
  return results as AxeResults;
}

function assertNoSeriousViolation(results: AxeResults, where: string): void {
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 3).map((n) => `  ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}\n    ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
  assert.deepEqual(bad.map((v) => v.id), [], `${where}:\n${text}`);
  // axe really looked: a document it could not read would pass nothing.
  assert.ok(results.passes.length > 10, `${where}: axe passed only ${results.passes.length} rules`);
}

/** The screenshots the README shows (docs/images/<name>.png, committed); the rest stay in test-output. */
const README_IMAGES = new Set([
  'dashboard-dark',
  'tree-dark',
  'status-bar-tooltip-dark',
  'tab-completions-dark',
  'dashboard-light',
  'tab-costs-light',
  'dashboard-high-contrast',
  'dashboard-high-contrast-light',
  'walkthrough-dark',
]);

/** Saves a screenshot to test-output/e2e and, when the README shows it, to docs/images. */
async function docShot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  const file = join(outputDir, `a11y-${name}.png`);
  await page.screenshot({ path: file, clip });
  if (!README_IMAGES.has(name)) return;
  mkdirSync(DOCS_IMAGES, { recursive: true });
  copyFileSync(file, join(DOCS_IMAGES, `${name}.png`));
}

/** The union of two boxes, padded and kept inside the viewport. */
function around(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }, pad: number): { x: number; y: number; width: number; height: number } {
  const x = Math.max(0, Math.min(a.x, b.x) - pad);
  const y = Math.max(0, Math.min(a.y, b.y) - pad);
  const right = Math.min(VIEWPORT.width, Math.max(a.x + a.width, b.x + b.width) + pad);
  const bottom = Math.min(VIEWPORT.height, Math.max(a.y + a.height, b.y + b.height) + pad);
  return { x, y, width: right - x, height: bottom - y };
}

function dashboard(wb: Workbench): Promise<Frame> {
  return webviewFrame(wb.page, 'main#app header.top', 60_000);
}

function activePanel(frame: Frame): Locator {
  return frame.locator('vscode-tab-panel:not([hidden])');
}

async function activeTab(frame: Frame): Promise<string> {
  return (await frame.locator('vscode-tab-header[active]').innerText()).trim();
}

async function openTab(frame: Frame, title: string): Promise<void> {
  await frame.locator('vscode-tab-header').filter({ hasText: new RegExp(`^\\s*${title}\\s*$`) }).click();
  await waitFor(`tab ${title}`, async () => ((await activeTab(frame)) === title ? true : undefined));
}

/** Waits until the visible tab shows its table (not loading) and its charts have drawn. */
async function settled(frame: Frame): Promise<void> {
  const panel = activePanel(frame);
  await waitFor('table rows', async () => (await panel.locator('.view[aria-busy="false"] table.data tbody tr').count()) > 0, 60_000);
  await waitFor('chart summary', async () => ((await panel.locator('.chart-summary').first().innerText()).trim().length > 0 ? true : undefined));
}

/** What the focused element inside the dashboard is, and whether its focus can be seen. */
async function focused(frame: Frame): Promise<{ tag: string; text: string; className: string; outline: string; role: string }> {
  return frame.evaluate(() => {
    // Focus inside a web component sits in its shadow root: follow it down.
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return { tag: '', text: '', className: '', outline: '', role: '' };
    // A component that draws its ring inside its shadow root (the tab header) is measured there.
    const ring = el.shadowRoot?.querySelector('.wrapper') ?? el;
    const s = getComputedStyle(ring);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim(),
      className: el.getAttribute('class') ?? '',
      outline: `${s.outlineStyle} ${s.outlineWidth}`,
      role: el.getAttribute('role') ?? '',
    };
  });
}

/**
 * Switches the colour theme as a user does: Preferences: Color Theme, filtered, then picked by
 * its label (the picker names "Default High Contrast" "Dark High Contrast, Default High Contrast").
 * Waits for the webview to follow.
 */
async function setTheme(wb: Workbench, frame: Frame, t: { filter: string; row: RegExp; bodyClass: string }): Promise<void> {
  await runCommand(wb.page, 'Color Theme', { category: 'Preferences' });
  await fillInputBox(wb.page, t.filter, { submit: false });
  await pickQuickItem(wb.page, t.row);
  await waitFor(`${t.filter} in the webview`, async () => ((await frame.locator('body').getAttribute('class')) ?? '').split(/\s+/).includes(t.bodyClass), 60_000);
  // Two frames for the theme observer to re-read the colours and redraw the charts.
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe('dashboard accessibility (sample data)', () => {
  let wb: Workbench;
  let frame: Frame;

  before(async () => {
    wb = await openWorkbench({ name: 'a11y', env: SAMPLE_ENV, viewport: VIEWPORT });
  });
  after(async () => {
    await wb?.close();
    if (injectedBy.length > 0) process.stdout.write(`[a11y] axe-core injected by: ${[...new Set(injectedBy)].join(', ')}\n`);
  });

  it('the walkthrough "Get Started with OpenAI Usage Insight" is offered by VS Code, with its six steps', async () => {
    await wb.step('walkthrough', async () => {
      // Without the side bar the editor is wide enough for the steps' pictures beside them.
      await runCommand(wb.page, 'Toggle Primary Side Bar Visibility', { category: 'View' });
      await runCommand(wb.page, 'Open Walkthrough...', { category: null });
      await pickQuickItem(wb.page, /Get Started with OpenAI Usage Insight/);
      const editor = wb.page.locator('.gettingStartedContainer').first();
      await editor.waitFor({ state: 'visible' });
      const steps = ['Get an admin key', 'Set your admin key', 'Or try it with sample data', 'Open the dashboard', 'Set a budget', 'Where the numbers come from'];
      const text = await waitFor('the steps', async () => {
        const t = await editor.innerText();
        return steps.every((s) => t.includes(s)) ? t : undefined;
      });
      assert.match(text, /made by an organization Owner/);
      // The step's picture is a webview of its own (styles by nonce only): drawn in theme colours.
      const picture = await webviewFrame(wb.page, 'svg title');
      const colours = await picture.evaluate(() => {
        const rect = document.querySelector('svg rect');
        const text = document.querySelector('svg text');
        return { panel: rect ? getComputedStyle(rect).fill : '', text: text ? getComputedStyle(text).fill : '', body: getComputedStyle(document.body).color };
      });
      assert.notEqual(colours.panel, 'rgb(0, 0, 0)', `the picture's panel: ${JSON.stringify(colours)}`);
      assert.notEqual(colours.text, 'rgb(0, 0, 0)', `the picture's text (a dark theme): ${JSON.stringify(colours)}`);
      await new Promise((r) => setTimeout(r, 500));
      await wb.page.mouse.move(0, 0);
      await docShot(wb.page, 'walkthrough-dark');
      await runCommand(wb.page, 'Close All Editors', { category: 'View' });
      await runCommand(wb.page, 'Toggle Primary Side Bar Visibility', { category: 'View' });
    });
  });

  it('screenshots: the status bar with its tooltip, the projects tree beside the dashboard (dark)', async () => {
    await wb.step('status-and-tree', async () => {
      await waitForStatusBarText(wb.page, 'openaiUsage.status', /\$[\d,.]+/, 60_000);
      await openViewContainer(wb.page, 'OpenAI Usage');
      await treeItem(wb.page, 'Projects', 'Data Pipeline').waitFor({ state: 'visible' });
      await expandTreeItem(wb.page, 'Projects', 'Data Pipeline');
      await runCommand(wb.page, 'Show OpenAI Usage');
      await waitFor('editor tab', async () => (await editorTabs(wb.page)).some((t) => t.includes('OpenAI Usage')));
      frame = await dashboard(wb);
      await settled(frame);
      await wb.page.mouse.move(0, 0);
      await docShot(wb.page, 'dashboard-dark');
      const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
      assert.ok(sidebar);
      await docShot(wb.page, 'tree-dark', sidebar);

      const item = statusBarItem(wb.page, 'openaiUsage.status');
      const hover = wb.page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await waitFor('the status bar tooltip', async () => {
        await wb.page.mouse.move(0, 0);
        await item.hover();
        await hover.waitFor({ state: 'visible', timeout: 5_000 });
        return true;
      });
      const itemBox = await item.boundingBox();
      const hoverBox = await hover.boundingBox();
      assert.ok(itemBox && hoverBox);
      assert.match(await hover.innerText(), /Month to date/);
      await docShot(wb.page, 'status-bar-tooltip-dark', around(itemBox, hoverBox, 16));
      await wb.page.mouse.move(0, 0);
    });
  });

  it('overview: tabs, tables and charts carry their roles and text equivalents', async () => {
    await wb.step('roles', async () => {
      const roles = await frame.evaluate(() => {
        const tabs = document.querySelector('vscode-tabs');
        // The component renders its tablist in its shadow root, the tabs slotted into it.
        const tablist = tabs?.shadowRoot?.querySelector('[role="tablist"]');
        const headers = [...document.querySelectorAll('vscode-tab-header')];
        const panels = [...document.querySelectorAll('vscode-tab-panel')];
        const canvases = [...document.querySelectorAll('vscode-tab-panel:not([hidden]) canvas')];
        return {
          tablist: tablist !== null && tablist !== undefined,
          tabLabel: tablist?.getAttribute('aria-label') ?? '',
          tabs: headers.map((h) => ({ role: h.getAttribute('role'), selected: h.getAttribute('aria-selected'), controls: h.getAttribute('aria-controls') })),
          panels: panels.map((p) => ({ role: p.getAttribute('role'), labelledBy: p.getAttribute('aria-labelledby') })),
          charts: canvases.map((c) => {
            const described = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '');
            return { role: c.getAttribute('role'), label: c.getAttribute('aria-label') ?? '', description: described.join(' ').trim() };
          }),
          tables: [...document.querySelectorAll('vscode-tab-panel:not([hidden]) table.data')].map((t) => ({
            caption: t.querySelector('caption')?.textContent ?? '',
            colHeaders: [...t.querySelectorAll('thead th')].map((th) => ({ scope: th.getAttribute('scope'), sort: th.getAttribute('aria-sort'), button: th.querySelector('button')?.type ?? '' })),
          })),
        };
      });
      assert.ok(roles.tablist, 'a tablist');
      assert.ok(roles.tabLabel.length > 0, 'the tab list is named');
      assert.ok(roles.tabs.length >= 10, `${roles.tabs.length} tabs`);
      assert.ok(roles.tabs.every((t) => t.role === 'tab' && t.controls));
      assert.deepEqual(roles.tabs.map((t) => t.selected).filter((s) => s === 'true').length, 1);
      assert.ok(roles.panels.every((p) => p.role === 'tabpanel' && p.labelledBy));
      assert.equal(roles.charts.length, 2);
      for (const c of roles.charts) {
        assert.equal(c.role, 'img');
        assert.match(c.label, /^Chart: /);
        assert.ok(c.description.length > 20, `a text equivalent for ${c.label}: ${c.description}`);
      }
      assert.equal(roles.tables.length, 1);
      assert.match(roles.tables[0]?.caption ?? '', /Daily spend by project/);
      const cols = roles.tables[0]?.colHeaders ?? [];
      assert.ok(cols.length > 0 && cols.every((h) => h.scope === 'col' && h.sort !== null && h.button === 'button'), JSON.stringify(cols));
    });
  });

  it('overview (dark): no serious or critical axe-core violation', async () => {
    await wb.step('axe-overview-dark', async () => {
      assertNoSeriousViolation(await runAxe(frame, 'overview-dark'), 'overview, Dark Modern');
    });
  });

  it('the keyboard alone: tabs with the arrow keys, Home and End, the range select, a table sort; focus always visible', async () => {
    await wb.step('keyboard', async () => {
      // A click on the open tab puts the keyboard focus in the webview, on the tab list.
      await frame.locator('vscode-tab-header[active]').click();
      let f = await focused(frame);
      assert.equal(f.role, 'tab');
      // Arrow keys move the focus along the tabs (with a ring); Enter opens the focused one.
      await frame.page().keyboard.press('ArrowRight');
      await frame.page().keyboard.press('ArrowRight');
      f = await focused(frame);
      assert.equal(f.text, 'Completions');
      assert.notEqual(f.outline.split(' ')[0], 'none', `focus ring on the tab: ${f.outline}`);
      assert.equal(await activeTab(frame), 'Overview', 'moving the focus opens nothing');
      await frame.page().keyboard.press('Enter');
      await waitFor('Completions open', async () => ((await activeTab(frame)) === 'Completions' ? true : undefined));
      // End, then Space opens the last tab; Home goes back to the first.
      const last = (await frame.locator('vscode-tab-header').last().innerText()).trim();
      await frame.page().keyboard.press('End');
      f = await focused(frame);
      assert.equal(f.text, last);
      await frame.page().keyboard.press('Space');
      await waitFor('the last tab open', async () => ((await activeTab(frame)) === last ? true : undefined));
      await frame.page().keyboard.press('Home');
      assert.equal((await focused(frame)).text, 'Overview');
      await frame.page().keyboard.press('Enter');
      await waitFor('Overview open', async () => ((await activeTab(frame)) === 'Overview' ? true : undefined));
      await settled(frame);

      // The range: focus it, open with Down (on the current choice), up to the first choice (the
      // list stops there), Enter. (Opened with Space, the component marks no option current.)
      const range = frame.locator('.range-bar vscode-single-select[data-label="Range"]');
      await range.focus();
      await frame.page().keyboard.press('ArrowDown');
      for (let i = 0; i < 4; i++) await frame.page().keyboard.press('ArrowUp');
      await frame.page().keyboard.press('Enter');
      await waitFor('7 days', async () => ((await activePanel(frame).locator('.card-title').first().innerText()) === 'Spend, 7 days' ? true : undefined), 60_000);

      // Tab from the range onwards reaches the table's sort buttons; Enter sorts.
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await frame.page().keyboard.press('Tab');
        f = await focused(frame);
        assert.notEqual(f.tag, 'body', 'focus never falls out of the page');
        reached = f.tag === 'button' && f.className.includes('sort');
      }
      assert.ok(reached, 'a sort button is reachable with Tab');
      assert.notEqual(f.outline.split(' ')[0], 'none', `focus ring on the sort button: ${f.outline}`);
      const column = f.text.replace(/[▲▼↕]/g, '').trim();
      await frame.page().keyboard.press('Enter');
      const th = activePanel(frame).locator('table.data thead th').filter({ hasText: column });
      await waitFor('sorted ascending', async () => (await th.getAttribute('aria-sort')) === 'ascending');
      assert.equal((await focused(frame)).className.includes('sort'), true, 'focus stays on the sort button');
      await frame.page().keyboard.press('Enter');
      await waitFor('sorted descending', async () => (await th.getAttribute('aria-sort')) === 'descending');
      assert.match(await activePanel(frame).locator('table.data caption').innerText(), /sorted by .* descending/);

      // Back to the last 30 days (by mouse) for the screenshots that follow.
      const select = frame.locator('.range-bar vscode-single-select[data-label="Range"]');
      await select.click();
      await select.locator('li[role="option"]', { hasText: 'Last 30 days' }).first().click();
      await waitFor('30 days', async () => ((await activePanel(frame).locator('.card-title').first().innerText()) === 'Spend, 30 days' ? true : undefined), 60_000);
    });
  });

  it('would have seen a violation: axe-core in this frame reports a button without a name', async () => {
    // The canary proves the checks above can fail: axe really runs over the dashboard's document.
    await frame.evaluate(() => {
      const probe = document.createElement('button');
      probe.id = 'axe-canary';
      document.querySelector('main#app')?.append(probe);
    });
    try {
      const results = await runAxe(frame, 'canary');
      const hit = results.violations.find((v) => v.id === 'button-name');
      assert.ok(hit, `button-name reported: ${results.violations.map((v) => v.id).join(', ')}`);
      assert.equal(hit.impact, 'critical');
      assert.ok(hit.nodes.some((n) => JSON.stringify(n.target).includes('axe-canary')));
    } finally {
      await frame.evaluate(() => document.getElementById('axe-canary')?.remove());
    }
  });

  it('an endpoint tab (dark): no serious or critical axe-core violation', async () => {
    await wb.step('axe-tab-dark', async () => {
      await openTab(frame, 'Completions');
      await settled(frame);
      assertNoSeriousViolation(await runAxe(frame, 'completions-dark'), 'Completions, Dark Modern');
      await docShot(wb.page, 'tab-completions-dark');
    });
  });

  it('the Attribution tab (dark): no serious or critical axe-core violation', async () => {
    await wb.step('axe-attribution-dark', async () => {
      await openTab(frame, 'Attribution');
      // No chart here: its tables are what it shows.
      await waitFor('attribution rows', async () => (await activePanel(frame).locator('.view[aria-busy="false"] table.data tbody tr').count()) > 0, 60_000);
      assertNoSeriousViolation(await runAxe(frame, 'attribution-dark'), 'Attribution, Dark Modern');
      await docShot(wb.page, 'tab-attribution-dark');
    });
  });

  for (const t of [
    { theme: 'Default Light Modern', filter: 'Light Modern', row: /^Light Modern(?:,|$)/, bodyClass: 'vscode-light', slug: 'light' },
    { theme: 'Default High Contrast', filter: 'High Contrast', row: /^Dark High Contrast, Default High Contrast$/, bodyClass: 'vscode-high-contrast', slug: 'high-contrast' },
    { theme: 'Default High Contrast Light', filter: 'High Contrast', row: /^Light High Contrast, Default High Contrast Light$/, bodyClass: 'vscode-high-contrast-light', slug: 'high-contrast-light' },
  ]) {
    it(`${t.theme}: the overview and an endpoint tab, no serious or critical axe-core violation`, async () => {
      await wb.step(`theme-${t.slug}`, async () => {
        await setTheme(wb, frame, t);
        await openTab(frame, 'Overview');
        await settled(frame);
        assertNoSeriousViolation(await runAxe(frame, `overview-${t.slug}`), `overview, ${t.theme}`);
        await docShot(wb.page, `dashboard-${t.slug}`);
        await openTab(frame, 'Costs');
        await settled(frame);
        assertNoSeriousViolation(await runAxe(frame, `costs-${t.slug}`), `Costs, ${t.theme}`);
        await docShot(wb.page, `tab-costs-${t.slug}`);
      });
    });
  }
});
