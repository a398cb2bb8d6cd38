// The agent tools (issue 13): one definition each — name, description, input schema and a pure
// answer over the report — shared by the MCP server (`openai-usage-insight mcp`) and the VS Code
// language model tool. Browser-safe and key-free: the input names no key, the answer carries only
// figures, names and ids the report already shows.
import { BREAKDOWN_TOOL_NAME, SUMMARY_TOOL_NAME } from './toolNames';
import * as z from 'zod';
import type { Dimension, UsageBucket, UsageQuery } from '../shared/endpoints';
import { dimensionPhrase } from '../shared/labels';
import type { UsageSnapshot } from '../shared/snapshot';
import { summarize, NO_PROJECT } from '../report/summary';
import { keySpend, projectUsage } from '../report/report';
import { keyLines, nameIndex } from '../report/names';
import { estimateDay } from '../report/estimate';
import { DAY_SECONDS, isoDate, rangeForDays } from '../shared/time';
import type { TimeRange } from '../shared/time';
import * as l10n from '@vscode/l10n';

export const MAX_TOOL_DAYS = 90;
export const MAX_TOP = 50;

export const BREAKDOWNS = ['project', 'model', 'line_item', 'key'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const days = z.number().int().min(1).max(MAX_TOOL_DAYS).optional().describe(`The last N UTC days, today included (1..${MAX_TOOL_DAYS}; default 30).`);
const projectId = z.string().min(1).max(200).optional().describe('Only this project id (proj_…).');

export const summaryInput = z.object({ days, projectId }).strict();
export type SummaryInput = z.infer<typeof summaryInput>;

export const breakdownInput = z
  .object({
    days,
    by: z.enum(BREAKDOWNS).describe('Group by project, model (tokens and requests; spend is per line item), cost line item, or API key id.'),
    projectId,
    model: z.string().min(1).max(200).optional().describe('Only this model (for by=model).'),
    top: z.number().int().min(1).max(MAX_TOP).optional().describe(`How many items, most first (default 10, at most ${MAX_TOP}).`),
  })
  .strict();
export type BreakdownInput = z.infer<typeof breakdownInput>;

export interface ToolDefinition<S extends z.ZodType> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: S;
}

export const SUMMARY_TOOL: ToolDefinition<typeof summaryInput> = {
  name: SUMMARY_TOOL_NAME,
  title: 'OpenAI spend summary',
  description:
    "The organisation's OpenAI API spend and usage: today (billed, and an estimate of what is not billed yet), yesterday, month to date, the last N days, the month-end forecast, tokens, requests and the top projects. Optionally for one project. Amounts are in the currency given; the last two UTC days are provisional.",
  input: summaryInput,
};

export const BREAKDOWN_TOOL: ToolDefinition<typeof breakdownInput> = {
  name: BREAKDOWN_TOOL_NAME,
  title: 'OpenAI spend breakdown',
  description:
    'The top items of OpenAI API usage over the last N UTC days, grouped by project, model, cost line item or API key id: spend (where the Costs API reports it), tokens and requests, with the total.',
  input: breakdownInput,
};

/** Data beyond the snapshot: costs grouped by API key, for a snapshot older than its `keyCosts`. */
export interface ToolExtras {
  readonly keyCosts?: readonly UsageBucket[];
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** The days an answer covers: what was asked, at most what the snapshot holds. */
function coveredRange(snapshot: UsageSnapshot, asked: number | undefined, nowMs: number): { days: number; range: TimeRange } {
  const held = Math.max(1, Math.round((snapshot.rangeEnd - snapshot.rangeStart) / DAY_SECONDS));
  const n = Math.min(asked ?? 30, held, MAX_TOOL_DAYS);
  return { days: n, range: rangeForDays(nowMs, n) };
}

/** The snapshot with only one project's rows (costs and usage), or unchanged without a filter. */
function forProject(snapshot: UsageSnapshot, id: string | undefined): UsageSnapshot {
  if (id === undefined) return snapshot;
  const keep = (buckets: readonly UsageBucket[]): UsageBucket[] =>
    buckets.map((b) => ({ ...b, rows: b.rows.filter((r) => (r.dims.project_id ?? NO_PROJECT) === id) }));
  const usage: Record<string, readonly UsageBucket[]> = {};
  for (const [endpoint, buckets] of Object.entries(snapshot.usage)) usage[endpoint] = keep(buckets ?? []);
  return { ...snapshot, costs: keep(snapshot.costs), usage };
}

export interface SummaryAnswer {
  readonly currency: string;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly projectId?: string;
  readonly today: { readonly billed: number; readonly unbilledEstimate: number; readonly estimatedTotal: number };
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly rangeTotal: number;
  readonly forecastMonthEnd: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly cached: number };
  readonly requests: number;
  readonly topProjects: readonly { readonly id: string; readonly name: string; readonly spend: number }[];
  readonly provisionalFrom: string;
  readonly dataFetchedAt: string;
  readonly sample: boolean;
}

