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

/** A quick shape check before the real request: an OpenAI key, no spaces. */
export function checkKeyShape(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Paste an admin key (it starts with sk-admin-).';
  if (/\s/.test(v)) return 'A key has no spaces or line breaks.';
  if (!/^sk-[A-Za-z0-9_-]+$/.test(v) || v.length < 20) return 'That does not look like an OpenAI key: admin keys start with sk-admin-.';
  return undefined;
}
