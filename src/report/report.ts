// THE report: one pure pass over cost and usage buckets that computes every figure any surface
// shows (status bar, tree, dashboard cards, chart and table, export, CLI). Everything else is a
// projection of `buildReport`'s result; nothing outside this file sums, groups or derives a total.
//
// Rules it keeps (SPEC §1):
// - Tokens: `input_tokens` already counts text, audio, image, cached and cache-write input, and
//   `output_tokens` all output; breakdown fields (input_audio_tokens…) are never added to them.
//   Tokens come from the token endpoints (completions, embeddings, moderations); requests are
//   `num_model_requests` of every usage endpoint. Every row counts, with or without a model.
// - Money: totals per currency, never added across currencies. The headline ("main") currency is
//   the one with the most spend in the range (then month to date, then alphabetical).
// - A total a number cannot hold is an error (NonFiniteTotalError), never "null" or "$∞".
// Sums keep full precision; rounding happens only when formatting for display.

import * as l10n from '@vscode/l10n';
import { REQUEST_ENDPOINT_IDS, TOKEN_ENDPOINT_IDS } from '../shared/endpoints';
import type { EndpointId, Project, UsageBucket } from '../shared/endpoints';
import type { CostCell } from '../shared/protocol';
import { addDays, dayStart, dayStartOfMs, eachDay, monthStart } from '../shared/time';
import type { TimeRange } from '../shared/time';
import { provisionalStart } from '../shared/queryWindow';
import { forecastMonthEnd, trailingDailyAverage, usedPercent } from './forecast';
import { assertFiniteData, finite, finiteDataSteps, rowCurrency } from './finite';
import { PAUSE_MASK, runSteps } from './steps';
import type { Steps } from './steps';

export type UsageEndpointId = Exclude<EndpointId, 'costs'>;

/** The project id under which rows without a `project_id` are counted. */
export const NO_PROJECT = '';
/** The name shown for spend and usage under no project. */
export function noProjectName(): string {
  return l10n.t('No project');
}
/** The model name of usage rows that carry none (not grouped by model, or an endpoint without). */
export const NO_MODEL = '';
export const DEFAULT_CURRENCY = 'usd';

export interface ReportInput {
  readonly nowMs: number;
  /** [start, end) in Unix seconds, UTC midnights. */
  readonly range: TimeRange;
  readonly projects: readonly Project[];
  /** Daily costs (grouped by project_id and line_item) covering the range. */
  readonly costs: readonly UsageBucket[];
  /** Daily costs covering the month to date and the forecast's 7 days; default `costs`. */
  readonly monthCosts?: readonly UsageBucket[];
  /** Daily usage grouped by project_id (and model where allowed), covering the range. */
  readonly usage: Readonly<Partial<Record<UsageEndpointId, readonly UsageBucket[]>>>;
  /** Only these projects (empty or absent: all). */
  readonly projectIds?: readonly string[];
  /** Monthly budget in the main currency; 0 or absent = none. */
  readonly budget?: number;
  /** The currency of cost rows that name none (the snapshot's); default usd. */
  readonly currency?: string;
}

/** The money figures of one currency. */
export interface CurrencyTotals {
  readonly currency: string;
  /** Spend of the current UTC day so far. */
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly rangeTotal: number;
  /** See `forecastMonthEnd` in forecast.ts. */
  readonly forecastMonthEnd: number;
}

export interface Money {
  readonly currency: string;
  readonly amount: number;
}

export interface ModelUsage {
  /** NO_MODEL ('') for rows without a model. */
  readonly model: string;
  /** Sum of `input_tokens` (audio, image and cached input are already in it). */
  readonly inputTokens: number;
  /** Sum of `output_tokens`. */
  readonly outputTokens: number;
  /** Sum of `input_cached_tokens` (a part of inputTokens, shown as a breakdown). */
  readonly cachedTokens: number;
  readonly requests: number;
}

export interface LineItemSpend {
  readonly name: string;
  readonly currency: string;
  readonly spend: number;
}

export interface ProjectSpend {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
  /** Spend in the main currency. */
  readonly spend: number;
}

