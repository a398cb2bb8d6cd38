// End-to-end harness: a real VS Code (code-server) with the packaged extension installed, driven in
// a real browser (Debian chromium through playwright-core). Used by test/e2e/*.e2e.test.ts under
// node:test; `node scripts/e2e/setup.mjs` must have run first (`npm run test:e2e` does).
//
//   const wb = await openWorkbench({ name: 'status-bar', env: { OPENAI_USAGE_INSIGHT_SAMPLE: '1' } });
//   after(() => wb.close());
//   await runCommand(wb.page, 'Show OpenAI Usage');
//
// Selectors below were checked against code-server 4.139.1 (VS Code 1.139.1).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, ConsoleMessage, Frame, Locator, Page } from 'playwright-core';
import {
  chromiumPath,
  codeServerEntry,
  codeServerFlags,
  node24,
  outputDir,
  quietSettings,
  repoRoot,
  vsixPath,
} from '../../scripts/e2e/paths.mjs';

/** `publisher.name` from package.json; VS Code prefixes status bar item ids with it. */
export const EXTENSION_ID = 'openai-usage-insight.openai-usage-insight';
/** The category of every command of the extension (SPEC §2). */
export const COMMAND_CATEGORY = 'OpenAI Usage';

/** Generous: a cold code-server on a 2-core machine takes several seconds per step. */
const UI_TIMEOUT = 30_000;
const START_TIMEOUT = 90_000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Settings that keep the workbench quiet (no welcome page, walkthroughs, chat, tips, prompts);
 * shared with the demo. Tests add their own on top. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  ...quietSettings,
  // Spend alerts are notifications that could cover what a test looks at: on only where tested.
  'openaiUsage.alerts.enabled': false,
};

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every process group we start is killed on exit, even when a test throws.

const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

process.once('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    process.exit(130);
  });
}

async function stopProcessGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(pid, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      killGroup(pid, 'SIGKILL');
      await Promise.race([exited, sleep(2_000)]);
    }
  }
  // Children (extension host, language servers) share the group and may outlive the server.
  killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

// ---------------------------------------------------------------------------------------------
// Packaging

let packaged: Promise<string> | undefined;

/**
 * Builds and packages the extension once per test process (`npm run package`: esbuild
 * --production + `vsce package --no-dependencies`) and returns the .vsix path.
 * `E2E_VSIX=/path/x.vsix` skips the build and uses that file.
 */
