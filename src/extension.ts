import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('openaiUsage.show', () => {
      void vscode.window.showInformationMessage('OpenAI Usage Insight');
    }),
  );
}

export function deactivate(): void {}
