// "Connect to Team Server…": read the organisation's figures from a team server
// (`openai-usage-insight serve`) with its read token, so an engineer sees spend without an admin
// key. The URL is a user setting (a workspace cannot redirect the token); the token lives in
// SecretStorage. The connection is checked with one real request before anything is kept.
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { TeamTokenStore } from '../secrets';
import { createTeamSource } from '../sources';
import { describeError } from '../userText';
import { teamUrlProblem } from '../validation';

export interface TeamServerDeps {
  readonly token: TeamTokenStore;
  readonly log: Log;
  /** Re-resolves the mode after the URL or token changed, and refreshes. */
  apply(): Promise<void>;
}

export function registerTeamServerCommand(deps: TeamServerDeps): vscode.Disposable {
  return vscode.commands.registerCommand('openaiUsage.connectTeamServer', async () => {
    const config = vscode.workspace.getConfiguration('openaiUsage');
    const current = (config.inspect<string>('teamServerUrl')?.globalValue ?? '').trim();
    if (current) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Connect to another team server…'), action: 'change' as const },
          { label: vscode.l10n.t('Disconnect from the team server'), description: current, action: 'disconnect' as const },
        ],
        { title: vscode.l10n.t('Connect to Team Server'), placeHolder: vscode.l10n.t('Connected to {0}', current) },
      );
      if (!pick) return;
      if (pick.action === 'disconnect') {
        await config.update('teamServerUrl', undefined, vscode.ConfigurationTarget.Global);
        await deps.token.clear();
        await deps.apply();
        void vscode.window.showInformationMessage(vscode.l10n.t('Disconnected from the team server.'));
        return;
      }
    }
    const url = await vscode.window.showInputBox({
      title: vscode.l10n.t('Connect to Team Server (1/2)'),
      prompt: vscode.l10n.t('The address of your team’s OpenAI Usage Insight server (openai-usage-insight serve).'),
      placeHolder: 'https://usage.example.com',
      value: current,
      ignoreFocusOut: true,
      validateInput: (text) => teamUrlProblem(text),
    });
    if (url === undefined) return;
    const token = await vscode.window.showInputBox({
      title: vscode.l10n.t('Connect to Team Server (2/2)'),
      prompt: vscode.l10n.t('The server’s read token (from whoever runs it). Not an admin key. Empty for a loopback server without a token.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return;
    const address = url.trim().replace(/\/+$/, '');
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the team server…'), cancellable: true }, async (_progress, cancel) => {
        const abort = new AbortController();
        cancel.onCancellationRequested(() => abort.abort());
        const source = await createTeamSource(address, token.trim() || undefined);
        await source.projects(abort.signal);
      });
    } catch (e) {
      const { message } = describeError(e);
      deps.log.warn(`Team server check failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The team server did not answer as expected, so nothing was changed: {0}', message));
      return;
    }
    if (token.trim()) await deps.token.set(token.trim());
    else await deps.token.clear();
    await config.update('teamServerUrl', address, vscode.ConfigurationTarget.Global);
    await deps.apply();
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected to the team server {0}.', new URL(address).host));
  });
}
