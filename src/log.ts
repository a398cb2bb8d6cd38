import * as vscode from 'vscode';

// Anything shaped like an OpenAI key (sk-…, sk-admin-…, sk-proj-…) and bearer tokens.
const KEY_SHAPED = /\b(sk-[A-Za-z0-9_-]{3,})|(Bearer\s+)\S+/g;

/** Replaces anything shaped like a key, so no log line or message can carry one. */
export function redactKeys(text: string): string {
  return text.replace(KEY_SHAPED, (_m, key: string | undefined, bearer: string | undefined) =>
    key ? 'sk-…[redacted]' : `${bearer ?? ''}[redacted]`,
  );
}

/** The "OpenAI Usage" log channel, with every line redacted. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('OpenAI Usage', { log: true });

  get outputChannel(): vscode.LogOutputChannel {
    return this.channel;
  }
  info(message: string): void {
    this.channel.info(redactKeys(message));
  }
  warn(message: string): void {
    this.channel.warn(redactKeys(message));
  }
  error(message: string): void {
    this.channel.error(redactKeys(message));
  }
  debug(message: string): void {
    this.channel.debug(redactKeys(message));
  }
  dispose(): void {
    this.channel.dispose();
  }
}
