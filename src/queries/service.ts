// The dashboard's on-demand queries, beside the model: a bounded cache by data key, one query at
// a time (a newer one cancels the older), the API key and user lists fetched ahead, and origin
// tracking (another organisation's results and lists are dropped). No vscode: unit-tested against
// the sample organisation.
import * as l10n from '@vscode/l10n';
import { Disposable, Listeners, toDisposable } from '../app/disposable';
import type { DisposableLike } from '../app/disposable';
import type { FilterOptions, UiState } from '../shared/protocol';
import type { UsageSnapshot } from '../shared/snapshot';
import type { Mode, UsageReader, UsageState } from '../state';
import type { Shown } from '../report/export';
import { FilterOptionSets, NoDataError, fetchAttribution, fetchIdOptions, fetchOverview, fetchTab, idOptionDimensions } from './fetch';
import { dataKey, isEndpointTab } from '../shared/uiState';

export interface QueryServiceDeps {
  now(): number;
  /** `openaiUsage.monthlyBudget`: the overview's cards show it. */
  budget(): number;
  /** Background failures (the API key and user lists) are only logged. */
  readonly log: { info(message: string): void };
}

export type QueryOutcome =
  /** `cached`: from the cache, no request made. */
  | { readonly status: 'shown'; readonly shown: Shown; readonly cached: boolean }
  /** The query failed; the error as thrown (an ApiError, a NoDataError, anything). */
  | { readonly status: 'failed'; readonly key: string; readonly error: unknown }
  /** No mode: nothing to ask (the dashboard shows the "set a key / try sample data" state). */
  | { readonly status: 'none' }
  /** The overview waits for the first snapshot; `onDidChangeData` fires when it lands. */
  | { readonly status: 'waiting' }
  /** A newer query, or a change of the data, cancelled this one. */
  | { readonly status: 'cancelled' };

export interface DataChange {
  readonly state: UsageState;
  /** The snapshot or the mode changed: every result shown before is out of date. */
  readonly changed: boolean;
}

export const CACHE_SIZE = 12;

export class QueryService extends Disposable {
  private options = new FilterOptionSets();
  /** Recent results by dataKey, oldest first, so switching back to a tab does not query again. */
  private readonly cache = new Map<string, Shown>();
  private inflight: AbortController | undefined;
  /** Ranges and tabs whose API key and user lists were already asked for (see fetchIdOptions). */
  private readonly prefetched = new Set<string>();
  private readonly prefetches = new Set<AbortController>();
  private lastSnapshot: UsageSnapshot | undefined;
  private lastMode: Mode;
  private readonly dataListeners = this.register(new Listeners<DataChange>());
  private readonly optionListeners = this.register(new Listeners<void>());

  constructor(
    private readonly model: UsageReader,
    private readonly deps: QueryServiceDeps,
  ) {
    super();
    this.lastSnapshot = model.state.snapshot;
    this.lastMode = model.state.mode;
    this.options.follow(model.state.mode, model.state.snapshot);
    this.options.addSnapshot(model.state.snapshot);
    this.register(model.onDidChange((state) => this.dataListeners.fire({ state, changed: this.follow(state) })));
    this.register(toDisposable(() => this.cancelAll()));
  }

  /** The model's data changed (after this service dropped what it made out of date). */
  onDidChangeData(listener: (change: DataChange) => void): DisposableLike {
    return this.dataListeners.add(listener);
  }

  /** New values for the filters arrived in the background. */
  onDidChangeOptions(listener: () => void): DisposableLike {
    return this.optionListeners.add(listener);
  }

  /** The values known for each filter, gathered from the data seen. */
  filterOptions(): FilterOptions {
    return this.options.toJSON();
  }

