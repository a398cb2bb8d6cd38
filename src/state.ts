import type { UsageSnapshot } from './shared/snapshot';
import type { UsageSource } from './usage/source';
import type { ErrorCode } from './shared/errorCode';

/**
 * What the extension is showing: nothing yet, the live API (an admin key), a team server's data
 * (its URL and read token), or the synthetic sample organisation.
 */
export type Mode = 'none' | 'api' | 'team' | 'sample';

export interface UsageState {
  readonly mode: Mode;
  /** The last good data (from disk at start-up, then from each successful refresh). */
  readonly snapshot: UsageSnapshot | undefined;
  readonly loading: boolean;
  /** The last refresh's failure, for the user: what failed and what to do. */
  readonly error: { readonly message: string; readonly kind: ErrorCode } | undefined;
  /** When set, the snapshot is kept from before a failed refresh that happened at this time (ms). */
  readonly staleSince: number | undefined;
}

export interface Unsubscribe {
  dispose(): void;
}

/** What the views and the dashboard's queries read of the model. They subscribe; they never refresh it. */
export interface UsageReader {
  readonly state: UsageState;
  onDidChange(listener: (state: UsageState) => void): Unsubscribe;
  /** A source for ad-hoc queries (the dashboard's endpoint tabs); undefined in mode 'none'. */
  currentSource(): Promise<UsageSource | undefined>;
}
