import './zodSetup';
import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { AlertNotifier } from './app/alerts';
import { ModeSwitch } from './app/mode';
import { Presenter } from './app/presenter';
import { registerTreeGrouping } from './app/treeGrouping';
import { RefreshScheduler, systemTimers } from './app/scheduler';
import { listenToSettings } from './app/settingsListener';
import { registerUsageTools } from './app/lmTool';
import { registerTeamServerCommand } from './app/teamServer';
import { createUsageModel } from './app/usageModel';
import { registerCommands } from './commands';
import { readSettings } from './config';
import { Log } from './log';
import { Dashboard } from './panel/dashboard';
import { QueryService } from './queries/service';
import { budgetInForce } from './report/budgets';
import { AdminKeyStore, TeamTokenStore } from './secrets';
import { formatCount, formatLocalTime, formatMoney, setDisplayLocale } from './shared/format';
import { ProjectsTreeProvider } from './views/projectsTree';
import { StatusBar } from './views/statusBar';

/** Builds the services, registers each as it is made, and returns. No request is awaited. */
export function activate(context: vscode.ExtensionContext): void {
  // Words made by code shared with the CLI and the webview (l10n.t) come from the same bundle as
  // the host's own (vscode.l10n.t): VS Code's display language, English when there is none.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  // Money, counts and times in VS Code's display language (en-US text when it is English).
  setDisplayLocale(vscode.env.language);
  const own = <T extends { dispose(): unknown }>(d: T): T => (context.subscriptions.push(d), d);
  const setContext = (key: string, value: unknown): void => void vscode.commands.executeCommand('setContext', key, value);
  const formatTime = formatLocalTime;
  const log = own(new Log());
  const keys = own(new AdminKeyStore(context.secrets));
  const teamToken = own(new TeamTokenStore(context.secrets));
  const model = own(createUsageModel(context, keys, log, teamToken));
  const mode = new ModeSwitch({ keys, teamToken, teamServerUrl: () => readSettings().teamServerUrl, flags: context.globalState, env: process.env, baseUrl: () => readSettings().apiBaseUrl, model, setContext });
  const queries = own(new QueryService(model, { now: () => Date.now(), budget: () => budgetInForce(model.state.snapshot, readSettings().monthlyBudget)?.amount ?? 0, log }));
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
  own(new AlertNotifier({
    model,
    store: context.globalState,
    settings: readSettings,
    now: () => Date.now(),
    formatMoney,
    notify: (message, actions) => vscode.window.showWarningMessage(message, ...actions),
    showUsage: () => dashboard.show(),
    // A user setting, not a hidden flag: the user sees it and can turn alerts back on.
    disableAlerts: () => vscode.workspace.getConfiguration('openaiUsage').update('alerts.enabled', false, vscode.ConfigurationTarget.Global),
    log: (message) => log.warn(message),
  }));
  own(listenToSettings(vscode.workspace.onDidChangeConfiguration, { mode, model, presenter, dashboard }));
  // Another window set or cleared the key or the team token: follow it.
  const follow = async (): Promise<void> => {
    if ((await mode.apply()) !== 'none') void model.refresh();
  };
  own(keys.onDidChange(follow));
  own(teamToken.onDidChange(follow));
  own(registerTeamServerCommand({ token: teamToken, log, apply: follow }));
  // Agents: the usage tools answer from the data shown, never with the key.
  if (typeof vscode.lm?.registerTool === 'function') {
    own(registerUsageTools({ snapshot: () => model.state.snapshot, now: () => Date.now(), tools: () => import('./agentTools.js') }));
  }
  registerCommands(context, { model, keys, log, dashboard, mode });
  own(registerTreeGrouping(context, presenter));
  // Start-up: first the snapshot on disk (no request), then a refresh.
  void mode.apply().then((m) => {
    if (m !== 'none') void model.refresh();
  });
}