export function answerSummary(snapshot: UsageSnapshot, input: SummaryInput, nowMs: number): SummaryAnswer {
  const { days: n, range } = coveredRange(snapshot, input.days, nowMs);
  const scoped = forProject(snapshot, input.projectId);
  const s = summarize(scoped, { nowMs, rangeDays: n });
  const estimate = estimateDay({ nowMs, costs: scoped.costs, usage: scoped.usage, currency: scoped.currency });
  return {
    currency: s.currency,
    days: n,
    from: isoDate(range.start),
    to: isoDate(range.end - 1),
    ...(input.projectId === undefined ? {} : { projectId: input.projectId }),
    today: { billed: round(s.today), unbilledEstimate: round(estimate.unbilledEstimate), estimatedTotal: round(s.today + estimate.unbilledEstimate) },
    yesterday: round(s.yesterday),
    monthToDate: round(s.monthToDate),
    rangeTotal: round(s.rangeTotal),
    forecastMonthEnd: round(s.forecastMonthEnd),
    tokens: s.tokens,
    requests: s.requests,
    topProjects: s.projects
      .filter((p) => p.spend !== 0)
      .slice(0, 5)
      .map((p) => ({ id: p.id, name: p.name, spend: round(p.spend) })),
    provisionalFrom: isoDate(s.provisionalFrom),
    dataFetchedAt: new Date(snapshot.fetchedAt).toISOString(),
    sample: snapshot.source === 'sample',
  };
}

export interface BreakdownItem {
  readonly id: string;
  readonly name: string;
  /** Undefined where the Costs API does not split spend this way (by model). */
  readonly spend?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly requests?: number;
  /** By key: who owns it and its project, when the directory says. */
  readonly owner?: string;
  readonly projectId?: string;
  /** By key: why `name` is the ID (a deleted or unknown key, or names not readable with this key). */
  readonly nameMissing?: 'unknown' | 'unreadable';
}

export interface BreakdownAnswer {
  readonly currency: string;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly by: Breakdown;
  readonly total: { readonly spend?: number; readonly inputTokens?: number; readonly outputTokens?: number; readonly requests?: number };
  /** Items in all, before `top` was applied. */
  readonly count: number;
  readonly items: readonly BreakdownItem[];
  readonly note?: string;
}

/** The costs query a `by: 'key'` breakdown needs (the snapshot's costs are not grouped by key). */
export function keyCostsQuery(input: BreakdownInput, nowMs: number): UsageQuery | undefined {
  if (input.by !== 'key') return undefined;
  const n = Math.min(input.days ?? 30, MAX_TOOL_DAYS);
  const range = rangeForDays(nowMs, n);
  return {
    endpoint: 'costs',
    startTime: range.start,
    endTime: range.end,
    bucketWidth: '1d',
    groupBy: ['api_key_id', 'project_id'],
    ...(input.projectId === undefined ? {} : { projectIds: [input.projectId] }),
  };
}

