// Who spent and used what: names for the IDs on the wire, spend by API key, usage by user, keys
// not used lately, and the completions mix (cache hits, batch share, service tiers). Pure: the host
// computes these and the webview only draws them (it may call the lookups here for labels).
import * as l10n from '@vscode/l10n';
import { COMPLETIONS_BREAKDOWN } from '../shared/endpoints';
import type { Dimension, NameDirectory, Project, UsageBucket } from '../shared/endpoints';
import type { MetricTotal } from './table';
import type { AttributionData, CompletionsMix, NameTable } from '../shared/protocol';
import type { TimeRange } from '../shared/time';
import { DAY_SECONDS } from '../shared/time';
import { keyOwner, nameIndex } from './names';
import { keySpend } from './report';

/** Keys not used for this long are listed as a hygiene hint. */
export const STALE_KEY_DAYS = 30;
/** The attribution tables show at most this many keys and users (the rest is "and N more"). */
export const MAX_ATTRIBUTION_ROWS = 25;

/**
 * The name directory as the webview needs it: keys and users by ID, with the key's owner and
 * project for hover text, and the parts that could not be read. Projects travel in Status.projects.
 */
export function nameTable(projects: readonly Project[], names: NameDirectory | undefined): NameTable {
  const index = nameIndex(projects, names);
  const apiKeys: NameTable['apiKeys'] = {};
  for (const k of [...(names?.adminKeys.items ?? []), ...(names?.apiKeys.items ?? [])]) {
    const owner = keyOwner(k);
    apiKeys[k.id] = { label: k.name || k.id, ...(owner ? { owner } : {}), ...(k.projectId ? { projectId: k.projectId } : {}) };
  }
  const users: NameTable['users'] = {};
  for (const u of names?.users.items ?? []) users[u.id] = { label: u.name || u.email || u.id };
  return { known: names !== undefined, apiKeys, users, unreadable: [...index.unreadable] };
}

export interface ShownName {
  readonly label: string;
  /** Why there is no name: the directory part could not be read, or has no such ID (deleted). */
  readonly missing?: 'unreadable' | 'unknown';
  /** Hover text: the ID, and a key's owner. */
  readonly title?: string;
}


/**
 * The name of a project, API key or user ID for tables and legends. An ID the directory does not
 * have says so in words ("unknown or deleted key"); an unreadable directory shows the bare ID.
 * Other dimensions (models, tiers…) are their own names.
 */
export function idName(dim: Dimension, id: string, projectNames: Readonly<Record<string, string>>, names: NameTable | undefined): ShownName {
  if (dim === 'project_id') return projectNames[id] !== undefined ? { label: projectNames[id] ?? id, title: id } : { label: id };
  if (dim !== 'api_key_id' && dim !== 'user_id') return { label: id };
  const part = dim === 'api_key_id' ? names?.apiKeys : names?.users;
  const entry = part?.[id];
  if (entry) {
    const owner = dim === 'api_key_id' ? names?.apiKeys[id]?.owner : undefined;
    return { label: entry.label, title: owner ? l10n.t('{0}, owned by {1}', id, owner) : id };
  }
  const unreadable = !names || !names.known || names.unreadable.includes(dim === 'api_key_id' ? 'apiKeys' : 'users');
  if (unreadable) return { label: id, missing: 'unreadable', title: id };
  return { label: dim === 'api_key_id' ? l10n.t('{0} (unknown or deleted key)', id) : l10n.t('{0} (unknown or deleted user)', id), missing: 'unknown', title: id };
}

/** The quiet note for the parts of the directory this key may not read (undefined: none). */
export function unreadableNote(names: NameTable | undefined): string | undefined {
  if (!names || !names.known || names.unreadable.length === 0) return undefined;
  const words = { apiKeys: l10n.t('API keys'), adminKeys: l10n.t('admin keys'), users: l10n.t('users') } as const;
  const parts = names.unreadable.map((p) => words[p]);
  const list = parts.reduce((all, part) => l10n.t('{0} or {1}', all, part));
  return l10n.t('This Admin key may not list {0}, so their IDs show without names.', list);
}

export interface AttributionInput {
  readonly nowMs: number;
  readonly range: TimeRange;
  readonly currency: string;
  /** Only these projects (empty: all). */
  readonly projectIds: readonly string[];
  readonly projects: readonly Project[];
  readonly names: NameDirectory | undefined;
  /** Costs grouped by api_key_id and project_id (the snapshot's keyCosts). */
  readonly keyCosts: readonly UsageBucket[] | undefined;
  /** The range the keyCosts cover (the snapshot's range). */
  readonly keyCostsRange: TimeRange;
  /** Completions grouped by user_id over the range, or why they could not be read. */
  readonly userUsage: { readonly ok: true; readonly buckets: readonly UsageBucket[] } | { readonly ok: false; readonly message: string };
}

