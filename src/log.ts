import * as vscode from 'vscode';
import { redact } from './api/errors';

/** The "OpenAI Usage" log channel, with every line redacted. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('OpenAI Usage', { log: true });

  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string): void {
    this.channel.error(redact(message));
  }
  debug(message: string): void {
    this.channel.debug(redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
