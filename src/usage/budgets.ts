// The hard spend limits read with each refresh (issue "Spend awareness"): the organisation's and
// each active project's. A limit the key may not read (403) is "unreadable", said quietly where
// the limit would show; it never fails the refresh. Any other failure keeps what the last good
// snapshot knew, so a passing 500 does not flip the budget in force from the limit to the setting.

import { isApiError } from '../api/errors';
import type { ApiError } from '../api/errors';
import type { BudgetScope, Project, SpendLimit } from '../shared/endpoints';
import type { SnapshotBudgets, SpendLimitReading } from '../shared/snapshot';
import type { UsageSource } from './source';

/** Runs a task under the load's concurrency limit (the loader's limiter). */
export type RunLimited = <T>(task: () => Promise<T>) => Promise<T>;

export function readingOf(limit: SpendLimit | null): SpendLimitReading {
  if (!limit) return { kind: 'none' };
  return { kind: 'set', limit: { thresholdCents: limit.thresholdCents, currency: limit.currency.toLowerCase(), enforcing: limit.enforcing } };
}

function isDenied(error: unknown): error is ApiError {
  return isApiError(error) && (error.code === 'permission' || error.code === 'auth');
}

function failedReading(error: unknown, previous: SpendLimitReading | undefined): SpendLimitReading {
  if (isDenied(error)) return { kind: 'unreadable', reason: `This key may not read spend limits (${error.status ?? 403}).` };
  return previous ?? { kind: 'unreadable', reason: 'The spend limit could not be read; the next refresh tries again.' };
}

/**
 * Projects' limits are read again at most this often (one request per active project: a thousand
 * projects would be a thousand requests every refresh); the organisation's at every refresh.
 */
export const PROJECT_LIMITS_MAX_AGE_MS = 60 * 60 * 1000;

export interface ReadBudgetsOptions {
  readonly run: RunLimited;
  readonly signal: AbortSignal;
  readonly previous?: SnapshotBudgets | undefined;
  readonly nowMs: number;
  /** Read every project's limit now, however recent the previous readings (a refresh the user asked for). */
  readonly fresh?: boolean;
}

/**
 * Reads the organisation's limit at once and the active projects' limits once `projects` is known:
 * all of them when the previous readings are older than PROJECT_LIMITS_MAX_AGE_MS (or `fresh`),
 * else only projects not read before. Rejects only when `signal` is aborted (the whole load is
 * cancelled then). Undefined when the source has no spend limits.
 */
export async function readBudgets(source: UsageSource, projects: Promise<readonly Project[]>, options: ReadBudgetsOptions): Promise<SnapshotBudgets | undefined> {
  const get = source.getSpendLimit?.bind(source);
  if (!get) return undefined;
  const { run, signal, previous, nowMs } = options;
  let denied = false;
  const read = async (scope: BudgetScope, before: SpendLimitReading | undefined): Promise<SpendLimitReading> => {
    try {
      return readingOf(await run(() => get(scope, signal)));
    } catch (error) {
      signal.throwIfAborted();
      if (scope.projectId === undefined && isDenied(error)) denied = true;
      return failedReading(error, before);
    }
  };
  const organizationTask = read({}, previous?.organization);
  // The project list failing fails the load anyway; here it only means "no project limits".
  const list = await projects.catch(() => [] as readonly Project[]);
  const organization = await organizationTask;
  const projectLimits: Record<string, SpendLimitReading> = {};
  // A key that may not read the organisation's limit may not read a project's either: spare the requests.
  if (denied) return { organization, projects: projectLimits };
  const active = list.filter((p) => p.status !== 'archived');
  const readAt = previous?.projectsReadAt;
  const recent = !options.fresh && readAt !== undefined && nowMs - readAt >= 0 && nowMs - readAt < PROJECT_LIMITS_MAX_AGE_MS;
  const kept = (id: string): SpendLimitReading | undefined => (recent ? previous?.projects[id] : undefined);
  const readings = await Promise.all(active.map((p) => kept(p.id) ?? read({ projectId: p.id }, previous?.projects[p.id])));
  active.forEach((p, i) => {
    const reading = readings[i];
    if (reading) projectLimits[p.id] = reading;
  });
  return { organization, projects: projectLimits, projectsReadAt: recent ? readAt : nowMs };
}
