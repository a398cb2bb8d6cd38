import * as vscode from 'vscode';
import { logLine } from './api/errors';

/** The "OpenAI Usage" log channel, with every line sanitised and redacted. */
export class Log implements vscode.Disposable {
  // The channel's name is shown in the Output view's list, so it is in the display language.
  private readonly channel = vscode.window.createOutputChannel(vscode.l10n.t('OpenAI Usage'), { log: true });

  info(message: string): void {
    this.channel.info(logLine(message));
  }
  warn(message: string): void {
    this.channel.warn(logLine(message));
  }
  error(message: string): void {
    this.channel.error(logLine(message));
  }
  debug(message: string): void {
    this.channel.debug(logLine(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
