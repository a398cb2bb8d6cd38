// The names and budgets half of the 2026 API (SPEC §1 "Names and budgets"): project API keys,
// admin keys and users (every page, in parallel, each part failing on its own), hard spend limits
// and spend alerts (read and write). Amounts stay in cents here; dollars only at the edges.

import type {
  ApiKeyInfo,
  BudgetScope,
  NameDirectory,
  NamePart,
  Project,
  SpendAlert,
  SpendAlertInput,
  SpendLimit,
  SpendLimitInput,
  UserInfo,
} from '../shared/endpoints';
import { ApiError, isApiError } from './errors';
import { createLimiter } from './limit';
import type { ListPage } from './schemas';
import {
  parseApiKeysPage,
  parseDeleted,
  parseSpendAlert,
  parseSpendAlertsPage,
  parseSpendLimit,
  parseUsersPage,
} from './schemas';

/** One request through the client (auth, retries, limiter); rejects with an ApiError subclass. */
export type Transport = (
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { readonly body?: unknown; readonly signal: AbortSignal | undefined; readonly retry?: boolean },
) => Promise<unknown>;

/** `limit` per page: the most each list endpoint allows (admin keys state no maximum; 100 like the rest). */
export const NAME_PAGE_LIMIT = 100;
export const SPEND_ALERTS_PAGE_LIMIT = 100;
/** A list stops after this many pages (10 000 items): a server that never ends cannot hang us. */
export const MAX_LIST_PAGES = 100;
/** Projects whose keys are fetched at once (inside the client's own limiter). */
export const NAME_CONCURRENCY = 16;

export interface ListResult<T> {
  readonly items: T[];
  /** True when MAX_LIST_PAGES was reached with more announced. */
  readonly truncated: boolean;
}

/** Follows `after` = the last id to the end of a list, or MAX_LIST_PAGES; a repeated id ends it. */
export async function listAll<T>(
  send: Transport,
  path: string,
  limit: number,
  parse: (body: unknown) => ListPage<T>,
  signal: AbortSignal | undefined,
  maxPages = MAX_LIST_PAGES,
): Promise<ListResult<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let after: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= maxPages) return { items, truncated: true };
    const p = new URLSearchParams({ limit: String(limit) });
    if (after !== undefined) p.set('after', after);
    const page = parse(await send('GET', `${path}?${p.toString()}`, { signal }));
    items.push(...page.items);
    if (!page.hasMore || !page.lastId || seen.has(page.lastId)) return { items, truncated: false };
    seen.add(page.lastId);
    after = page.lastId;
  }
}

function projectPath(projectId: string): string {
  return `/organization/projects/${encodeURIComponent(projectId)}`;
}

export function apiKeysPath(projectId: string): string {
  return `${projectPath(projectId)}/api_keys`;
}

export async function listProjectApiKeys(send: Transport, projectId: string, signal?: AbortSignal): Promise<ListResult<ApiKeyInfo>> {
  const path = apiKeysPath(projectId);
  return listAll(send, path, NAME_PAGE_LIMIT, (b) => parseApiKeysPage(b, `GET ${path}`, projectId), signal);
}

export async function listAdminApiKeys(send: Transport, signal?: AbortSignal): Promise<ListResult<ApiKeyInfo>> {
  const path = '/organization/admin_api_keys';
  return listAll(send, path, NAME_PAGE_LIMIT, (b) => parseApiKeysPage(b, `GET ${path}`), signal);
}

export async function listUsers(send: Transport, signal?: AbortSignal): Promise<ListResult<UserInfo>> {
  const path = '/organization/users';
  return listAll(send, path, NAME_PAGE_LIMIT, (b) => parseUsersPage(b, `GET ${path}`), signal);
}

/** An ApiError becomes a failed part; anything else (an abort, a bug) is thrown. */
function failedPart<T>(e: unknown, what: string, items: readonly T[] = []): NamePart<T> {
  if (!isApiError(e)) throw e;
  const message =
    e.status === 401 || e.status === 403
      ? `This key may not read ${what} (${e.status}); usage and spend are unaffected.`
      : `Could not read ${what}: ${e.message}`;
  return e.status === undefined ? { ok: false, items, message } : { ok: false, items, status: e.status, message };
}

async function part<T>(what: string, run: () => Promise<ListResult<T>>): Promise<NamePart<T>> {
  try {
    const r = await run();
    return { ok: true, items: r.items };
  } catch (e) {
    return failedPart<T>(e, what);
  }
}

/**
 * Every name at once: users, admin keys, and the keys of every project (NAME_CONCURRENCY projects
 * at a time). A part that fails (403 for a key without that scope) is reported in its part; the
 * project keys that could be read are kept even when another project's failed.
 */
