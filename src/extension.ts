import './zodSetup';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from './config';
import { registerCommands } from './commands';
import { createSource } from './sources';
import { describeError } from './errorText';
import { Log } from './log';
import { UsageController } from './model';
import { Dashboard } from './panel/dashboard';
import { AdminKeyStore } from './secrets';
import type { Mode } from './state';
import { formatCount, formatMoney } from './usage/format';
import { readSnapshot, writeSnapshot } from './usage/snapshotStore';
import { loadSnapshot } from './usage/loader';
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
    const settings = readSettings();
    const views = state.snapshot ? deriveViews(state.snapshot, Date.now(), settings.defaultRangeDays) : undefined;
    statusBar.render(state, views?.status, settings);
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
  context.subscriptions.push(model.onDidChange(render));

  const applyMode = async (): Promise<Mode> => {
    const key = await keys.get();
    void vscode.commands.executeCommand('setContext', 'openaiUsage.hasKey', key !== undefined);
    const sample = context.globalState.get<boolean>(SAMPLE_FLAG) === true || process.env.OPENAI_USAGE_INSIGHT_SAMPLE === '1';
    const mode: Mode = key ? 'api' : sample ? 'sample' : 'none';
    model.invalidateSource();
    await model.setMode(mode);
    render();
    return mode;
  };

  // Refresh on the interval only while this window has focus; on focus, catch up if due.
  let timer: ReturnType<typeof setInterval> | undefined;
  const isDue = (): boolean => {
    const minutes = readSettings().refreshIntervalMinutes;
    return minutes > 0 && model.dataAgeMs() >= minutes * 60_000;
  };
  const schedule = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
    const minutes = readSettings().refreshIntervalMinutes;
    if (minutes > 0) {
      timer = setInterval(() => {
        if (vscode.window.state.focused && isDue()) void model.refresh();
      }, Math.max(1, minutes) * 60_000);
    }
  };
  context.subscriptions.push({ dispose: () => timer && clearInterval(timer) });
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
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('openaiUsage') && !e.affectsConfiguration('http')) return;
      if (e.affectsConfiguration('openaiUsage.refreshIntervalMinutes')) schedule();
      if (e.affectsConfiguration('openaiUsage.apiBaseUrl') || e.affectsConfiguration('http')) {
        model.invalidateSource();
        void model.refresh();
      } else if (e.affectsConfiguration('openaiUsage.defaultRangeDays')) {
        void model.refresh();
      }
      render();
    }),
    // Another window set or cleared the key: follow it.
    keys.onDidChange(async () => {
      const mode = await applyMode();
      if (mode !== 'none') void model.refresh();
    }),
  );

  registerCommands(context, { model, keys, log, dashboard, applyMode, sampleFlag: SAMPLE_FLAG, tree });
  schedule();
  render();
  // Start-up: first the snapshot on disk (no request), then a refresh.
  void applyMode().then((mode) => {
    if (mode !== 'none') void model.refresh();
  });
}

export function deactivate(): void {}
