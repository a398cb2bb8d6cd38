// What the extension shows: the live API (a key is set), the sample organisation (asked for), or
// nothing yet. No vscode: the key store, the flag store and the context are small interfaces, so
// the rules are unit-tested in plain Node.
import { createHash } from 'node:crypto';
import type { Mode } from '../state';
import { Listeners } from './disposable';
import type { DisposableLike } from './disposable';

/** The globalState flag "Try with Sample Data" sets; a key set later clears it. */
export const SAMPLE_FLAG = 'openaiUsage.sampleMode';
/** `OPENAI_USAGE_INSIGHT_SAMPLE=1` starts in sample mode (demos, the end-to-end tests). */
export const SAMPLE_ENV = 'OPENAI_USAGE_INSIGHT_SAMPLE';

export interface ResolvedMode {
  readonly mode: Mode;
  /** Where the data comes from: 'none', 'sample', or a fingerprint of the API host and key. */
  readonly origin: string;
}

/**
 * A key wins; then a team server (its URL set: the read token is optional for a loopback server);
 * then the sample flag (either sample switch, flag or environment, is enough).
 */
export function resolveMode(input: {
  readonly key: string | undefined;
  readonly sample: boolean;
  readonly baseUrl: string;
  readonly teamServerUrl?: string;
  readonly teamToken?: string;
}): ResolvedMode {
  if (input.key) return { mode: 'api', origin: dataOrigin(input.baseUrl, input.key) };
  if (input.teamServerUrl) return { mode: 'team', origin: dataOrigin(`team ${input.teamServerUrl}`, input.teamToken ?? '') };
  return input.sample ? { mode: 'sample', origin: 'sample' } : { mode: 'none', origin: 'none' };
}

/**
 * A one-way fingerprint of the API host and key, stored with the snapshot so data is never shown
 * for another key or host. 64 bits of SHA-256: enough to tell keys apart, nothing to recover one.
 */
export function dataOrigin(baseUrl: string, key: string): string {
  return createHash('sha256').update(`${baseUrl.replace(/\/+$/, '')}\n${key}`).digest('hex').slice(0, 16);
}

export interface ModeDeps {
  readonly keys: { get(): Promise<string | undefined> };
  /** The team server's read token (SecretStorage) and URL (a user setting); absent: none. */
  readonly teamToken?: { get(): Promise<string | undefined> };
  teamServerUrl?(): string;
  /** globalState (a vscode.Memento fits). */
  readonly flags: { get(key: string): unknown; update(key: string, value: unknown): PromiseLike<void> };
  readonly env: { readonly [name: string]: string | undefined };
  baseUrl(): string;
  readonly model: { setMode(mode: Mode, origin: string): Promise<void> };
  /** `setContext` for the manifest's `when` clauses. */
  setContext(key: string, value: unknown): void;
}

/** Reads the key, the sample switches and the base URL, and switches the model to match. */
export class ModeSwitch {
  private readonly resolvedListeners = new Listeners<Mode>();
  private known = false;

  constructor(private readonly deps: ModeDeps) {}

  /** Whether the key has been read once: before that the views show nothing (no "no key" flash). */
  get resolved(): boolean {
    return this.known;
  }

  /** Fires after each `apply`, once the model is in the resolved mode. */
  onDidResolve(listener: (mode: Mode) => void): DisposableLike {
    return this.resolvedListeners.add(listener);
  }

  async apply(): Promise<Mode> {
    const key = await this.deps.keys.get();
    this.deps.setContext('openaiUsage.hasKey', key !== undefined);
    const sample = this.deps.flags.get(SAMPLE_FLAG) === true || this.deps.env[SAMPLE_ENV] === '1';
    const teamServerUrl = key ? undefined : this.deps.teamServerUrl?.() || undefined;
    const teamToken = teamServerUrl ? await this.deps.teamToken?.get() : undefined;
    const { mode, origin } = resolveMode({ key, sample, baseUrl: this.deps.baseUrl(), teamServerUrl, teamToken });
    await this.deps.model.setMode(mode, origin);
    this.known = true;
    this.resolvedListeners.fire(mode);
    return mode;
  }

  /** Turns the sample flag on ("Try with Sample Data") or off (a key was set), then re-applies. */
  async setSample(on: boolean): Promise<Mode> {
    await this.deps.flags.update(SAMPLE_FLAG, on ? true : undefined);
    return this.apply();
  }
}