export function answerBreakdown(snapshot: UsageSnapshot, input: BreakdownInput, nowMs: number, extras: ToolExtras = {}): BreakdownAnswer {
  const { days: n, range } = coveredRange(snapshot, input.days, nowMs);
  const scoped = forProject(snapshot, input.projectId);
  const top = input.top ?? 10;
  const head = { currency: scoped.currency, days: n, from: isoDate(range.start), to: isoDate(range.end - 1), by: input.by };
  const s = summarize(scoped, { nowMs, rangeDays: n });
  let items: BreakdownItem[];
  let total: BreakdownAnswer['total'];
  let note: string | undefined;
  if (input.by === 'project') {
    items = s.projects.map((p) => {
      const u = projectUsage(p);
      return { id: p.id, name: p.name, spend: round(p.spend), inputTokens: u.inputTokens, outputTokens: u.outputTokens, requests: u.requests };
    });
    total = { spend: round(s.rangeTotal), inputTokens: s.tokens.input, outputTokens: s.tokens.output, requests: s.requests };
  } else if (input.by === 'model') {
    const models = s.tokensByModel.filter((m) => input.model === undefined || m.model === input.model);
    items = models.map((m) => ({ id: m.model, name: m.model, inputTokens: m.inputTokens, outputTokens: m.outputTokens, requests: m.requests }));
    // The total is the report's own: all models, or the one asked for.
    const only = input.model === undefined ? undefined : models[0];
    total =
      input.model === undefined
        ? { inputTokens: s.tokens.input, outputTokens: s.tokens.output, requests: s.requests }
        : { inputTokens: only?.inputTokens ?? 0, outputTokens: only?.outputTokens ?? 0, requests: only?.requests ?? 0 };
    note = 'The Costs API reports spend per line item, not per model: ask by line_item for spend.';
  } else if (input.by === 'line_item') {
    items = s.lineItems.filter((li) => li.currency === s.currency).map((li) => ({ id: li.name, name: li.name, spend: round(li.spend) }));
    total = { spend: round(s.rangeTotal) };
  } else {
    const byKey = keySpend(scoped.keyCosts ?? extras.keyCosts ?? [], range, scoped.currency, input.projectId ? [input.projectId] : undefined);
    const names = nameIndex(snapshot.projects, snapshot.names);
    // Spend under no key ('') is not an item: the note says it is in the total.
    items = keyLines(
      byKey.filter((k) => k.id !== ''),
      names,
    ).map((k) => ({
      id: k.id,
      name: k.name,
      spend: round(k.spend),
      ...(k.owner === undefined ? {} : { owner: k.owner }),
      ...(k.projectId === undefined ? {} : { projectId: k.projectId }),
      ...(k.missing === undefined ? {} : { nameMissing: k.missing }),
    }));
    total = { spend: round(s.rangeTotal) };
    note = 'Spend not tied to an API key (e.g. ChatGPT or fine-tuning hosting) is in the total but under no key.';
    if (names.unreadable.includes('apiKeys')) note += ' API key names are not readable with this key: keys show their IDs.';
  }
  return { ...head, total, count: items.length, items: items.slice(0, top), ...(note === undefined ? {} : { note }) };
}

/** The grouping each breakdown is, for its words ("by API key"). */
const BREAKDOWN_DIMENSION: Readonly<Record<Breakdown, Dimension>> = { project: 'project_id', model: 'model', line_item: 'line_item', key: 'api_key_id' };

/** A one-line, key-free description of a call, for confirmations and progress messages. */
export function describeCall(name: string, input: Partial<BreakdownInput>): string {
  const n = input.days ?? 30;
  const project = input.projectId;
  if (name === BREAKDOWN_TOOL.name) {
    // The input is not validated yet (the tool does that): an unknown grouping is not named.
    const breakdown: string = input.by ?? 'project';
    if (!Object.hasOwn(BREAKDOWN_DIMENSION, breakdown)) return l10n.t('Read OpenAI usage of the last {0} days', n);
    const by = dimensionPhrase(BREAKDOWN_DIMENSION[breakdown as Breakdown]);
    return project ? l10n.t('Read OpenAI usage of the last {0} days {1} for project {2}', n, by, project) : l10n.t('Read OpenAI usage of the last {0} days {1}', n, by);
  }
  return project ? l10n.t('Read the OpenAI spend summary of the last {0} days for project {1}', n, project) : l10n.t('Read the OpenAI spend summary of the last {0} days', n);
}

export const TOOL_NAMES = [SUMMARY_TOOL.name, BREAKDOWN_TOOL.name] as const;

/**
 * Validates `input` for the named tool and answers it: the one entry point of the LM tool (the MCP
 * SDK validates on its own). Throws a plain Error with a readable message on bad input.
 */
export function answerTool(name: string, input: unknown, snapshot: UsageSnapshot, nowMs: number, extras: ToolExtras = {}): SummaryAnswer | BreakdownAnswer {
  if (name === SUMMARY_TOOL.name) {
    const parsed = summaryInput.safeParse(input ?? {});
    if (!parsed.success) throw new Error(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
    return answerSummary(snapshot, parsed.data, nowMs);
  }
  if (name === BREAKDOWN_TOOL.name) {
    const parsed = breakdownInput.safeParse(input ?? {});
    if (!parsed.success) throw new Error(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
    return answerBreakdown(snapshot, parsed.data, nowMs, extras);
  }
  throw new Error(`Unknown tool "${name}".`);
}