export async function fetchNameDirectory(
  send: Transport,
  projects: (signal?: AbortSignal) => Promise<Project[]>,
  signal?: AbortSignal,
): Promise<NameDirectory> {
  const limit = createLimiter(NAME_CONCURRENCY);
  const apiKeys = async (): Promise<NamePart<ApiKeyInfo>> => {
    let list: Project[];
    try {
      list = await projects(signal);
    } catch (e) {
      return failedPart<ApiKeyInfo>(e, 'the project list');
    }
    const results = await Promise.all(
      list.map((p) =>
        limit(() => listProjectApiKeys(send, p.id, signal)).then(
          (r) => ({ ok: true as const, items: r.items }),
          (e: unknown) => ({ ok: false as const, error: e, project: p }),
        ),
      ),
    );
    const items = results.flatMap((r) => (r.ok ? r.items : []));
    const failed = results.find((r) => !r.ok);
    if (!failed || failed.ok) return { ok: true, items };
    const failures = results.filter((r) => !r.ok).length;
    const what = failures === 1 ? `the API keys of project ${failed.project.id}` : `the API keys of ${failures} projects`;
    return failedPart(failed.error, what, items);
  };
  const [keys, adminKeys, users] = await Promise.all([
    apiKeys(),
    part('admin keys', () => listAdminApiKeys(send, signal)),
    part('users', () => listUsers(send, signal)),
  ]);
  return { apiKeys: keys, adminKeys, users };
}

// --- budgets ----------------------------------------------------------------------------------

function scopePath(scope: BudgetScope): string {
  return scope.projectId === undefined ? '/organization' : projectPath(scope.projectId);
}

function checkCents(cents: number, min: number, what: string): void {
  if (!Number.isInteger(cents) || cents < min) {
    throw new ApiError('invalid_query', `${what} must be whole cents, at least ${min}; got ${cents}.`);
  }
}

/** The hard spend limit, or null when none is set (the API answers 404). */
export async function getSpendLimit(send: Transport, scope: BudgetScope, signal?: AbortSignal): Promise<SpendLimit | null> {
  const path = `${scopePath(scope)}/spend_limit`;
  try {
    return parseSpendLimit(await send('GET', path, { signal }), `GET ${path}`);
  } catch (e) {
    if (isApiError(e) && e.status === 404) return null;
    throw e;
  }
}

/** Creates or replaces the hard spend limit (idempotent, so retried like a GET). */
export async function setSpendLimit(send: Transport, scope: BudgetScope, input: SpendLimitInput, signal?: AbortSignal): Promise<SpendLimit> {
  checkCents(input.thresholdCents, 1, 'A spend limit');
  const path = `${scopePath(scope)}/spend_limit`;
  const body = { threshold_amount: input.thresholdCents, currency: input.currency ?? 'USD', interval: input.interval ?? 'month' };
  return parseSpendLimit(await send('POST', path, { body, signal }), `POST ${path}`);
}

export async function deleteSpendLimit(send: Transport, scope: BudgetScope, signal?: AbortSignal): Promise<void> {
  const path = `${scopePath(scope)}/spend_limit`;
  parseDeleted(await send('DELETE', path, { signal }), `DELETE ${path}`);
}

export async function listSpendAlerts(send: Transport, scope: BudgetScope, signal?: AbortSignal): Promise<SpendAlert[]> {
  const path = `${scopePath(scope)}/spend_alerts`;
  const r = await listAll(send, path, SPEND_ALERTS_PAGE_LIMIT, (b) => parseSpendAlertsPage(b, `GET ${path}`), signal);
  return r.items;
}

function alertPath(scope: BudgetScope, alertId: string): string {
  if (!alertId) throw new ApiError('invalid_query', 'A spend alert id is needed.');
  return `${scopePath(scope)}/spend_alerts/${encodeURIComponent(alertId)}`;
}

export async function getSpendAlert(send: Transport, scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<SpendAlert> {
  const path = alertPath(scope, alertId);
  return parseSpendAlert(await send('GET', path, { signal }), `GET ${path}`);
}

function alertBody(input: SpendAlertInput): Record<string, unknown> {
  checkCents(input.thresholdCents, 0, 'A spend alert threshold');
  if (input.recipients.length === 0 || input.recipients.some((r) => typeof r !== 'string' || !r.includes('@'))) {
    throw new ApiError('invalid_query', 'A spend alert needs at least one email recipient.');
  }
  return {
    threshold_amount: input.thresholdCents,
    currency: input.currency ?? 'USD',
    interval: input.interval ?? 'month',
    notification_channel: {
      type: 'email',
      recipients: [...input.recipients],
      ...(input.subjectPrefix === undefined ? {} : { subject_prefix: input.subjectPrefix }),
    },
  };
}

/** Creates an alert. Not retried: a retry after a lost answer could create it twice. */
export async function createSpendAlert(send: Transport, scope: BudgetScope, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert> {
  const path = `${scopePath(scope)}/spend_alerts`;
  return parseSpendAlert(await send('POST', path, { body: alertBody(input), signal, retry: false }), `POST ${path}`);
}

export async function updateSpendAlert(
  send: Transport,
  scope: BudgetScope,
  alertId: string,
  input: SpendAlertInput,
  signal?: AbortSignal,
): Promise<SpendAlert> {
  const path = alertPath(scope, alertId);
  return parseSpendAlert(await send('POST', path, { body: alertBody(input), signal }), `POST ${path}`);
}

export async function deleteSpendAlert(send: Transport, scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<void> {
  const path = alertPath(scope, alertId);
  parseDeleted(await send('DELETE', path, { signal }), `DELETE ${path}`);
}
