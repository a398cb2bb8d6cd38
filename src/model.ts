// The one model the views render (STYLE: model apart from view). It owns the mode, the last good
// snapshot and the refresh; it never imports vscode, so its rules are unit-tested in plain Node.
import type { Mode, Unsubscribe, UsageModel, UsageState } from './state';
import type { UsageSnapshot } from './usage/snapshot';
import type { UsageSource } from './usage/source';

export interface UserFacingError {
  readonly message: string;
  readonly kind: string;
}

export interface ModelDeps {
  /** Builds the source for a mode; may throw (a bad base URL, no key): the refresh reports it. */
  createSource(mode: Exclude<Mode, 'none'>): Promise<UsageSource>;
  /** Loads a fresh snapshot, reusing `previous` for days that no longer change. */
  load(source: UsageSource, options: { nowMs: number; rangeDays: number; previous: UsageSnapshot | undefined; signal: AbortSignal }): Promise<UsageSnapshot>;
  /** The last good live snapshot kept on disk (sample data is never stored). */
  readStored(): Promise<UsageSnapshot | undefined>;
  writeStored(snapshot: UsageSnapshot): Promise<void>;
  clearStored(): Promise<void>;
  rangeDays(): number;
  now(): number;
  describeError(error: unknown): UserFacingError;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

const INITIAL: UsageState = { mode: 'none', snapshot: undefined, loading: false, error: undefined, staleSince: undefined };

export class UsageController implements UsageModel {
  private current: UsageState = INITIAL;
  private readonly listeners = new Set<(state: UsageState) => void>();
  private running: { promise: Promise<void>; abort: AbortController; mode: Mode } | undefined;
  private source: { mode: Mode; promise: Promise<UsageSource> } | undefined;
  /** Bumped on every mode change so a refresh that finishes after it is discarded. */
  private generation = 0;

  constructor(private readonly deps: ModelDeps) {}

  get state(): UsageState {
    return this.current;
  }

  onDidChange(listener: (state: UsageState) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Milliseconds since the shown data was fetched; Infinity when there is none. */
  dataAgeMs(): number {
    const at = this.current.snapshot?.fetchedAt;
    return at === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.deps.now() - at);
  }

  /**
   * Switches what is shown. 'api' first shows the snapshot kept on disk, before any request.
   * Does not refresh by itself: the caller decides when.
   */
  async setMode(mode: Mode): Promise<void> {
    if (mode === this.current.mode && mode !== 'none') return;
    this.generation++;
    this.running?.abort.abort();
    this.running = undefined;
    this.source = undefined;
    let snapshot: UsageSnapshot | undefined;
    if (mode === 'api') snapshot = await this.deps.readStored().catch(() => undefined);
    if (snapshot && snapshot.source !== 'api') snapshot = undefined;
    this.update({ mode, snapshot, loading: false, error: undefined, staleSince: undefined });
  }

  /** Drops the cached source (the key, base URL or proxy changed). */
  invalidateSource(): void {
    this.source = undefined;
  }

  async currentSource(): Promise<UsageSource | undefined> {
    const mode = this.current.mode;
    if (mode === 'none') return undefined;
    if (!this.source || this.source.mode !== mode) {
      const promise = this.deps.createSource(mode);
      this.source = { mode, promise };
      promise.catch(() => {
        if (this.source?.promise === promise) this.source = undefined;
      });
    }
    return this.source.promise;
  }

  refresh(options?: { readonly userInitiated?: boolean; readonly signal?: AbortSignal }): Promise<void> {
    if (this.current.mode === 'none') return Promise.resolve();
    if (this.running) {
      // A second request joins the running one; its cancel still reaches the shared fetch.
      options?.signal?.addEventListener('abort', () => this.running?.abort.abort(), { once: true });
      return this.running.promise;
    }
    const abort = new AbortController();
    options?.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    const promise = this.run(abort.signal).finally(() => {
      if (this.running?.promise === promise) this.running = undefined;
    });
    this.running = { promise, abort, mode: this.current.mode };
    return promise;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const generation = this.generation;
    const mode = this.current.mode;
    this.update({ ...this.current, loading: true });
    const started = this.deps.now();
    try {
      const source = await this.currentSource();
      if (!source) return;
      const snapshot = await this.deps.load(source, {
        nowMs: started,
        rangeDays: this.deps.rangeDays(),
        previous: this.current.snapshot,
        signal,
      });
      if (generation !== this.generation) return;
      this.update({ mode, snapshot, loading: false, error: undefined, staleSince: undefined });
      if (mode === 'api') {
        await this.deps.writeStored(snapshot).catch((e: unknown) => {
          this.deps.log('warn', `Could not keep the snapshot on disk: ${this.deps.describeError(e).message}`);
        });
      }
      this.deps.log('info', `Refreshed ${mode} data in ${this.deps.now() - started} ms`);
    } catch (e) {
      if (generation !== this.generation) return;
      const error = signal.aborted ? { message: 'Refresh cancelled.', kind: 'cancelled' } : this.deps.describeError(e);
      this.deps.log(signal.aborted ? 'info' : 'error', `Refresh failed: ${error.message}`);
      // The last good data stays; it is marked stale from the first failure on.
      const snapshot = this.current.snapshot;
      this.update({
        ...this.current,
        loading: false,
        error: signal.aborted && snapshot ? undefined : error,
        staleSince: snapshot && !signal.aborted ? (this.current.staleSince ?? this.deps.now()) : this.current.staleSince,
      });
    } finally {
      if (generation === this.generation && this.current.loading) this.update({ ...this.current, loading: false });
    }
  }

  /** Forgets the live data (the key was cleared). */
  async forgetStored(): Promise<void> {
    await this.deps.clearStored().catch(() => undefined);
  }

  private update(next: UsageState): void {
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (e) {
        this.deps.log('error', `A view failed to render: ${this.deps.describeError(e).message}`);
      }
    }
  }

  dispose(): void {
    this.generation++;
    this.running?.abort.abort();
    this.listeners.clear();
  }
}
