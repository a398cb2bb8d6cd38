import './zodSetup';
import * as vscode from 'vscode';
import { ModeSwitch } from './app/mode';
import { openWalkthroughOnce } from './app/walkthrough';
import { Presenter } from './app/presenter';
import { registerTreeGrouping } from './app/treeGrouping';
import { RefreshScheduler, systemTimers } from './app/scheduler';
import { listenToSettings } from './app/settingsListener';
import { createUsageModel } from './app/usageModel';
import { registerCommands } from './commands';
import { readSettings } from './config';
import { Log } from './log';
import { Dashboard } from './panel/dashboard';
import { QueryService } from './queries/service';
import { AdminKeyStore } from './secrets';
import { formatCount, formatMoney } from './shared/format';
import { ProjectsTreeProvider } from './views/projectsTree';
import { StatusBar } from './views/statusBar';

/** Builds the services, registers each as it is made, and returns. No request is awaited. */
export function activate(context: vscode.ExtensionContext): void {
  const own = <T extends { dispose(): unknown }>(d: T): T => (context.subscriptions.push(d), d);
  const setContext = (key: string, value: unknown): void => void vscode.commands.executeCommand('setContext', key, value);
  const formatTime = (ms: number): string => new Date(ms).toLocaleString();
  const log = own(new Log());
  const keys = own(new AdminKeyStore(context.secrets));
  const model = own(createUsageModel(context, keys, log));
  const mode = new ModeSwitch({ keys, flags: context.globalState, env: process.env, baseUrl: () => readSettings().apiBaseUrl, model, setContext });
  const queries = own(new QueryService(model, { now: () => Date.now(), budget: () => readSettings().monthlyBudget, log }));
  const dashboard = own(new Dashboard(context.extensionUri, model, queries, log));
  const statusBar = own(new StatusBar(formatMoney, formatTime));
  const tree = own(new ProjectsTreeProvider(formatMoney, formatCount));
  const treeView = own(vscode.window.createTreeView('openaiUsage.projects', { treeDataProvider: tree, showCollapseAll: true }));
  const presenter = own(new Presenter({ statusBar, tree, treeView, setContext }, { model, mode, settings: readSettings, now: () => Date.now(), formatTime }));
  own(new RefreshScheduler({
    timers: systemTimers,
    intervalMinutes: () => readSettings().refreshIntervalMinutes,
    focused: () => vscode.window.state.focused,
    msSinceLastTry: () => model.msSinceLastTry(),
    refresh: () => void model.refresh(),
    rerender: () => presenter.render(),
    triggers: [(due) => vscode.window.onDidChangeWindowState((s) => s.focused && due()), (due) => treeView.onDidChangeVisibility((e) => e.visible && due()), dashboard.onDidBecomeVisible],
  }));
  own(listenToSettings(vscode.workspace.onDidChangeConfiguration, { mode, model, presenter, dashboard }));
  // Another window set or cleared the key: follow it.
  own(keys.onDidChange(async () => {
    if ((await mode.apply()) !== 'none') void model.refresh();
  }));
  registerCommands(context, { model, keys, log, dashboard, mode });
  own(registerTreeGrouping(context, presenter));
  void openWalkthroughOnce(context, vscode);
  // Start-up: first the snapshot on disk (no request), then a refresh.
  void mode.apply().then((m) => {
    if (m !== 'none') void model.refresh();
  });
}
