import * as vscode from 'vscode';
import { Disposable } from './app/disposable';

/** One secret in VS Code's SecretStorage (SPEC §3), with a change event that hears other windows. */
class SecretValue extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the value changes here or in another window. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly id: string,
  ) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (e.key === id) this.changed.fire();
      }),
    );
  }

  async get(): Promise<string | undefined> {
    const value = await this.secrets.get(this.id);
    return value?.trim() ? value.trim() : undefined;
  }
  async set(value: string): Promise<void> {
    await this.secrets.store(this.id, value);
  }
  async clear(): Promise<void> {
    await this.secrets.delete(this.id);
  }
}

/** The admin key: only in SecretStorage, never in settings, state, logs or the webview. */
export class AdminKeyStore extends SecretValue {
  constructor(secrets: vscode.SecretStorage) {
    super(secrets, 'openaiUsage.adminKey');
  }
}

/** The read token of a team server (`openai-usage-insight serve`): never an admin key. */
export class TeamTokenStore extends SecretValue {
  constructor(secrets: vscode.SecretStorage) {
    super(secrets, 'openaiUsage.teamServerToken');
  }
}
