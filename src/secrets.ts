import * as vscode from 'vscode';

const KEY_ID = 'openaiUsage.adminKey';

/** The admin key, kept only in VS Code's SecretStorage (SPEC §3). */
export class AdminKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the key changes here or in another window. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === KEY_ID) this.changed.fire();
    });
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
  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