export function packageExtension(): Promise<string> {
  packaged ??= (async (): Promise<string> => {
    const given = process.env.E2E_VSIX;
    if (given) {
      if (!existsSync(given)) throw new Error(`E2E_VSIX=${given} does not exist`);
      return given;
    }
    const res = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    if (res.status !== 0 || !existsSync(vsixPath)) {
      throw new Error(`npm run package failed (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
    }
    return vsixPath;
  })();
  return packaged;
}

// ---------------------------------------------------------------------------------------------
// code-server

export interface CodeServerOptions {
  /** Used in log and screenshot file names. */
  name?: string;
  /** The .vsix to install; default: {@link packageExtension}. `null` installs nothing. */
  vsix?: string | null;
  /** User settings, merged over {@link DEFAULT_SETTINGS}. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server, which passes it on to the extension host. */
  env?: Record<string, string>;
  /** The folder to open; default: an empty temporary folder. */
  folder?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Keep the temporary folders after stop() (also `E2E_KEEP=1`), e.g. to read extension logs. */
  keep?: boolean;
}

export interface CodeServer {
  /** The workbench address, with the folder already in the query. */
  readonly url: string;
  readonly port: number;
  readonly folder: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Server stdout/stderr; extension host logs are under `${userDataDir}/logs`. */
  readonly logFile: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks; the tiny reuse race is covered by a retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function requireSetup(): void {
  for (const [what, file] of [
    ['Node 24', node24],
    ['code-server', codeServerEntry],
    ['chromium', chromiumPath],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${what} missing at ${file}: run \`node scripts/e2e/setup.mjs\` first`);
  }
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(0, 80) || 'e2e';
}

/** Best effort: a dying process may still write into the tree while it is removed. */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    process.stderr.write(`[e2e] could not remove ${dir}: ${String(err)}\n`);
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * Starts code-server on 127.0.0.1 with a fresh extensions dir and user-data dir, the extension
 * installed and the settings written before start, and waits until it answers /healthz.
 */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  requireSetup();
  const name = safeName(options.name ?? 'e2e');
  const vsix = options.vsix === undefined ? await packageExtension() : options.vsix;
  const root = mkdtempSync(join(tmpdir(), `oui-e2e-${name}-`));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const folder = options.folder ?? join(root, 'workspace');
  for (const dir of [join(userDataDir, 'User'), extensionsDir, folder, outputDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
  );
  // Our own config file, so code-server never writes ~/.config/code-server/config.yaml.
  const configFile = join(root, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const common = ['--config', configFile, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];

  if (vsix) {
    const res = spawnSync(node24, [codeServerEntry, ...common, '--install-extension', vsix], { encoding: 'utf8' });
    if (res.status !== 0 || !/successfully installed/i.test(res.stdout)) {
      throw new Error(`installing ${vsix} into code-server failed:\n${res.stdout}\n${res.stderr}`);
    }
  }

  const logFile = join(outputDir, `${name}-server.log`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    const log = createWriteStream(logFile, { flags: attempt === 0 ? 'w' : 'a' });
    const child = spawn(
      node24,
      [
        codeServerEntry,
        ...common,
        ...codeServerFlags,
        '--bind-addr',
        `127.0.0.1:${port}`,
        folder,
      ],
      // Its own process group, so stop() also ends the extension host and language servers.
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
    );
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const base = `http://127.0.0.1:${port}`;
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await stopProcessGroup(child);
      log.end();
      if (!(options.keep || process.env.E2E_KEEP === '1')) removeTree(root);
    };
    try {
      await waitForHttp(`${base}/healthz`, child, START_TIMEOUT);
      return {
        url: `${base}/?folder=${encodeURIComponent(folder)}`,
        port,
        folder,
        userDataDir,
        extensionsDir,
        logFile,
        stop,
      };
    } catch (err) {
      lastError = err;
      await stopProcessGroup(child);
      log.end();
      if (options.port !== undefined) break;
    }
  }
  removeTree(root);
  throw new Error(`code-server did not start (log: ${logFile}): ${String(lastError)}`);
}

// ---------------------------------------------------------------------------------------------
// Browser and workbench

export async function launchBrowser(): Promise<Browser> {
  requireSetup();
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

export interface ConsoleEntry {
  readonly type: string;
  readonly text: string;
  /** The frame's URL: the workbench, or a webview's inner frame. */
  readonly url: string;
}

export interface WorkbenchOptions extends CodeServerOptions {
  viewport?: { width: number; height: number };
  /**
   * Waited for after the workbench renders. Default (when the extension is installed):
   * {@link waitForExtensionContributions}, since the palette doesn't know the extension's commands
   * before that.
   */
  ready?: (page: Page) => Promise<void>;
}

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  /** One context for the whole test: SecretStorage lives in the browser's storage. */
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every console message of the page and its frames since open (webviews included). */
  readonly console: ConsoleEntry[];
  /** Saves `test-output/e2e/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Reloads the window (code-server's "Reload Window") and waits for the workbench again. */
  reload(): Promise<void>;
  /** Runs `fn`; on failure saves a screenshot named after `step`, then rethrows. */
  step<T>(step: string, fn: () => Promise<T>): Promise<T>;
  /** Closes the browser and stops the server; safe to call twice. */
  close(): Promise<void>;
}

/** Waits until the workbench is rendered and the extension host has come up. */
export async function waitForWorkbench(page: Page, timeoutMs = START_TIMEOUT): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The notifications bell is one of the last status bar items to render.
  await page.locator('[id="status.notifications"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

/**
 * Waits until the remote extension host has registered the extension's contributions: its
 * activity bar container (`openaiUsage`) shows. That happens a second or two after the workbench
 * renders; commands typed into the palette before it find nothing.
 */
export async function waitForExtensionContributions(page: Page, timeoutMs = START_TIMEOUT): Promise<void> {
  await page
    .locator('.activitybar .action-label[class*="workbench-view-extension-openaiUsage"]')
    .waitFor({ state: 'attached', timeout: timeoutMs });
}

/** Starts code-server (see {@link startCodeServer}), opens it in chromium and waits for it. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const name = safeName(options.name ?? 'e2e');
  const server = await startCodeServer(options);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    const console: ConsoleEntry[] = [];
    const onConsole = (msg: ConsoleMessage): void => {
      console.push({ type: msg.type(), text: msg.text(), url: msg.location().url });
    };
    page.on('console', onConsole);
    const ready = options.ready ?? (options.vsix === null ? undefined : waitForExtensionContributions);
    const waitReady = async (): Promise<void> => {
      await waitForWorkbench(page);
      await ready?.(page);
    };
    await page.goto(server.url);
    await waitReady();

    let closed = false;
    const ownBrowser = browser;
    const wb: Workbench = {
      server,
      browser: ownBrowser,
      context,
      page,
      console,
      screenshot: (shot) => screenshot(page, `${name}-${shot}`),
      reload: async () => {
        await page.reload();
        await waitReady();
      },
      step: async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn();
        } catch (err) {
          await screenshot(page, `${name}-FAILED-${step}`).catch(() => undefined);
          throw err;
        }
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await ownBrowser.close().catch(() => undefined);
        await server.stop();
      },
    };
    return wb;
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(outputDir, { recursive: true });
  const file = join(outputDir, `${safeName(name)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Console messages that report a Content-Security-Policy violation. */
export function cspViolations(entries: readonly ConsoleEntry[]): ConsoleEntry[] {
  return entries.filter((e) => /Content[- ]Security[- ]Policy/i.test(e.text));
}

// ---------------------------------------------------------------------------------------------
// Command palette and quick input

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The palette row's accessible name: "Category: Title", maybe followed by ", similar commands". */
function commandRowPattern(title: string, category: string | null): RegExp {
  const prefix = category === null ? '(?:[^:]+: )?' : `${escapeRegExp(category)}: `;
  return new RegExp(`^${prefix}${escapeRegExp(title)}(?:,|$)`);
}

async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) {
    await page.keyboard.press('Escape');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
}

/**
 * Runs a command the way a user does: F1, type the title, pick the row. `category` defaults to
 * "OpenAI Usage" (so "View: Show OpenAI Usage", the activity bar entry, is not picked); pass `null`
 * for a command of VS Code itself. Retried, because typing into a just-opened palette can race.
 */
export async function runCommand(
  page: Page,
  title: string,
  options: { category?: string | null; attempts?: number } = {},
): Promise<void> {
  const category = options.category === undefined ? COMMAND_CATEGORY : options.category;
  const pattern = commandRowPattern(title, category);
  const attempts = options.attempts ?? 3;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      const input = page.locator(QUICK_INPUT_BOX);
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      // Typing before the palette has listed its commands can be lost: wait for the first rows.
      await page.locator(QUICK_ROWS).first().waitFor({ state: 'attached', timeout: 10_000 });
      await input.fill(`>${title}`);
      if ((await input.inputValue()) !== `>${title}`) await input.fill(`>${title}`);
      const match = await waitForMatchingRow(page.locator(QUICK_ROWS), pattern, 10_000);
      await match.click();
      // The click took when the palette closed, or when the command's own quick input replaced it
      // (the same widget, another value). Still the palette with our text: the click was lost.
      const took = await waitUntil(async () => !(await input.isVisible()) || (await input.inputValue().catch(() => '')) !== `>${title}`, 5_000);
      if (!took) throw new Error(`the palette row "${title}" was clicked but the palette stayed open`);
      return;
    } catch (err) {
      lastError = err;
      // Rare, and worth seeing when a test later turns flaky.
      process.stderr.write(`[e2e] runCommand "${title}" attempt ${i + 1} failed: ${String(err)}\n`);
      await sleep(1_000 * (i + 1));
    }
  }
  await closeQuickInput(page);
  throw new Error(`command "${title}" not found in the palette: ${String(lastError)}`);
}

