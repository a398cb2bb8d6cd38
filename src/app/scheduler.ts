// When the data refreshes by itself: every `refreshIntervalMinutes` while this window has focus,
// when the window regains focus, when the tree or the dashboard comes into view, and after each
// UTC midnight. Each automatic refresh waits until the last try is that old, so a failing API is
// not hammered on every focus change. No vscode: the clock and the events are injected.
import { DAY_SECONDS, dayStartOfMs } from '../shared/time';
import { Disposable, toDisposable } from './disposable';
import type { DisposableLike } from './disposable';

export interface Timers {
  now(): number;
  setInterval(run: () => void, ms: number): DisposableLike;
  setTimeout(run: () => void, ms: number): DisposableLike;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setInterval: (run, ms) => {
    const handle = setInterval(run, ms);
    return toDisposable(() => clearInterval(handle));
  },
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    return toDisposable(() => clearTimeout(handle));
  },
};

/** An event that calls its listener when a refresh may be due (a vscode Event adapted to it). */
export type Trigger = (listener: () => void) => DisposableLike;

export interface SchedulerDeps {
  readonly timers: Timers;
  /** `openaiUsage.refreshIntervalMinutes`, read each time; 0 = only on demand. */
  intervalMinutes(): number;
  /** Whether this window has focus. */
  focused(): boolean;
  /** The model's time since its last try (success or failure); Infinity before any. */
  msSinceLastTry(): number;
  refresh(): void;
  /** "Today" changed: the views re-render (yesterday's figures are shown as of that day). */
  rerender(): void;
  /** Window focus, a view shown: each a chance to refresh when due. */
  readonly triggers: readonly Trigger[];
}

export const TICK_MS = 60_000;
/** A second past midnight, so "today" is surely the new day. */
const AFTER_MIDNIGHT_MS = 1_000;

export class RefreshScheduler extends Disposable {
  private midnight: DisposableLike | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    super();
    this.register(deps.timers.setInterval(() => {
      if (deps.focused()) this.refreshIfDue();
    }, TICK_MS));
    for (const trigger of deps.triggers) this.register(trigger(() => this.refreshIfDue()));
    this.scheduleMidnight();
    this.register(toDisposable(() => this.midnight?.dispose()));
  }

  /** Whether an automatic refresh is due now. */
  isDue(): boolean {
    const minutes = this.deps.intervalMinutes();
    return minutes > 0 && this.deps.msSinceLastTry() >= minutes * 60_000;
  }

  refreshIfDue(): void {
    if (this.isDue()) this.deps.refresh();
  }

  private scheduleMidnight(): void {
    const now = this.deps.timers.now();
    const next = (dayStartOfMs(now) + DAY_SECONDS) * 1000 + AFTER_MIDNIGHT_MS;
    this.midnight = this.deps.timers.setTimeout(() => {
      if (this.isDisposed) return;
      this.deps.rerender();
      if (this.deps.intervalMinutes() > 0) this.deps.refresh();
      this.scheduleMidnight();
    }, next - now);
  }
}