export interface ProjectReport extends ProjectSpend {
  /** Spend in every currency it has rows in, the main currency first. */
  readonly spends: readonly Money[];
  /** Models used in the range, by requests (most first). */
  readonly models: readonly ModelUsage[];
  /** Cost line items in the range, main currency first, then by spend. */
  readonly lineItems: readonly LineItemSpend[];
}

export interface TokenTotals {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
}

export interface Report {
  /** The main currency: every single-currency figure below is in it. */
  readonly currency: string;
  /** Every currency seen, the main one first. */
  readonly currencies: readonly string[];
  readonly byCurrency: Readonly<Record<string, CurrencyTotals>>;
  /** The main currency's totals. */
  readonly totals: CurrencyTotals;
  /** Whether any cost bucket of the current month was given (no forecast without one). */
  readonly hasMonthData: boolean;
  readonly budget?: { readonly amount: number; readonly usedPercent: number };
  readonly range: TimeRange;
  /** UTC midnights of the range, oldest first. */
  readonly days: readonly number[];
  /** Index into `days` of the first provisional day; days.length = none. */
  readonly provisionalIndex: number;
  /** Unix s of the first provisional day (yesterday). */
  readonly provisionalFrom: number;
  /** Spend per day of the range in the main currency. */
  readonly daily: readonly number[];
  /** Spend per day, project and line item in the main currency (non-zero cells). */
  readonly costCells: readonly CostCell[];
  /** Every project with spend or usage in the range, most spend first. */
  readonly projects: readonly ProjectReport[];
  /** Projects with spend today (main currency), most first, at most five. */
  readonly topProjectsToday: readonly ProjectSpend[];
  /** Line items over the range, main currency first, most spend first. */
  readonly lineItems: readonly LineItemSpend[];
  /** Per project and model, for tables and exports. */
  readonly models: readonly (ModelUsage & { readonly projectId: string })[];
  /** Per model over every project. */
  readonly tokensByModel: readonly ModelUsage[];
  readonly tokens: TokenTotals;
  /** `num_model_requests` over every usage endpoint. */
  readonly requests: number;
}

interface Acc {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number;
}

function add<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function inner<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function byCurrencyThenSpend(main: string): (a: { currency: string; spend: number; name: string }, b: { currency: string; spend: number; name: string }) => number {
  return (a, b) => Number(b.currency === main) - Number(a.currency === main) || b.spend - a.spend || a.name.localeCompare(b.name) || a.currency.localeCompare(b.currency);
}

/** The headline currency: most spend in the range, then month to date, then alphabetical. */
export function mainCurrency(rangeSpend: ReadonlyMap<string, number>, monthSpend: ReadonlyMap<string, number>, fallback: string): string {
  const all = [...new Set([...rangeSpend.keys(), ...monthSpend.keys()])];
  all.sort((a, b) => (rangeSpend.get(b) ?? 0) - (rangeSpend.get(a) ?? 0) || (monthSpend.get(b) ?? 0) - (monthSpend.get(a) ?? 0) || a.localeCompare(b));
  return all[0] ?? fallback;
}

/** The main currency of cost buckets alone (what a snapshot calls its currency). */
export function mainCurrencyOf(costs: readonly UsageBucket[], fallback: string = DEFAULT_CURRENCY): string {
  const spend = new Map<string, number>();
  for (const b of costs) for (const r of b.rows) add(spend, rowCurrency(r.currency, fallback), r.values.amount ?? 0);
  return mainCurrency(spend, new Map(), fallback);
}

export function buildReport(input: ReportInput): Report {
  return runSteps(reportSteps(input));
}

