// The overview tab's data, built on the host from daily cost and usage buckets. Pure: the host
// hands in the snapshot's buckets (or freshly queried ones for a range the snapshot does not cover).
import type { EndpointId, Project, UsageBucket } from '../shared/endpoints';
import type { CostCell, ModelTokens, OverviewData } from '../shared/protocol';
import { forecastMonthEnd, trailingDailyAverage } from './forecast';
import { DAY_SECONDS, dayIndex, dayStartOfMs, eachDay, isoDate, monthStart } from '../shared/time';
import type { TimeRange } from '../shared/time';
import { provisionalStart } from '../shared/queryWindow';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;

export interface OverviewInput {
  readonly nowMs: number;
  readonly range: TimeRange;
  readonly currency: string;
  /** openaiUsage.monthlyBudget; 0 = none. */
  readonly budget: number;
  /** Only these projects (empty: all). */
  readonly projectIds: readonly string[];
  readonly projects: readonly Project[];
  /** Daily costs grouped by project_id and line_item, covering the range. */
  readonly rangeCosts: readonly UsageBucket[];
  /** Daily costs covering the current month up to today (for today, month to date, forecast). */
  readonly monthCosts: readonly UsageBucket[];
  /** Daily usage of the range, grouped by project_id (and model where the endpoint allows). */
  readonly usage: Readonly<Partial<Record<UsageEndpointId, readonly UsageBucket[]>>>;
}

function keep(projectIds: readonly string[]): (projectId: string | undefined) => boolean {
  if (projectIds.length === 0) return () => true;
  const set = new Set(projectIds);
  return (p) => p !== undefined && set.has(p);
}

function costIn(buckets: readonly UsageBucket[], from: number, to: number, ok: (p: string | undefined) => boolean): number {
  let sum = 0;
  for (const b of buckets) {
    if (b.startTime < from || b.startTime >= to) continue;
    for (const r of b.rows) if (ok(r.dims.project_id)) sum += r.values.amount ?? 0;
  }
  return sum;
}

const TOKEN_ENDPOINTS = ['completions', 'embeddings', 'moderations'] as const;

export function buildOverview(input: OverviewInput): OverviewData {
  const { range, nowMs } = input;
  const ok = keep(input.projectIds);
  const dayStarts = eachDay(range.start, range.end);
  const first = dayIndex(range.start);
  const provisional = provisionalStart(nowMs);
  const firstProvisional = dayStarts.findIndex((d) => d >= provisional);
  const provisionalFrom = firstProvisional === -1 ? dayStarts.length : firstProvisional;

  // Costs per day, project and line item (summed: a bucket may split further than that).
  const cells = new Map<string, CostCell>();
  const seenProjects = new Set<string>();
  for (const b of input.rangeCosts) {
    if (b.startTime < range.start || b.startTime >= range.end) continue;
    const d = dayIndex(b.startTime) - first;
    for (const r of b.rows) {
      const p = r.dims.project_id;
      if (!ok(p)) continue;
      const amount = r.values.amount;
      if (amount === undefined || amount === 0) continue;
      const l = r.dims.line_item ?? '';
      const key = `${d}\u0000${p ?? ''}\u0000${l}`;
      const c = cells.get(key);
      cells.set(key, { d, p: p ?? '', l, a: (c?.a ?? 0) + amount });
      if (p) seenProjects.add(p);
    }
  }

  // Tokens and requests over the range.
  let inputTokens = 0;
  let outputTokens = 0;
  let cachedTokens = 0;
  let requests = 0;
  const models = new Map<string, ModelTokens>();
  for (const [endpoint, buckets] of Object.entries(input.usage) as [UsageEndpointId, readonly UsageBucket[]][]) {
    const tokenEndpoint = (TOKEN_ENDPOINTS as readonly string[]).includes(endpoint);
    for (const b of buckets) {
      if (b.startTime < range.start || b.startTime >= range.end) continue;
      for (const r of b.rows) {
        if (!ok(r.dims.project_id)) continue;
        const v = r.values;
        requests += v.num_model_requests ?? 0;
        if (!tokenEndpoint) continue;
        const i = v.input_tokens ?? 0;
        const o = v.output_tokens ?? 0;
        const c = v.input_cached_tokens ?? 0;
        inputTokens += i;
        outputTokens += o;
        cachedTokens += c;
        const model = r.dims.model ?? '';
        const m = models.get(model) ?? { model, input: 0, output: 0, cached: 0, requests: 0 };
        models.set(model, { model, input: m.input + i, output: m.output + o, cached: m.cached + c, requests: m.requests + (v.num_model_requests ?? 0) });
      }
    }
  }

  const today = dayStartOfMs(nowMs);
  const monthToDate = costIn(input.monthCosts, monthStart(today), today + DAY_SECONDS, ok);
  const hasMonth = input.monthCosts.some((b) => b.startTime >= monthStart(today));
  // The same formula as the status bar's (usage/forecast.ts), over the filtered projects.
  const average = trailingDailyAverage((day) => costIn(input.monthCosts, day, day + DAY_SECONDS, ok), nowMs);
  const projectNames: Record<string, string> = {};
  for (const p of input.projects) if (seenProjects.has(p.id) || input.projectIds.includes(p.id)) projectNames[p.id] = p.name || p.id;

  return {
    startTime: range.start,
    endTime: range.end,
    currency: input.currency,
    days: dayStarts.map(isoDate),
    provisionalFrom,
    cards: {
      rangeSpend: costIn(input.rangeCosts, range.start, range.end, ok),
      today: costIn(input.monthCosts, today, today + DAY_SECONDS, ok),
      monthToDate,
      forecast: hasMonth ? forecastMonthEnd(monthToDate, average, nowMs) : undefined,
      budget: input.budget,
      inputTokens,
      outputTokens,
      cachedTokens,
      requests,
    },
    costs: [...cells.values()].sort((a, b) => a.d - b.d || a.p.localeCompare(b.p) || a.l.localeCompare(b.l)),
    projectNames,
    tokensByModel: [...models.values()].filter((m) => m.input + m.output + m.requests > 0),
  };
}
