import * as l10n from '@vscode/l10n';
import type { EndpointFailure, UsageSnapshot } from './shared/snapshot';
import { ENDPOINTS } from './shared/endpoints';
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

/** Usage endpoints the last refresh could not read (their data is older, or none); empty when all answered. */
export function failedEndpoints(state: UsageState): readonly EndpointFailure[] {
  return state.snapshot?.partial ?? [];
}

/**
 * One plain line for the views: which endpoints failed and since when, and that spend is fresh.
 * Undefined when none failed. Plain text: a Markdown surface escapes it.
 */
export function partialText(state: UsageState, formatTime: (ms: number) => string): string | undefined {
  const failed = failedEndpoints(state);
  if (!failed.length) return undefined;
  const since = Math.min(...failed.map((f) => f.since));
  const names = failed.map((f) => ENDPOINTS[f.endpoint].title).join(', ');
  return failed.length === 1
    ? l10n.t('Spend is up to date, but {0} could not be read since {1}: its figures are older or missing.', names, formatTime(since))
    : l10n.t('Spend is up to date, but {0} could not be read since {1}: their figures are older or missing.', names, formatTime(since));
}