/** Spend by key, usage by user and keys not used lately, for the Attribution tab. */
export function buildAttribution(input: AttributionInput): AttributionData {
  const projectNames = Object.fromEntries(input.projects.map((p) => [p.id, p.name || p.id]));
  const table = nameTable(input.projects, input.names);
  const keyInfo = new Map([...(input.names?.apiKeys.items ?? []), ...(input.names?.adminKeys.items ?? [])].map((k) => [k.id, k]));
  // Spend by key: only the part of the range the stored key costs cover (they are the snapshot's).
  const start = Math.max(input.range.start, input.keyCostsRange.start);
  const end = Math.min(input.range.end, input.keyCostsRange.end);
  const spend = input.keyCosts && start < end ? keySpend(input.keyCosts, { start, end }, input.currency, input.projectIds) : [];
  const keys = spend.map((k) => {
    const name = k.id ? idName('api_key_id', k.id, projectNames, table) : { label: l10n.t('(no API key)') };
    const info = keyInfo.get(k.id);
    const projectId = k.projectId ?? info?.projectId;
    const owner = keyOwner(info);
    return {
      id: k.id,
      label: name.label,
      ...(name.missing ? { missing: name.missing } : {}),
      ...(owner ? { owner } : {}),
      ...(projectId ? { projectId, project: projectNames[projectId] ?? projectId } : {}),
      spend: k.spend,
    };
  });

  let users: AttributionData['users'];
  if (input.userUsage.ok) {
    const sums = new Map<string, { input: number; output: number; requests: number }>();
    for (const b of input.userUsage.buckets) {
      if (b.startTime < input.range.start || b.startTime >= input.range.end) continue;
      for (const r of b.rows) {
        const id = r.dims.user_id ?? '';
        const s = sums.get(id) ?? { input: 0, output: 0, requests: 0 };
        s.input += r.values.input_tokens ?? 0;
        s.output += r.values.output_tokens ?? 0;
        s.requests += r.values.num_model_requests ?? 0;
        sums.set(id, s);
      }
    }
    const rows = [...sums]
      .map(([id, s]) => {
        const name = id ? idName('user_id', id, projectNames, table) : { label: l10n.t('(no user)') };
        return { id, label: name.label, ...(name.missing ? { missing: name.missing } : {}), inputTokens: s.input, outputTokens: s.output, requests: s.requests };
      })
      .sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.requests - a.requests || a.id.localeCompare(b.id));
    users = { ok: true, rows };
  } else users = { ok: false, message: input.userUsage.message };

  const cutoff = Math.floor(input.nowMs / 1000) - STALE_KEY_DAYS * DAY_SECONDS;
  const filter = input.projectIds.length ? new Set(input.projectIds) : undefined;
  const staleKeys = input.names?.apiKeys.ok
    ? input.names.apiKeys.items
        .filter((k) => (k.lastUsedAt === undefined || k.lastUsedAt < cutoff) && (!filter || (k.projectId !== undefined && filter.has(k.projectId))))
        .map((k) => {
          const owner = keyOwner(k);
          return {
            id: k.id,
            label: k.name || k.id,
            ...(owner ? { owner } : {}),
            ...(k.projectId ? { projectId: k.projectId, project: projectNames[k.projectId] ?? k.projectId } : {}),
            ...(k.lastUsedAt !== undefined ? { lastUsedAt: k.lastUsedAt } : {}),
          };
        })
        .sort((a, b) => (a.lastUsedAt ?? 0) - (b.lastUsedAt ?? 0) || a.label.localeCompare(b.label))
    : undefined;

  return {
    startTime: input.range.start,
    endTime: input.range.end,
    currency: input.currency,
    keysFrom: input.keyCosts ? start : undefined,
    keys,
    users,
    ...(staleKeys ? { staleKeys } : {}),
    staleDays: STALE_KEY_DAYS,
    ...(unreadableNote(table) ? { note: unreadableNote(table) } : {}),
  };
}

/**
 * Completions' mix from a query grouped by batch and service_tier: the cache-hit rate (cached input
 * ÷ input), the batch share (batch requests ÷ all) and each service tier's share of the requests.
 * A rate with nothing under it is undefined, never 0 % or NaN.
 */
export function completionsMix(buckets: readonly UsageBucket[]): CompletionsMix {
  let input = 0;
  let cached = 0;
  let requests = 0;
  let batchRequests = 0;
  let batchKnown = false;
  const tiers = new Map<string, { requests: number; tokens: number }>();
  for (const b of buckets) {
    for (const r of b.rows) {
      const n = r.values.num_model_requests ?? 0;
      input += r.values.input_tokens ?? 0;
      cached += r.values.input_cached_tokens ?? 0;
      requests += n;
      if (r.dims.batch !== undefined) batchKnown = true;
      if (r.dims.batch === 'true') batchRequests += n;
      const tier = r.dims.service_tier ?? '';
      const t = tiers.get(tier) ?? { requests: 0, tokens: 0 };
      t.requests += n;
      t.tokens += (r.values.input_tokens ?? 0) + (r.values.output_tokens ?? 0);
      tiers.set(tier, t);
    }
  }
  return {
    inputTokens: input,
    cachedTokens: cached,
    requests,
    batchRequests,
    ...(input > 0 ? { cacheHitRate: cached / input } : {}),
    ...(requests > 0 && batchKnown ? { batchShare: batchRequests / requests } : {}),
    tiers: [...tiers]
      .map(([tier, t]) => ({ tier, requests: t.requests, tokens: t.tokens, share: requests > 0 ? t.requests / requests : 0 }))
      .sort((a, b) => b.requests - a.requests || a.tier.localeCompare(b.tier)),
  };
}

export interface BreakdownShare {
  readonly metric: string;
  /** The total it is a part of. */
  readonly of: 'input_tokens' | 'output_tokens';
  readonly value: number;
  /** value ÷ its total; undefined when the total is 0. */
  readonly share?: number;
}

/** Completions' breakdown metrics as parts of their totals (input or output tokens), never added to them. */
export function breakdownShares(totals: readonly MetricTotal[]): BreakdownShare[] {
  const byMetric = new Map(totals.map((t) => [t.metric, t.value]));
  const out: BreakdownShare[] = [];
  for (const metric of COMPLETIONS_BREAKDOWN) {
    const value = byMetric.get(metric);
    if (value === undefined) continue;
    const of = metric.startsWith('output_') ? 'output_tokens' : 'input_tokens';
    const total = byMetric.get(of) ?? 0;
    out.push({ metric, of, value, ...(total > 0 ? { share: value / total } : {}) });
  }
  return out;
}
