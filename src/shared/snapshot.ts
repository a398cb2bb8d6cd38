import type { EndpointId, NameDirectory, Project, UsageBucket } from './endpoints';
import type { ErrorCode } from './errorCode';

export const SNAPSHOT_VERSION = 1;

/**
 * The last good data, as kept on disk and handed to every view. All buckets are UTC days.
 * - `costs`: grouped by project_id and line_item, from `costsStart` (the earliest of the range
 *   start, the first of the month and the 7 complete days the forecast averages) to the end of today.
 * - `usage`: each usage endpoint grouped by project_id and (where the endpoint allows) model,
 *   over the range.
 * - `keyCosts`: costs grouped by api_key_id and project_id over the range (spend by key).
 * - `keyModels`: completions grouped by api_key_id and model over the range (a key's models).
 * - `names`: API keys, admin keys and users, with when they were read (kept between refreshes).
 */
export interface UsageSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly source: 'api' | 'sample';
  /**
   * Which API host and key the data came from, as a one-way fingerprint (never the key), so data
   * is never shown or reused for another key or host. Set by the extension's model.
   */
  readonly origin?: string;
  /** When the data was fetched (ms since epoch). */
  readonly fetchedAt: number;
  /** Range start (Unix s, a UTC midnight) and end (exclusive, the UTC midnight after today). */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly costsStart: number;
  /** Lowercase ISO-4217, as the API reports it ("usd"). */
  readonly currency: string;
  readonly projects: readonly Project[];
  readonly costs: readonly UsageBucket[];
  readonly usage: Readonly<Partial<Record<Exclude<EndpointId, 'costs'>, readonly UsageBucket[]>>>;
  readonly keyCosts?: readonly UsageBucket[];
  readonly keyModels?: readonly UsageBucket[];
  readonly names?: NameDirectory;
  /** When `names` was read (ms since epoch). */
  readonly namesFetchedAt?: number;
  /** Hard spend limits read with the data; absent when the source has none or they were not asked for. */
  readonly budgets?: SnapshotBudgets;
  /**
   * Usage endpoints whose last query failed: their buckets are the previous snapshot's (or none),
   * everything else (spend above all) is fresh. Absent when every query answered.
   */
  readonly partial?: readonly EndpointFailure[];
}

/**
 * A hard spend limit as read: none set, one set (cents, lower-case currency like the rest of the
 * snapshot), or not readable with this key (a 403: said quietly where the limit would show).
 */
export type SpendLimitReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'set'; readonly limit: { readonly thresholdCents: number; readonly currency: string; readonly enforcing: boolean } }
  | { readonly kind: 'unreadable'; readonly reason: string };

export interface SnapshotBudgets {
  readonly organization: SpendLimitReading;
  /** By project id, for the active projects; a project missing here was not read. */
  readonly projects: Readonly<Record<string, SpendLimitReading>>;
  /** When every active project's limit was last read (ms since epoch); absent: never all. */
  readonly projectsReadAt?: number;
}

/** A usage endpoint that failed in a refresh: its error code, a short message and since when (ms). */
export interface EndpointFailure {
  readonly endpoint: Exclude<EndpointId, 'costs'>;
  readonly code: ErrorCode;
  readonly message: string;
  readonly since: number;
}