/** `buildReport` as steps (steps.ts): the same pass, pausable between rows. */
export function* reportSteps(input: ReportInput): Steps<Report> {
  const { nowMs, range } = input;
  const fallback = (input.currency || DEFAULT_CURRENCY).toLowerCase();
  const monthCosts = input.monthCosts ?? input.costs;
  yield* finiteDataSteps(input.costs, input.usage, fallback);
  if (monthCosts !== input.costs) yield* finiteDataSteps(monthCosts, {}, fallback);
  let n = 0;

  const filter = input.projectIds && input.projectIds.length ? new Set(input.projectIds) : undefined;
  const ok = (p: string | undefined): boolean => !filter || (p !== undefined && filter.has(p));
  const inRange = (b: UsageBucket): boolean => b.startTime >= range.start && b.startTime < range.end;

  const today = dayStartOfMs(nowMs);
  const yesterday = addDays(today, -1);
  const firstOfMonth = monthStart(today);

  // --- money per currency: the range --------------------------------------------------------
  const rangeSpend = new Map<string, number>();
  const projectSpend = new Map<string, Map<string, number>>(); // project → currency → spend
  const projectItems = new Map<string, Map<string, LineItemSpend & { spend: number }>>();
  const orgItems = new Map<string, { name: string; currency: string; spend: number }>();
  for (const b of input.costs) {
    if (!inRange(b)) continue;
    for (const r of b.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      const p = r.dims.project_id;
      if (!ok(p)) continue;
      const cur = rowCurrency(r.currency, fallback);
      const a = r.values.amount ?? 0;
      add(rangeSpend, cur, a);
      add(inner(projectSpend, p ?? NO_PROJECT, () => new Map<string, number>()), cur, a);
      const item = r.dims.line_item;
      if (item !== undefined) {
        const key = `${item}\u0000${cur}`;
        inner(inner(projectItems, p ?? NO_PROJECT, () => new Map()), key, () => ({ name: item, currency: cur, spend: 0 })).spend += a;
        inner(orgItems, key, () => ({ name: item, currency: cur, spend: 0 })).spend += a;
      }
    }
  }

  // --- money per currency and day: today, month to date, the forecast ------------------------
  const byDay = new Map<string, Map<number, number>>(); // currency → day → spend
  const todayByProject = new Map<string, Map<string, number>>(); // currency → project → spend
  let hasMonthData = false;
  for (const b of monthCosts) {
    const day = dayStart(b.startTime);
    if (b.startTime >= firstOfMonth) hasMonthData = true;
    for (const r of b.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      const p = r.dims.project_id;
      if (!ok(p)) continue;
      const cur = rowCurrency(r.currency, fallback);
      const a = r.values.amount ?? 0;
      add(inner(byDay, cur, () => new Map<number, number>()), day, a);
      if (day === today) add(inner(todayByProject, cur, () => new Map<string, number>()), p ?? NO_PROJECT, a);
    }
  }
  const monthSpend = new Map<string, number>();
  for (const [cur, days] of byDay) for (const [day, a] of days) if (day >= firstOfMonth && day <= today) add(monthSpend, cur, a);

  const main = mainCurrency(rangeSpend, monthSpend, fallback);
  const currencies = [main, ...[...new Set([...rangeSpend.keys(), ...byDay.keys()])].filter((c) => c !== main).sort()];
  const byCurrency: Record<string, CurrencyTotals> = {};
  for (const cur of currencies) {
    const days = byDay.get(cur) ?? new Map<number, number>();
    const on = (day: number): number => days.get(day) ?? 0;
    const monthToDate = monthSpend.get(cur) ?? 0;
    byCurrency[cur] = {
      currency: cur,
      today: on(today),
      yesterday: on(yesterday),
      monthToDate,
      rangeTotal: rangeSpend.get(cur) ?? 0,
      forecastMonthEnd: finite(forecastMonthEnd(monthToDate, trailingDailyAverage(on, nowMs), nowMs), `month-end forecast in ${cur}`),
    };
  }
  const totals = byCurrency[main] as CurrencyTotals;

  // --- the main currency's daily series and cells ----------------------------------------------
  const days = eachDay(range.start, range.end);
  const dayIndexOf = new Map(days.map((d, i) => [d, i]));
  const daily = days.map(() => 0);
  const cells = new Map<string, CostCell>();
  for (const b of input.costs) {
    const d = dayIndexOf.get(dayStart(b.startTime));
    if (d === undefined || !inRange(b)) continue;
    for (const r of b.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      const p = r.dims.project_id;
      if (!ok(p) || rowCurrency(r.currency, fallback) !== main) continue;
      const a = r.values.amount ?? 0;
      daily[d] = (daily[d] ?? 0) + a;
      if (a === 0) continue;
      const l = r.dims.line_item ?? '';
      const key = `${d}\u0000${p ?? ''}\u0000${l}`;
      cells.set(key, { d, p: p ?? '', l, a: (cells.get(key)?.a ?? 0) + a });
    }
  }
  const provisional = provisionalStart(nowMs);
  const firstProvisional = days.findIndex((d) => d >= provisional);

  // --- tokens and requests: one accumulator per project and model ---------------------------
  const tokenEndpoints: readonly string[] = TOKEN_ENDPOINT_IDS;
  const usageBy = new Map<string, Map<string, Acc>>();
  for (const id of REQUEST_ENDPOINT_IDS) {
    const tokens = tokenEndpoints.includes(id);
    for (const b of input.usage[id] ?? []) {
      if (!inRange(b)) continue;
      for (const r of b.rows) {
        if ((++n & PAUSE_MASK) === 0) yield;
        const p = r.dims.project_id;
        if (!ok(p)) continue;
        const v = r.values;
        if (!tokens && v.num_model_requests === undefined) continue; // bytes, sessions: no tokens, no requests
        const acc = inner(inner(usageBy, p ?? NO_PROJECT, () => new Map<string, Acc>()), r.dims.model ?? NO_MODEL, () => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 }));
        acc.requests += v.num_model_requests ?? 0;
        if (tokens) {
          acc.inputTokens += v.input_tokens ?? 0;
          acc.outputTokens += v.output_tokens ?? 0;
          acc.cachedTokens += v.input_cached_tokens ?? 0;
        }
      }
    }
  }
  const nonZero = (m: Acc): boolean => m.inputTokens !== 0 || m.outputTokens !== 0 || m.cachedTokens !== 0 || m.requests !== 0;
  const byModelDesc = (a: ModelUsage, b: ModelUsage): number => b.requests - a.requests || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || a.model.localeCompare(b.model);

  // --- projects ------------------------------------------------------------------------------------
  const names = new Map(input.projects.map((p) => [p.id, p]));
  const describe = (id: string, spend: number): ProjectSpend => {
    const p = names.get(id);
    return { id, name: id === NO_PROJECT ? noProjectName() : p?.name || id, archived: p?.status === 'archived', spend };
  };
  const projectIds = new Set([...projectSpend.keys(), ...[...usageBy].filter(([, m]) => [...m.values()].some(nonZero)).map(([id]) => id)]);
  const sortItems = byCurrencyThenSpend(main);
  const projects: ProjectReport[] = [...projectIds]
    .map((id): ProjectReport => {
      const spends = projectSpend.get(id) ?? new Map<string, number>();
      return {
        ...describe(id, spends.get(main) ?? 0),
        spends: currencies.filter((c) => spends.has(c)).map((currency) => ({ currency, amount: spends.get(currency) ?? 0 })),
        models: [...(usageBy.get(id) ?? new Map<string, Acc>())].filter(([, m]) => nonZero(m)).map(([model, m]) => ({ model, ...m })).sort(byModelDesc),
        lineItems: [...(projectItems.get(id)?.values() ?? [])].sort(sortItems),
      };
    })
    .sort((a, b) => b.spend - a.spend || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const models: (ModelUsage & { projectId: string })[] = [];
  const perModel = new Map<string, Acc>();
  let inputTokens = 0;
  let output = 0;
  let cached = 0;
  let requests = 0;
  for (const p of projects) {
    for (const m of p.models) {
      models.push({ projectId: p.id, ...m });
      const acc = inner(perModel, m.model, () => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 }));
      acc.inputTokens += m.inputTokens;
      acc.outputTokens += m.outputTokens;
      acc.cachedTokens += m.cachedTokens;
      acc.requests += m.requests;
      inputTokens += m.inputTokens;
      output += m.outputTokens;
      cached += m.cachedTokens;
      requests += m.requests;
    }
  }

  const topProjectsToday = [...(todayByProject.get(main) ?? new Map<string, number>())]
    .filter(([, spend]) => spend > 0)
    .map(([id, spend]) => describe(id, spend))
    .sort((a, b) => b.spend - a.spend || a.name.localeCompare(b.name))
    .slice(0, 5);

  const budgetAmount = input.budget ?? 0;
  const used = usedPercent(totals.monthToDate, budgetAmount);

  return {
    currency: main,
    currencies,
    byCurrency,
    totals,
    hasMonthData,
    ...(used === undefined ? {} : { budget: { amount: budgetAmount, usedPercent: finite(used, 'budget used') } }),
    range,
    days,
    provisionalIndex: firstProvisional === -1 ? days.length : firstProvisional,
    provisionalFrom: yesterday,
    daily,
    costCells: [...cells.values()].sort((a, b) => a.d - b.d || a.p.localeCompare(b.p) || a.l.localeCompare(b.l)),
    projects,
    topProjectsToday,
    lineItems: [...orgItems.values()].sort(sortItems),
    models,
    tokensByModel: [...perModel].map(([model, m]) => ({ model, ...m })).sort(byModelDesc),
    tokens: { input: inputTokens, output, cached },
    requests,
  };
}