/** Polls `probe` until it holds or `timeoutMs` passes; whether it held. */
async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

async function waitForMatchingRow(rows: Locator, pattern: RegExp, timeoutMs: number): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const index = labels.findIndex((l) => pattern.test(l));
    if (index >= 0) return rows.nth(index);
    await sleep(250);
  }
  const seen = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  throw new Error(`no palette row matches ${pattern} (rows: ${JSON.stringify(seen)})`);
}

export interface QuickInputState {
  readonly visible: boolean;
  readonly title: string;
  readonly placeholder: string;
  readonly value: string;
  /** True for a `password: true` input box. */
  readonly password: boolean;
  /** The validation or prompt message under the box. */
  readonly message: string;
  /** Accessible names of the list rows (quick pick items). */
  readonly items: string[];
}

/** Waits for the quick input (input box or quick pick) to be shown. */
export async function waitForQuickInput(page: Page, timeoutMs = UI_TIMEOUT): Promise<void> {
  await page.locator(QUICK_INPUT_BOX).waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function readQuickInput(page: Page): Promise<QuickInputState> {
  const widget = page.locator(QUICK_INPUT);
  if (!(await widget.isVisible())) {
    return { visible: false, title: '', placeholder: '', value: '', password: false, message: '', items: [] };
  }
  const input = page.locator(QUICK_INPUT_BOX);
  const text = async (sel: string): Promise<string> => {
    const loc = widget.locator(sel).first();
    return (await loc.count()) > 0 ? ((await loc.textContent()) ?? '').trim() : '';
  };
  return {
    visible: true,
    title: await text('.quick-input-title'),
    placeholder: (await input.getAttribute('placeholder')) ?? '',
    value: await input.inputValue(),
    password: (await input.getAttribute('type')) === 'password',
    message: await text('.quick-input-message'),
    items: await page.locator(QUICK_ROWS).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')),
  };
}

/** Types into the open input box (e.g. the password box of Set Admin Key) and, by default, submits. */
export async function fillInputBox(page: Page, value: string, options: { submit?: boolean } = {}): Promise<void> {
  await waitForQuickInput(page);
  const input = page.locator(QUICK_INPUT_BOX);
  // Never type into the command palette (its text starts with ">"): wait for the command's own box.
  if (!(await waitUntil(async () => !(await input.inputValue().catch(() => '>')).startsWith('>'), UI_TIMEOUT))) {
    throw new Error('the input box did not open: the command palette is still showing');
  }
  await input.fill(value);
  if (!(options.submit ?? true)) return;
  // VS Code drops an Enter that comes while it is still validating the text just typed; the box
  // then stays open (and a later Escape cancels it: the key never set). Enter until it is taken:
  // the box closes, or the next one (another value) replaces it.
  for (let i = 0; i < 4; i++) {
    await input.press('Enter');
    if (await waitUntil(async () => !(await input.isVisible()) || (await input.inputValue().catch(() => '')) !== value, 2_000)) return;
  }
  throw new Error('the input box did not take Enter');
}

/** Picks a quick pick item whose accessible name starts with `label` (a string) or matches it. */
export async function pickQuickItem(page: Page, label: string | RegExp): Promise<void> {
  await waitForQuickInput(page);
  const pattern = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}`) : label;
  const row = await waitForMatchingRow(page.locator(QUICK_ROWS), pattern, UI_TIMEOUT);
  await row.click();
}

// ---------------------------------------------------------------------------------------------
// Status bar

/** The DOM id of an extension's status bar item: `${extensionId}.${itemId}`. */
export function statusBarItemDomId(itemId: string, extensionId = EXTENSION_ID): string {
  return `${extensionId}.${itemId}`;
}

/** `.statusbar-item` with the given item id (e.g. "openaiUsage.status"). */
export function statusBarItem(page: Page, itemId: string, extensionId = EXTENSION_ID): Locator {
  return page.locator(`.statusbar-item[id="${statusBarItemDomId(itemId, extensionId)}"]`);
}

export interface StatusBarItemState {
  /** Visible text, codicons left out ("$(graph) $12.34" reads " $12.34", trimmed to "$12.34"). */
  readonly text: string;
  /** Codicon names shown, e.g. ["graph"] or ["warning"]. */
  readonly icons: string[];
  /** The accessible label: the item's accessibilityInformation, else text + tooltip text. */
  readonly ariaLabel: string;
  /** "warning" / "error" when a statusBarItem.warningBackground / errorBackground is set. */
  readonly kind: 'warning' | 'error' | undefined;
  readonly hasCommand: boolean;
}

export async function readStatusBarItem(
  page: Page,
  itemId: string,
  extensionId = EXTENSION_ID,
): Promise<StatusBarItemState> {
  const item = statusBarItem(page, itemId, extensionId);
  await item.waitFor({ state: 'attached' });
  return item.evaluate((el) => {
    const label = el.querySelector('.statusbar-item-label');
    const icons = [...el.querySelectorAll('.codicon')]
      .flatMap((i) => [...i.classList])
      .filter((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier'))
      .map((c) => c.slice('codicon-'.length));
    const kind = el.classList.contains('error-kind') ? 'error' : el.classList.contains('warning-kind') ? 'warning' : undefined;
    return {
      text: (label?.textContent ?? '').trim(),
      icons,
      ariaLabel: label?.getAttribute('aria-label') ?? el.getAttribute('aria-label') ?? '',
      kind,
      hasCommand: el.classList.contains('has-command'),
    } as const;
  });
}

/** Waits until the item's text matches (it changes as data loads). */
export async function waitForStatusBarText(
  page: Page,
  itemId: string,
  expected: string | RegExp,
  timeoutMs = UI_TIMEOUT,
): Promise<StatusBarItemState> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusBarItemState | undefined;
  while (Date.now() < deadline) {
    if ((await statusBarItem(page, itemId).count()) > 0) {
      last = await readStatusBarItem(page, itemId);
      if (typeof expected === 'string' ? last.text.includes(expected) : expected.test(last.text)) return last;
    }
    await sleep(250);
  }
  throw new Error(`status bar item ${itemId} never showed ${String(expected)} (last: ${JSON.stringify(last)})`);
}

/** Hovers the item and returns the rendered tooltip's text (Markdown rendered, so no `**`). */
export async function readStatusBarTooltip(page: Page, itemId: string): Promise<string> {
  const item = statusBarItem(page, itemId);
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
  for (let i = 0; i < 3; i++) {
    await page.mouse.move(0, 0);
    await item.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      const text = ((await hover.innerText()) ?? '').trim();
      await page.mouse.move(0, 0);
      return text;
    } catch {
      // Hovers sometimes need a second pass after the mouse left another element.
    }
  }
  throw new Error(`no tooltip appeared on status bar item ${itemId}`);
}

// ---------------------------------------------------------------------------------------------
// Sidebar views

/** Opens an activity bar view container by its title (e.g. "OpenAI Usage"). */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const action = page
    .locator('.activitybar .action-item')
    .filter({ has: page.locator(`.action-label[aria-label^="${title}"]`) })
    .first();
  await action.waitFor({ state: 'visible' });
  // Clicking an already-open container would close the sidebar.
  if ((await action.getAttribute('aria-checked')) !== 'true' && !(await action.evaluate((e) => e.classList.contains('checked')))) {
    await action.locator('.action-label').click();
  }
}

/** The pane of a view by its name (e.g. "Projects"); works for merged (single-view) headers too. */
export function viewPane(page: Page, viewName: string): Locator {
  return page
    .locator('.sidebar .pane, .auxiliarybar .pane, .panel .pane')
    .filter({ has: page.locator(`.pane-header[aria-label^="${viewName}"]`) })
    .first();
}

export interface TreeItemState {
  readonly label: string;
  readonly description: string;
  /** The accessible name: the item's tooltip if it has a plain-text one, else its label. */
  readonly ariaLabel: string;
  /** 1 for top-level items. */
  readonly level: number;
  /** undefined for leaves. */
  readonly expanded: boolean | undefined;
}

/** The rendered rows of a tree view (only what is expanded and scrolled into view). */
export async function treeItems(page: Page, viewName: string): Promise<TreeItemState[]> {
  const pane = viewPane(page, viewName);
  await pane.waitFor({ state: 'visible' });
  return pane.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => {
      const expanded = r.getAttribute('aria-expanded');
      return {
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        ariaLabel: r.getAttribute('aria-label') ?? '',
        level: Number(r.getAttribute('aria-level') ?? '1'),
        expanded: expanded === null ? undefined : expanded === 'true',
      };
    }),
  );
}

/** The row of a tree item by its label. */
export function treeItem(page: Page, viewName: string, label: string): Locator {
  return viewPane(page, viewName)
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first();
}

export async function expandTreeItem(page: Page, viewName: string, label: string): Promise<void> {
  const row = treeItem(page, viewName, label);
  await row.waitFor({ state: 'visible' });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
}

/** The welcome content (viewsWelcome) of a view: its text and buttons. */
export function viewWelcome(page: Page, viewName: string): Locator {
  return viewPane(page, viewName).locator('.welcome-view-content');
}

/** Right-clicks `target` and picks a context menu entry by its label. */
export async function contextMenu(page: Page, target: Locator, entry: string): Promise<void> {
  await target.click({ button: 'right' });
  // Context menus render in a shadow root; Playwright's CSS engine pierces open shadow roots.
  const item = page.locator('.monaco-menu .action-menu-item', { hasText: entry }).first();
  await item.waitFor({ state: 'visible' });
  // A click straight after the menu opens is ignored; hovering first makes it land.
  await item.hover();
  await sleep(200);
  await item.click();
  await page.locator('.monaco-menu').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Notifications

export interface NotificationState {
  readonly message: string;
  readonly severity: 'info' | 'warning' | 'error' | undefined;
  /** The source line, e.g. "Source: OpenAI Usage Insight"; VS Code leaves it empty at times. */
  readonly source: string;
  readonly buttons: string[];
}

const TOASTS = '.notifications-toasts .notification-toast .notification-list-item';

/** The notification toasts on screen now. */
export async function notifications(page: Page): Promise<NotificationState[]> {
  return page.locator(TOASTS).evaluateAll((items) =>
    items.map((n) => {
      const icon = n.querySelector('.notification-list-item-icon');
      const severity = icon?.classList.contains('codicon-error')
        ? 'error'
        : icon?.classList.contains('codicon-warning')
          ? 'warning'
          : icon?.classList.contains('codicon-info')
            ? 'info'
            : undefined;
      return {
        message: (n.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
        severity,
        source: (n.querySelector('.notification-list-item-source')?.textContent ?? '').trim(),
        buttons: [...n.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) =>
          (b.textContent ?? '').trim(),
        ),
      } as const;
    }),
  );
}

/** Waits for a toast whose message contains `text` (or matches it). */
export async function waitForNotification(
  page: Page,
  text: string | RegExp,
  timeoutMs = UI_TIMEOUT,
): Promise<NotificationState> {
  const matches = (m: string): boolean => (typeof text === 'string' ? m.includes(text) : text.test(m));
  const deadline = Date.now() + timeoutMs;
  let seen: NotificationState[] = [];
  while (Date.now() < deadline) {
    seen = await notifications(page);
    const hit = seen.find((n) => matches(n.message));
    if (hit) return hit;
    await sleep(250);
  }
  throw new Error(`no notification matching ${String(text)} (on screen: ${JSON.stringify(seen.map((n) => n.message))})`);
}

/** Clicks a button of the toast whose message contains `text`. */
export async function clickNotificationButton(page: Page, text: string | RegExp, button: string): Promise<void> {
  await waitForNotification(page, text);
  const toast = page.locator(TOASTS).filter({ has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
  await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).first().click();
}

/** Dismisses every notification (VS Code's "Notifications: Clear All Notifications"). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Clear All Notifications', { category: 'Notifications' });
}

// ---------------------------------------------------------------------------------------------
// Webviews

/** Editor tabs' titles, e.g. to check that the panel was restored after reload. */
export async function editorTabs(page: Page): Promise<string[]> {
  return page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? ''));
}

/**
 * The frame holding a webview's own HTML. Each webview is an `iframe.webview` (pre/index.html)
 * wrapping an inner frame (pre/fake.html) with the extension's document. Returns the first inner
 * frame where `selector` exists, waiting for it.
 */
export async function webviewFrame(page: Page, selector = 'body', timeoutMs = UI_TIMEOUT): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const parent = frame.parentFrame();
      if (!parent || !parent.url().includes('/webview/browser/pre/index.html')) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // The frame navigated or went away while we looked.
      }
    }
    await sleep(250);
  }
  throw new Error(`no webview frame contains ${selector} within ${timeoutMs} ms`);
}

/**
 * Polls `probe` until it returns something other than undefined or false, and returns that;
 * errors thrown meanwhile are kept for the timeout message.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The status text without today's estimate ("$12.34 · ≈$15.80 · $400.00 MTD" → "$12.34 · $400.00 MTD"). */
export function withoutEstimate(text: string): string {
  return text.replace(/ · ≈[^ ]+/, '');
}

/**
 * A status text that shows `billed` first, then maybe today's estimate (always marked ≈), then
 * `rest`: the estimate depends on the very minute it is made, the billed figure does not.
 */
export function statusWithEstimate(billed: string, rest = ''): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(billed)}( · ≈\\$[\\d,]+\\.\\d\\d)?${esc(rest)}$`);
}
