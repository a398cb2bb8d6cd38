import * as vscode from 'vscode';
import { Disposable } from './app/disposable';

const KEY_ID = 'openaiUsage.adminKey';

/** The admin key, kept only in VS Code's SecretStorage (SPEC §3). */
export class AdminKeyStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the key changes here or in another window. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (e.key === KEY_ID) this.changed.fire();
      }),
    );
  }

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(KEY_ID);
    return key?.trim() ? key.trim() : undefined;
  }
  async set(key: string): Promise<void> {
    await this.secrets.store(KEY_ID, key);
  }
  async clear(): Promise<void> {
    await this.secrets.delete(KEY_ID);
  }
}