export interface KeySpend {
  /** The API key's id ('' for spend under no key). */
  readonly id: string;
  /** The project the key's spend was in (the first seen, when one key spans several). */
  readonly projectId: string | undefined;
  readonly spend: number;
}

/**
 * Spend per API key over the range, in `currency` only (amounts of two currencies are never added),
 * from costs grouped by api_key_id (and project_id); most spend first. Only these projects when
 * `projectIds` is given.
 */
export function keySpend(keyCosts: readonly UsageBucket[], range: TimeRange, currency: string, projectIds?: readonly string[]): KeySpend[] {
  assertFiniteData(keyCosts, {}, currency);
  const filter = projectIds && projectIds.length ? new Set(projectIds) : undefined;
  const byKey = new Map<string, { projectId: string | undefined; spend: number }>();
  for (const b of keyCosts) {
    if (b.startTime < range.start || b.startTime >= range.end) continue;
    for (const r of b.rows) {
      if (rowCurrency(r.currency, currency) !== currency) continue;
      const projectId = r.dims.project_id;
      if (filter && (projectId === undefined || !filter.has(projectId))) continue;
      const id = r.dims.api_key_id ?? '';
      const acc = inner(byKey, id, () => ({ projectId, spend: 0 }));
      acc.spend += r.values.amount ?? 0;
    }
  }
  return [...byKey].map(([id, k]) => ({ id, ...k })).sort((a, b) => b.spend - a.spend || a.id.localeCompare(b.id));
}

