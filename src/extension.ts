import './zodSetup';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from './config';
import { registerCommands } from './commands';
import { createSource } from './sources';
import { describeError } from './userText';
import { Log } from './log';
import { UsageController } from './model';
import { Dashboard } from './panel/dashboard';
import { AdminKeyStore } from './secrets';
import type { Mode } from './state';
import { formatCount, formatMoney } from './shared/format';
import { readSnapshot, writeSnapshot } from './usage/snapshotStore';
import { loadSnapshot } from './usage/loader';
import { DAY_SECONDS, dayStartOfMs, isoDate } from './shared/time';
import { deriveViews } from './views/derive';
import { ProjectsTreeProvider } from './views/projectsTree';
import { StatusBar } from './views/statusBar';

const SAMPLE_FLAG = 'openaiUsage.sampleMode';

/** Builds the services, registers everything as a disposable, and returns. No request is awaited. */
export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  context.subscriptions.push(log);
  const keys = new AdminKeyStore(context.secrets);
  context.subscriptions.push(keys);
  const snapshotFile = path.join(context.globalStorageUri.fsPath, 'snapshot.json');

  const model = new UsageController({
    createSource: (mode) => createSource(mode, keys, log),
    load: (source, options) => loadSnapshot(source, options),
    readStored: () => readSnapshot(snapshotFile),
    writeStored: async (snapshot) => {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await writeSnapshot(snapshotFile, snapshot);
    },
    clearStored: async () => {
      await vscode.workspace.fs.delete(vscode.Uri.file(snapshotFile)).then(undefined, () => undefined);
    },
    rangeDays: () => readSettings().defaultRangeDays,
    now: () => Date.now(),
    describeError,
    log: (level, message) => log[level](message),
  });
  context.subscriptions.push(model);

  const formatTime = (ms: number): string => new Date(ms).toLocaleString();
  const statusBar = new StatusBar(formatMoney, formatTime);
  context.subscriptions.push(statusBar);
  const tree = new ProjectsTreeProvider(formatMoney, formatCount);
  context.subscriptions.push(tree);
  const treeView = vscode.window.createTreeView('openaiUsage.projects', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(treeView);
  const dashboard = new Dashboard(context, model, log.outputChannel);
  context.subscriptions.push(dashboard);

  const render = (): void => {
    const state = model.state;
    if (!modeKnown) return; // nothing until the key has been read: no "no key" flash at start-up
    const settings = readSettings();
    const now = Date.now();
    const fetchedAt = state.snapshot?.fetchedAt;
    // Data from an earlier UTC day is shown as of that day, not as an empty "today".
    const asOf = fetchedAt !== undefined && dayStartOfMs(fetchedAt) < dayStartOfMs(now) ? fetchedAt : undefined;
    const views = state.snapshot ? deriveViews(state.snapshot, asOf ?? now, settings.defaultRangeDays) : undefined;
    statusBar.render(state, views && asOf !== undefined ? { ...views.status, asOfDay: isoDate(dayStartOfMs(asOf)) } : views?.status, settings);
    tree.render(state, views?.tree);
    treeView.description = state.mode === 'sample' ? 'Sample data' : views ? `last ${settings.defaultRangeDays} UTC days` : undefined;
    treeView.message =
      state.mode === 'sample'
        ? 'Sample data: a made-up organization. Set an admin key to see yours.'
        : state.staleSince !== undefined
          ? `Stale since ${formatTime(state.staleSince)}: ${state.error?.message ?? 'the last refresh failed.'}`
          : state.error && !state.snapshot
            ? state.error.message
            : undefined;
    void vscode.commands.executeCommand('setContext', 'openaiUsage.mode', state.mode);
  };
  let modeKnown = false;
  context.subscriptions.push(model.onDidChange(render));

  /** Reads the key, the base URL and the sample flag, and switches the model to match. */
  const applyMode = async (): Promise<Mode> => {
    const key = await keys.get();
    void vscode.commands.executeCommand('setContext', 'openaiUsage.hasKey', key !== undefined);
    const sample = context.globalState.get<boolean>(SAMPLE_FLAG) === true || process.env.OPENAI_USAGE_INSIGHT_SAMPLE === '1';
    const mode: Mode = key ? 'api' : sample ? 'sample' : 'none';
    await model.setMode(mode, key ? dataOrigin(readSettings().apiBaseUrl, key) : mode);
    modeKnown = true;
    render();
    return mode;
  };

  // Automatic refreshes: on the interval only while this window has focus, when a view comes into
  // view, and when the window regains focus, each only when the last try is that old (so a failing
  // API is not hammered on every focus change). 0 minutes = only on demand.
  const isDue = (): boolean => {
    const minutes = readSettings().refreshIntervalMinutes;
    return minutes > 0 && model.msSinceLastTry() >= minutes * 60_000;
  };
  const tick = setInterval(() => {
    if (vscode.window.state.focused && isDue()) void model.refresh();
  }, 60_000);
  context.subscriptions.push({ dispose: () => clearInterval(tick) });

  // At each UTC midnight "today" starts again: re-render, and fetch the new day unless on demand only.
  let midnight: ReturnType<typeof setTimeout> | undefined;
  const scheduleMidnight = (): void => {
    const next = (dayStartOfMs(Date.now()) + DAY_SECONDS) * 1000 + 1_000;
    midnight = setTimeout(() => {
      render();
      if (readSettings().refreshIntervalMinutes > 0) void model.refresh();
      scheduleMidnight();
    }, next - Date.now());
  };
  scheduleMidnight();
  context.subscriptions.push({ dispose: () => midnight && clearTimeout(midnight) });

  context.subscriptions.push(
    vscode.window.onDidChangeWindowState((s) => {
      if (s.focused && isDue()) void model.refresh();
    }),
    treeView.onDidChangeVisibility((e) => {
      if (e.visible && isDue()) void model.refresh();
    }),
    dashboard.onDidBecomeVisible(() => {
      if (isDue()) void model.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('openaiUsage.apiBaseUrl')) {
        // Another host is another origin: its data is never mixed with the old host's.
        if ((await applyMode()) !== 'none') void model.refresh({ restart: true });
      } else if (e.affectsConfiguration('http')) {
        model.invalidateSource();
        void model.refresh({ restart: true });
      } else if (e.affectsConfiguration('openaiUsage.defaultRangeDays')) {
        void model.refresh({ restart: true });
      }
      if (e.affectsConfiguration('openaiUsage')) render();
    }),
    // Another window set or cleared the key: follow it.
    keys.onDidChange(async () => {
      if ((await applyMode()) !== 'none') void model.refresh();
    }),
  );

  registerCommands(context, { model, keys, log, dashboard, applyMode, sampleFlag: SAMPLE_FLAG, tree });
  // Start-up: first the snapshot on disk (no request), then a refresh.
  void applyMode().then((mode) => {
    if (mode !== 'none') void model.refresh();
  });
}

/**
 * A one-way fingerprint of the API host and key, stored with the snapshot so data is never shown
 * for another key or host. 64 bits of SHA-256: enough to tell keys apart, nothing to recover one.
 */
export function dataOrigin(baseUrl: string, key: string): string {
  return createHash('sha256').update(`${baseUrl.replace(/\/+$/, '')}\n${key}`).digest('hex').slice(0, 16);
}

export function deactivate(): void {}