  /**
   * What the view needs: from the cache unless `force`, else asked (cancelling the query before).
   * `onFetch` is called when a request is really made (the dashboard shows its spinner).
   */
  async query(ui: UiState, options: { readonly force?: boolean; readonly onFetch?: (key: string) => void } = {}): Promise<QueryOutcome> {
    const key = dataKey(ui);
    this.inflight?.abort();
    this.inflight = undefined;
    const cached = options.force ? undefined : this.cache.get(key);
    if (cached) return { status: 'shown', shown: cached, cached: true };
    const state = this.model.state;
    if (state.mode === 'none') return { status: 'none' };
    const abort = new AbortController();
    this.inflight = abort;
    this.prefetchIdOptions(ui);
    options.onFetch?.(key);
    try {
      const nowMs = this.deps.now();
      let shown: Shown;
      if (ui.tab === 'overview') {
        const snapshot = state.snapshot;
        if (!snapshot) {
          if (state.loading) return { status: 'waiting' };
          throw new NoDataError(state.error ? state.error.message : l10n.t('No usage data yet: run Refresh.'));
        }
        const data = await fetchOverview({
          ui,
          snapshot,
          // Asked for only when the range reaches outside the snapshot (it may load the network client).
          source: () => this.model.currentSource(),
          nowMs,
          budget: this.deps.budget(),
          signal: abort.signal,
        });
        shown = { kind: 'overview', key, ui, data };
      } else if (ui.tab === 'attribution') {
        const snapshot = state.snapshot;
        if (!snapshot) {
          if (state.loading) return { status: 'waiting' };
          throw new NoDataError(state.error ? state.error.message : l10n.t('No usage data yet: run Refresh.'));
        }
        const data = await fetchAttribution(ui, snapshot, await this.model.currentSource(), nowMs, abort.signal);
        shown = { kind: 'attribution', key, ui, data };
      } else {
        const source = await this.model.currentSource();
        if (!source) throw new NoDataError(l10n.t('No data source: set an Admin key or try sample data.'));
        const result = await fetchTab(ui, ui.tab, source, nowMs, state.snapshot?.currency ?? 'usd', abort.signal);
        if (abort.signal.aborted) return { status: 'cancelled' };
        this.options.add(result.buckets);
        shown = { kind: 'tab', key, ui, result };
      }
      if (abort.signal.aborted) return { status: 'cancelled' };
      this.remember(shown);
      return { status: 'shown', shown, cached: false };
    } catch (error) {
      if (abort.signal.aborted) return { status: 'cancelled' };
      return { status: 'failed', key, error };
    } finally {
      if (this.inflight === abort) this.inflight = undefined;
    }
  }

  /** Cancels the query in flight (its document is gone). */
  cancel(): void {
    this.inflight?.abort();
    this.inflight = undefined;
  }

  /** Forgets the results (Retry; a setting the overview shows changed). */
  invalidate(): void {
    this.cache.clear();
  }

  /** A new panel starts afresh: no results, no lists beyond the snapshot's. */
  reset(): void {
    this.cancelAll();
    this.cache.clear();
    this.prefetched.clear();
    const { mode, snapshot } = this.model.state;
    this.options = new FilterOptionSets();
    this.options.follow(mode, snapshot);
    this.options.addSnapshot(snapshot);
  }

  /** Follows the model; returns whether the data behind every result changed. */
  private follow(state: UsageState): boolean {
    const changed = state.snapshot !== this.lastSnapshot || state.mode !== this.lastMode;
    this.lastSnapshot = state.snapshot;
    this.lastMode = state.mode;
    if (this.options.follow(state.mode, state.snapshot)) {
      // Another organisation (sample ↔ key, another key or host): its lists start afresh.
      for (const p of this.prefetches) p.abort();
      this.prefetched.clear();
    }
    if (changed) {
      // A result of the old data must never reach a view, not even one shown later.
      this.cancel();
      this.cache.clear();
      this.options.addSnapshot(state.snapshot);
    }
    return changed;
  }

  /**
   * Fills the API key and user filters of an endpoint tab ahead of time: one grouped query in the
   * background per tab and range, never in the way of the view's own query (failures only logged).
   */
  private prefetchIdOptions(ui: UiState): void {
    const tab = ui.tab;
    if (!isEndpointTab(tab) || idOptionDimensions(tab).length === 0) return;
    const key = `${tab}|${JSON.stringify(ui.range)}`;
    if (this.prefetched.has(key)) return;
    this.prefetched.add(key);
    const abort = new AbortController();
    this.prefetches.add(abort);
    void (async (): Promise<void> => {
      try {
        const source = await this.model.currentSource();
        if (!source || abort.signal.aborted) return;
        const buckets = await fetchIdOptions(ui, tab, source, this.deps.now(), abort.signal);
        if (abort.signal.aborted) return;
        this.options.add(buckets);
        this.optionListeners.fire();
      } catch (err) {
        if (abort.signal.aborted) return;
        this.prefetched.delete(key); // try again next time the tab opens
        this.deps.log.info(`Dashboard: could not list the API keys and users of ${tab}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.prefetches.delete(abort);
      }
    })();
  }

  private remember(shown: Shown): void {
    this.cache.delete(shown.key);
    this.cache.set(shown.key, shown);
    while (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  private cancelAll(): void {
    this.cancel();
    for (const p of this.prefetches) p.abort();
    this.prefetches.clear();
  }
}

