import * as vscode from 'vscode';
import { readSettings } from './config';
import { ADMIN_KEYS_URL, KEY_PROBLEM_CODES } from './shared/errorCode';
import { describeError, describeKeyCheckFailure } from './userText';
import type { Log } from './log';
import type { ModeSwitch } from './app/mode';
import type { UsageModel } from './model';
import type { Dashboard } from './panel/dashboard';
import type { AdminKeyStore } from './secrets';
import { createApiClient } from './sources';
import { checkKeyShape, parseBudget } from './validation';
import { dayStart, DAY_SECONDS } from './shared/time';
import { nodeId, nodeProjectId, type ProjectsNode } from './views/projectsTree';
import { manageSpendAlertsFlow, setSpendLimitFlow } from './app/spendCommands';
import type { SpendFlowDeps, SpendUi } from './app/spendCommands';

export interface CommandDeps {
  readonly model: UsageModel;
  readonly keys: AdminKeyStore;
  readonly log: Log;
  readonly dashboard: Dashboard;
  /** Re-reads the key and the sample flag and switches the model's mode. */
  readonly mode: ModeSwitch;
}

const CANCELLED = Symbol('cancelled');

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { model, keys, log, dashboard, mode } = deps;
  const register = (id: string, run: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  register('openaiUsage.show', () => dashboard.show());
  register('openaiUsage.export', () => dashboard.exportView());
  register('openaiUsage.refresh', () => refreshWithProgress(model, log));

  register('openaiUsage.setAdminKey', async () => {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('OpenAI Admin Key'),
      prompt: vscode.l10n.t('Paste an admin key (sk-admin-…). It is checked with one request, then kept in VS Code’s secret storage.'),
      placeHolder: 'sk-admin-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => checkKeyShape(v),
    });
    if (value === undefined) return;
    const key = value.trim();
    if (checkKeyShape(key)) return;
    // The check runs under a progress notification; its outcome is shown after that closes.
    const failure = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the admin key…'), cancellable: true },
      async (_progress, token): Promise<unknown> => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        try {
          const client = await createApiClient(key, log);
          const today = dayStart(Math.floor(Date.now() / 1000));
          await client.query({ endpoint: 'costs', startTime: today, endTime: today + DAY_SECONDS, limit: 1 }, abort.signal);
          return undefined;
        } catch (e) {
          return abort.signal.aborted ? CANCELLED : e;
        }
      },
    );
    if (failure === CANCELLED) return;
    const ok = failure === undefined;
    if (!ok) {
      const { message, offerCreateKey } = describeKeyCheckFailure(failure);
      log.warn(`The admin key check failed: ${message}`);
      if (offerCreateKey) {
        const createKey = vscode.l10n.t('Create an Admin Key');
        const choice = await vscode.window.showErrorMessage(message, createKey);
        if (choice === createKey) void vscode.env.openExternal(vscode.Uri.parse(ADMIN_KEYS_URL));
      } else {
        void vscode.window.showErrorMessage(message);
      }
    }
    if (!ok) return;
    await keys.set(key);
    await mode.setSample(false);
    void vscode.window.showInformationMessage(vscode.l10n.t('Admin key saved. Fetching your usage…'));
    await refreshWithProgress(model, log);
  });

  register('openaiUsage.clearAdminKey', async () => {
    if (!(await keys.get())) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No admin key is set.'));
      return;
    }
    const clearKey = vscode.l10n.t('Clear Key');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove the OpenAI admin key from this machine? Usage stops updating until you set one again.'),
      { modal: true },
      clearKey,
    );
    if (choice !== clearKey) return;
    await keys.clear();
    await model.forgetStored();
    await mode.apply();
    void vscode.window.showInformationMessage(vscode.l10n.t('Admin key cleared.'));
  });

  register('openaiUsage.useSampleData', async () => {
    if (await keys.get()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('An admin key is set, so your real usage is shown. Clear the key to try sample data.'));
      return;
    }
    await mode.setSample(true);
    dashboard.show();
    await refreshWithProgress(model, log);
  });

  register('openaiUsage.setBudget', async () => {
    const current = readSettings().monthlyBudget;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Monthly Budget'),
      prompt: vscode.l10n.t('Monthly budget in your billing currency (0 = no budget). The status bar warns as spend nears it.'),
      value: current ? String(current) : '',
      placeHolder: vscode.l10n.t('e.g. 500'),
      ignoreFocusOut: true,
      validateInput: (v) => parseBudget(v) === undefined ? vscode.l10n.t('Enter a number of 0 or more, like 500 or 1250.50.') : undefined,
    });
    if (value === undefined) return;
    const budget = parseBudget(value);
    if (budget === undefined) return;
    await vscode.workspace.getConfiguration('openaiUsage').update('monthlyBudget', budget, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(budget ? vscode.l10n.t('Monthly budget set to {0}.', budget) : vscode.l10n.t('Monthly budget removed.'));
  });

  const spendDeps: SpendFlowDeps = {
    ui: vscodeSpendUi,
    source: () => model.currentSource(),
    snapshot: () => model.state.snapshot,
    refresh: () => model.refresh({ fresh: true }),
    describeError: (e) => describeError(e).message,
  };
  register('openaiUsage.setSpendLimit', () => setSpendLimitFlow(spendDeps));
  register('openaiUsage.manageSpendAlerts', () => manageSpendAlertsFlow(spendDeps));

  register('openaiUsage.copyId', async (node?: ProjectsNode) => {
    if (!node) return;
    const id = nodeId(node);
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', id), 3000);
  });

  register('openaiUsage.showProject', (node?: ProjectsNode) => {
    const projectId = node ? nodeProjectId(node) : undefined;
    dashboard.show(projectId === undefined ? undefined : { projectId });
  });
}

async function refreshWithProgress(model: UsageModel, log: Log): Promise<void> {
  if (model.state.mode === 'none') {
    const setKey = vscode.l10n.t('Set Admin Key');
    const trySample = vscode.l10n.t('Try with Sample Data');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Set an admin key first, or try sample data.'), setKey, trySample);
    if (choice === setKey) void vscode.commands.executeCommand('openaiUsage.setAdminKey');
    if (choice === trySample) void vscode.commands.executeCommand('openaiUsage.useSampleData');
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Refreshing OpenAI usage…'), cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      await model.refresh({ signal: abort.signal, fresh: true });
    },
  );
  const error = model.state.error;
  if (error && error.kind !== 'cancelled') {
    const setKey = vscode.l10n.t('Set Admin Key');
    const showLog = vscode.l10n.t('Show Log');
    const actions = KEY_PROBLEM_CODES.has(error.kind) ? [setKey] : [showLog];
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('OpenAI Usage: {0}', error.message), ...actions);
    if (choice === setKey) void vscode.commands.executeCommand('openaiUsage.setAdminKey');
    if (choice === showLog) log.show();
  }
}

/** The spend commands' prompts in VS Code: a quick pick, an input box, a modal confirmation. */
const vscodeSpendUi: SpendUi = {
  pick: async (title, items) => {
    const picked = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item })),
      { title, ignoreFocusOut: true, matchOnDescription: true },
    );
    return picked?.item.value;
  },
  input: (o) => vscode.window.showInputBox({ title: o.title, prompt: o.prompt, value: o.value, placeHolder: o.placeHolder, ignoreFocusOut: true, validateInput: o.validate }),
  confirm: async (message, action) => (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
  progress: (title, task) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task),
  info: (message) => void vscode.window.showInformationMessage(message),
  error: (message) => void vscode.window.showErrorMessage(message),
};
