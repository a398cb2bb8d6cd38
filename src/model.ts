// The one model the views render (STYLE: model apart from view). It owns the mode, the last good
// snapshot and the refresh; it never imports vscode, so its rules are unit-tested in plain Node.
import * as l10n from '@vscode/l10n';
import type { Mode, Unsubscribe, UsageReader, UsageState } from './state';
import type { UsageSnapshot } from './shared/snapshot';
import type { UsageSource } from './usage/source';
import type { StoredSummary } from './usage/compactStore';
import type { StatusFigures } from './views/statusText';
import type { ErrorCode } from './shared/errorCode';

export interface UserFacingError {
  readonly message: string;
  readonly kind: ErrorCode;
}

export interface ModelDeps {
  /** Builds the source for a mode; may throw (a bad base URL, no key): the refresh reports it. */
  createSource(mode: Exclude<Mode, 'none'>): Promise<UsageSource>;
  /** Loads a fresh snapshot, reusing `previous` for days that no longer change. */
  load(source: UsageSource, options: { nowMs: number; rangeDays: number; previous: UsageSnapshot | undefined; signal: AbortSignal; fresh?: boolean }): Promise<UsageSnapshot>;
  /** The last good live snapshot kept on disk (sample data is never stored). */
  readStored(): Promise<UsageSnapshot | undefined>;
  /** The small summary kept beside the stored snapshot, read before it (the first status text). */
  readStoredSummary?(): Promise<StoredSummary | undefined>;
  /** Replaces the stored snapshot atomically. Calls are never concurrent (the model chains them). */
  writeStored(snapshot: UsageSnapshot): Promise<void>;
  clearStored(): Promise<void>;
  rangeDays(): number;
  now(): number;
  describeError(error: unknown): UserFacingError;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

const INITIAL: UsageState = { mode: 'none', snapshot: undefined, loading: false, error: undefined, staleSince: undefined };

export class UsageModel implements UsageReader {
  private current: UsageState = INITIAL;
  /** Where the shown data comes from: 'none', 'sample', or a fingerprint of the API host and key. */
  private identity = 'none';
  private readonly listeners = new Set<(state: UsageState) => void>();
  private running: { promise: Promise<void>; abort: AbortController } | undefined;
  private source: { mode: Mode; promise: Promise<UsageSource> } | undefined;
  /** Bumped on every identity change so a refresh that finishes after it is discarded. */
  private generation = 0;
  /** Disk writes and deletes run one after another, so a delete is never overtaken by a write. */
  private io: Promise<void> = Promise.resolve();
  private lastAttempt: number | undefined;
  /** The stored summary's figures, shown (as loading) until the stored snapshot is read. */
  private storedFigures: StatusFigures | undefined;

  constructor(private readonly deps: ModelDeps) {}

  get state(): UsageState {
    return this.current;
  }

  /** The figures of the stored summary while no snapshot is shown yet (start-up), else undefined. */
  get storedStatus(): StatusFigures | undefined {
    return this.current.snapshot || this.current.mode !== 'api' ? undefined : this.storedFigures;
  }