/** A project's tokens and requests over its models (the report's per-project usage line). */
export function projectUsage(project: Pick<ProjectReport, 'models'>): Omit<ModelUsage, 'model'> {
  const acc: Acc = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 };
  for (const m of project.models) {
    acc.inputTokens += m.inputTokens;
    acc.outputTokens += m.outputTokens;
    acc.cachedTokens += m.cachedTokens;
    acc.requests += m.requests;
  }
  return acc;
}

export interface KeyUsage extends Omit<ModelUsage, 'model'> {
  /** The API key's id ('' for usage under no key). */
  readonly id: string;
  /** The key's models, most requests first. */
  readonly models: readonly ModelUsage[];
}

/**
 * Tokens and requests per API key and model over the range, from completions grouped by
 * api_key_id and model (the snapshot's `keyModels`): most requests first. Completions only, so a
 * key's figures here are its chat/responses traffic, not its embeddings or images.
 */
export function keyModelUsage(keyModels: readonly UsageBucket[], range: TimeRange): KeyUsage[] {
  assertFiniteData([], { completions: keyModels }, DEFAULT_CURRENCY);
  const byKey = new Map<string, Map<string, Acc>>();
  for (const b of keyModels) {
    if (b.startTime < range.start || b.startTime >= range.end) continue;
    for (const r of b.rows) {
      const v = r.values;
      const acc = inner(inner(byKey, r.dims.api_key_id ?? '', () => new Map<string, Acc>()), r.dims.model ?? NO_MODEL, () => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 }));
      acc.inputTokens += v.input_tokens ?? 0;
      acc.outputTokens += v.output_tokens ?? 0;
      acc.cachedTokens += v.input_cached_tokens ?? 0;
      acc.requests += v.num_model_requests ?? 0;
    }
  }
  const byModelDesc = (a: ModelUsage, b: ModelUsage): number => b.requests - a.requests || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || a.model.localeCompare(b.model);
  return [...byKey]
    .map(([id, models]): KeyUsage => {
      const list = [...models].map(([model, m]) => ({ model, ...m })).sort(byModelDesc);
      return { id, ...projectUsage({ models: list }), models: list };
    })
    .sort((a, b) => b.requests - a.requests || a.id.localeCompare(b.id));
}