  onDidChange(listener: (state: UsageState) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Milliseconds since the shown data was fetched or, if later, since the last attempt; Infinity when neither. */
  msSinceLastTry(): number {
    const at = Math.max(this.current.snapshot?.fetchedAt ?? Number.NEGATIVE_INFINITY, this.lastAttempt ?? Number.NEGATIVE_INFINITY);
    return at === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : Math.max(0, this.deps.now() - at);
  }

  /**
   * Switches what is shown. `identity` tells one origin of data from another (for the API, a
   * fingerprint of the base URL and key): when it changes, the running refresh is cancelled and
   * the data shown is dropped, so two organisations' figures never mix. For 'api', the snapshot
   * kept on disk for that same identity is shown at once, before any request. Does not refresh.
   */
  async setMode(mode: Mode, identity: string = mode): Promise<void> {
    if (mode === this.current.mode && identity === this.identity) return;
    this.generation++;
    const generation = this.generation;
    this.identity = identity;
    this.running?.abort.abort();
    this.running = undefined;
    this.source = undefined;
    this.lastAttempt = undefined;
    this.storedFigures = undefined;
    // The mode changes now, synchronously: a refresh started while the disk is read runs in it.
    this.update({ mode, snapshot: undefined, loading: false, error: undefined, staleSince: undefined });
    if (mode !== 'api' && mode !== 'team') return;
    // Both reads start now; the small summary lands first, and the status bar shows its figures
    // while the snapshot is still being read.
    const reading = this.deps.readStored().catch(() => undefined);
    const summaryRead = this.deps.readStoredSummary?.().catch(() => undefined);
    const summary = summaryRead ? await summaryRead : undefined;
    if (generation !== this.generation || this.current.snapshot) return;
    if (summary && summary.origin === identity) {
      this.storedFigures = summary.figures;
      this.update({ ...this.current });
    }
    const stored = await reading;
    if (generation !== this.generation || this.current.snapshot) return;
    if (stored && stored.source === 'api' && stored.origin === identity) this.update({ ...this.current, snapshot: stored });
    else if (this.storedFigures) {
      // The summary without its snapshot (damaged, refused): show nothing rather than orphan figures.
      this.storedFigures = undefined;
      this.update({ ...this.current });
    }
  }

  /** Drops the cached source (the proxy settings changed; same key and host). */
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

  /**
   * Refreshes; a call while one runs joins it, unless `restart` (what it fetches changed: the
   * range, the source), which cancels the running one and starts anew. Never rejects: failures
   * land in `state.error`. `signal` cancels (a joined call cancels the fetch it joined). `fresh`:
   * the user asked for it, so what is kept between refreshes (project limits) is read again too.
   */
  refresh(options?: { readonly signal?: AbortSignal; readonly restart?: boolean; readonly fresh?: boolean }): Promise<void> {
    if (this.current.mode === 'none') return Promise.resolve();
    if (this.running && options?.restart) {
      this.generation++;
      this.running.abort.abort();
      this.running = undefined;
    }
    const joined = this.running;
    if (joined) {
      // A second request joins the running one; its cancel still reaches that same fetch.
      options?.signal?.addEventListener('abort', () => joined.abort.abort(), { once: true });
      return joined.promise;
    }
    const abort = new AbortController();
    options?.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    const promise = this.run(abort.signal, options?.fresh === true).finally(() => {
      if (this.running?.promise === promise) this.running = undefined;
    });
    this.running = { promise, abort };
    return promise;
  }

  private async run(signal: AbortSignal, fresh: boolean): Promise<void> {
    const generation = this.generation;
    const mode = this.current.mode;
    const identity = this.identity;
    this.lastAttempt = this.deps.now();
    this.update({ ...this.current, loading: true });
    const started = this.deps.now();
    try {
      const source = await this.currentSource();
      if (!source) return;
      const loaded = await this.deps.load(source, {
        nowMs: started,
        rangeDays: this.deps.rangeDays(),
        previous: this.current.snapshot,
        signal,
        ...(fresh ? { fresh } : {}),
      });
      if (generation !== this.generation) return;
      const snapshot: UsageSnapshot = { ...loaded, origin: identity };
      this.update({ mode, snapshot, loading: false, error: undefined, staleSince: undefined });
      if (mode === 'api' || mode === 'team') {
        await this.disk(async () => {
          // Re-checked in turn: a key cleared meanwhile must not get this data written back.
          if (generation === this.generation) await this.deps.writeStored(snapshot);
        }).catch((e: unknown) => {
          this.deps.log('warn', `Could not keep the snapshot on disk: ${this.deps.describeError(e).message}`);
        });
      }
      this.deps.log('info', `Refreshed ${mode} data in ${this.deps.now() - started} ms`);
      // Spend is fresh; these endpoints kept their last good buckets (or none) and say so.
      for (const f of snapshot.partial ?? []) this.deps.log('warn', `Could not read ${f.endpoint} usage (${f.code}, failing since ${new Date(f.since).toISOString()}): ${f.message}`);
    } catch (e) {
      if (generation !== this.generation) return;
      const error = signal.aborted ? { message: l10n.t('Refresh cancelled.'), kind: 'cancelled' as const } : this.deps.describeError(e);
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

  /** Forgets the live data on disk (the key was cleared), after any write already queued. */
  forgetStored(): Promise<void> {
    return this.disk(() => this.deps.clearStored()).catch(() => undefined);
  }

  private disk(op: () => Promise<void>): Promise<void> {
    const next = this.io.then(op);
    this.io = next.catch(() => undefined);
    return next;
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
