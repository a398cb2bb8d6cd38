// The headless CLI: the same client and domain core as the extension, for scripts and terminals.
//   openai-usage-insight summary [--days N] [--json|--csv] [--sample] [--base-url URL]
//   openai-usage-insight costs [--days N] [--group-by d,d] [--project ID]… [--json|--csv]
//   openai-usage-insight usage <endpoint> [--days N] [--bucket 1d|1h|1m] [--group-by d,d] [--project ID]… [--model M]…
// The key comes from OPENAI_ADMIN_KEY. Any failure: exit 1 and one line on stderr, never the key.
import './zodSetup';
import { parseArgs } from 'node:util';
import { BUCKET_WIDTHS, DIMENSIONS, ENDPOINT_IDS, ENDPOINTS, USAGE_ENDPOINT_IDS, WIDTH_SECONDS } from './shared/endpoints';
import type { BucketWidth, Dimension, EndpointId, UsageQuery } from './shared/endpoints';
import { redact } from './api/errors';
import { describeError } from './userText';
import { sanitizeShort } from './shared/sanitize';
import { summarize } from './report/summary';
import type { CurrencyTotals, Summary } from './report/summary';
import { NonFiniteTotalError, assertFiniteBuckets } from './report/finite';
import { csvText } from './report/exportFormat';
import { formatCount, formatMoney } from './shared/format';
import { loadSnapshot } from './usage/loader';
import type { UsageSource } from './usage/source';
import type { SnapshotBudgets, UsageSnapshot } from './shared/snapshot';
import { alignDown, isoDate, isoMinute, rangeForDays } from './shared/time';
import { isExtraCommand, runExtraCommand } from './cli/commands';
import { CommandError, deadlineMs, withDeadline } from './cli/common';
import { apiKeysJson, keysOf } from './cli/keys';
import { missingText, nameIndex, unreadableNote } from './report/names';
import type { KeyLine, NamedId } from './report/names';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { LOCALE_ENV, cliLocale, configureCliLocale, takeLocaleFlag } from './cli/locale';

export const DEFAULT_API_BASE_URL = 'https://api.openai.com/v1';

// The usage endpoints, four to a line, so the help stays readable as the API grows.
const ENDPOINT_LIST = Array.from({ length: Math.ceil(USAGE_ENDPOINT_IDS.length / 4) }, (_, i) =>
  `                            ${USAGE_ENDPOINT_IDS.slice(i * 4, i * 4 + 4).join(', ')}`,
).join(',\n');

/** The help, in the CLI's language (the option names and commands stay as typed). */
function helpText(): string {
  return `${l10n.t('Usage: openai-usage-insight <command> [options]')}

${l10n.t('Commands:')}
  summary                 ${l10n.t('today, yesterday, month to date, the range and the forecast, by project')}
  costs                   ${l10n.t('spend per UTC day (Costs API)')}
  usage <endpoint>        ${l10n.t('usage per bucket; endpoints:')}
${ENDPOINT_LIST}
  daily | monthly         ${l10n.t('spend, tokens and requests per UTC day or month (--by project|model|key)')}
  keys                    ${l10n.t('spend by API key: name, owner, project (--days N, --json|--csv)')}
  statusline              ${l10n.t('one short line for a prompt or tmux, from a cache refreshed in the background')}
  serve                   ${l10n.t('a team server: /metrics for Prometheus, read-only JSON for the extension')}
  mcp                     ${l10n.t('a Model Context Protocol server on stdio: spend and usage tools for agents')}
  ${l10n.t('(<command> --help shows the options of the five above)')}

${l10n.t('Options:')}
  --days N                ${l10n.t('the last N UTC days, today included (default 30; 1..400)')}
  --bucket 1d|1h|1m       ${l10n.t('bucket width for usage (default 1d; costs are 1d only)')}
  --group-by a,b          ${l10n.t('group results, e.g. project_id,model (what each endpoint allows)')}
  --project ID            ${l10n.t('only this project (repeatable)')}
  --model NAME            ${l10n.t('only this model (repeatable; usage endpoints that take models)')}
  --json | --csv          ${l10n.t('machine-readable output (default: a table)')}
  --base-url URL          ${l10n.t('API base URL (default: $OPENAI_BASE_URL, else {0})', DEFAULT_API_BASE_URL)}
  --sample                ${l10n.t('use the built-in sample organisation; no key needed')}
  --locale TAG            ${l10n.t('language and number formats, e.g. de or fr-FR (default: ${0}, else LC_ALL, LC_MESSAGES, LANG)', LOCALE_ENV)}
  -h, --help              ${l10n.t('this help')}

${l10n.t('The admin key is read from OPENAI_ADMIN_KEY (an sk-admin-… key made by an organization Owner).')}`;
}

/** Where the translations are: l10n/ beside the package (dist/cli.js and src/cli.ts alike). */
export const L10N_DIR = path.join(__dirname, '..', 'l10n');

/** A failure the user can fix; printed as one line. */
export class CliError extends CommandError {}

interface Options {
  command: string;
  endpoint: EndpointId | undefined;
  days: number;
  bucket: BucketWidth;
  groupBy: Dimension[];
  projects: string[];
  models: string[];
  format: 'table' | 'json' | 'csv';
  baseUrl: string;
  sample: boolean;
}

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly now: () => number;
}

function parse(argv: readonly string[], env: CliIo['env']): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        days: { type: 'string' },
        bucket: { type: 'string' },
        'group-by': { type: 'string' },
        project: { type: 'string', multiple: true },
        model: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        'base-url': { type: 'string' },
        sample: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new CliError(l10n.t('{0}; see --help.', e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return 'help';
  const [command = '', endpointArg, ...extra] = positionals;
  if (!['summary', 'costs', 'usage'].includes(command)) throw new CliError(l10n.t('Unknown command "{0}": use summary, costs or usage; see --help.', command));
  if (command === 'usage' && !endpointArg) throw new CliError(l10n.t('usage needs an endpoint: {0}.', USAGE_ENDPOINT_IDS.join(', ')));
  if ((command !== 'usage' && endpointArg !== undefined) || extra.length) throw new CliError(l10n.t('Unexpected argument "{0}"; see --help.', (command === 'usage' ? extra[0] : endpointArg) ?? ''));
  let endpoint: EndpointId | undefined;
  if (command === 'usage') {
    endpoint = ENDPOINT_IDS.find((e) => e === endpointArg);
    if (!endpoint) throw new CliError(l10n.t('Unknown endpoint "{0}": use one of {1}.', endpointArg ?? '', ENDPOINT_IDS.join(', ')));
  }
  if (command === 'costs') endpoint = 'costs';

  const days = values.days === undefined ? 30 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new CliError(l10n.t('--days must be a whole number from 1 to 400, not "{0}".', String(values.days)));
  const bucket = (values.bucket ?? '1d') as BucketWidth;
  if (!BUCKET_WIDTHS.includes(bucket)) throw new CliError(l10n.t('--bucket must be one of {0}, not "{1}".', BUCKET_WIDTHS.join(', '), String(values.bucket)));
  const groupBy = (values['group-by'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const g of groupBy) if (!DIMENSIONS.includes(g as Dimension)) throw new CliError(l10n.t('Unknown --group-by value "{0}": use {1}.', g, DIMENSIONS.join(', ')));
  if (values.json && values.csv) throw new CliError(l10n.t('Choose one of --json and --csv.'));
  if (command === 'summary') {
    const unused = (['bucket', 'group-by', 'project', 'model'] as const).filter((k) => values[k] !== undefined);
    if (unused.length) throw new CliError(l10n.t('summary does not take {0}: use costs or usage <endpoint> for those.', `--${unused.join(', --')}`));
  }
  const baseUrl = values['base-url'] ?? (env.OPENAI_BASE_URL?.trim() || DEFAULT_API_BASE_URL);
  return {
    command,
    endpoint,
    days,
    bucket,
    groupBy: groupBy as Dimension[],
    projects: values.project ?? [],
    models: values.model ?? [],
    format: values.json ? 'json' : values.csv ? 'csv' : 'table',
    baseUrl,
    sample: values.sample ?? false,
  };
}

export { DEFAULT_DEADLINE_MS, DEADLINE_ENV } from './cli/common';

async function createCliSource(o: Options, io: CliIo): Promise<UsageSource> {
  if (o.sample) {
    const { createSampleOrg } = await import('./usage/sample');
    return createSampleOrg({ now: io.now });
  }
  const apiKey = io.env.OPENAI_ADMIN_KEY?.trim();
  if (!apiKey) throw new CliError(l10n.t('Set OPENAI_ADMIN_KEY to an admin key (sk-admin-…), or pass --sample to see sample data.'));
  const [{ UsageClient, validateBaseUrl }, { createProxyDispatcher }] = await Promise.all([import('./api/client'), import('./api/proxy')]);
  const proxy = io.env.HTTPS_PROXY ?? io.env.https_proxy ?? io.env.HTTP_PROXY ?? io.env.http_proxy;
  const noProxy = (io.env.NO_PROXY ?? io.env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // Each attempt gets at most half the deadline, so one retry still fits in it.
  const timeoutMs = Math.min(30_000, Math.max(1, Math.floor(deadlineMs(io.env) / 2)));
  return new UsageClient({ baseUrl: validateBaseUrl(o.baseUrl), apiKey, dispatcher: createProxyDispatcher({ proxy, noProxy }), now: io.now, timeoutMs });
}

// --- output ------------------------------------------------------------------------------------

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[], rightAligned: ReadonlySet<number>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: readonly (string | number)[]): string =>
    r
      .map((c, i) => (rightAligned.has(i) ? String(c).padStart(widths[i] ?? 0) : String(c).padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function emit(o: Options, io: CliIo, headers: readonly string[], rows: readonly (readonly (string | number)[])[], numeric: ReadonlySet<number>, display?: (row: readonly (string | number)[]) => (string | number)[]): void {
  if (o.format === 'csv') {
    // The one CSV writer of Export Usage…, with its spreadsheet-formula guard.
    // `out` ends the text with "\n": drop the writer's last "\n" so every line ends in CRLF.
    io.out(csvText(headers, rows).slice(0, -1));
  } else {
    io.out(table(headers, display ? rows.map(display) : rows, numeric));
  }
}

/** A total a number cannot hold is a plain error line (exit 1), never "null" printed with exit 0. */
async function refusingNonFinite<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof NonFiniteTotalError) throw new CliError(e.message);
    throw e;
  }
}

// --- commands ----------------------------------------------------------------------------------

/** Sums keep full precision; JSON drops only float noise (1e-6 of the currency unit). */
const m6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** What `summary --json` prints: a projection of the report's summary. */
export function summaryJson(s: Summary, sample: boolean, keys: readonly KeyLine[] = [], budgets?: SnapshotBudgets): Record<string, unknown> {
  const multi = s.currencies.length > 1;
  const totalsOf = (c: string): Record<string, number> => {
    const t = s.byCurrency[c];
    return { today: m6(t?.today ?? 0), yesterday: m6(t?.yesterday ?? 0), monthToDate: m6(t?.monthToDate ?? 0), rangeTotal: m6(t?.rangeTotal ?? 0), forecastMonthEnd: m6(t?.forecastMonthEnd ?? 0) };
  };
  return {
    currency: s.currency,
    ...(multi ? { currencyNote: `Headline figures are in ${s.currency}, the currency with the most spend in the range; byCurrency has each currency's totals (never added together).` } : {}),
    today: m6(s.today),
    yesterday: m6(s.yesterday),
    monthToDate: m6(s.monthToDate),
    rangeDays: s.rangeDays,
    rangeStart: isoDate(s.rangeStart),
    rangeEnd: isoDate(s.rangeEnd - 1),
    rangeTotal: m6(s.rangeTotal),
    forecastMonthEnd: m6(s.forecastMonthEnd),
    tokens: s.tokens,
    requests: s.requests,
    // Billed + an estimate of what is not billed yet (usage × the organisation's own unit prices).
    todayEstimate: s.todayEstimate ? { billed: m6(s.todayEstimate.billed), unbilledEstimate: m6(s.todayEstimate.unbilledEstimate), total: m6(s.todayEstimate.total), basis: s.todayEstimate.basis } : null,
    spendLimit: spendLimitJson(budgets),
    sample,
    projects: s.projects
      .filter((p) => p.spends.some((x) => x.amount !== 0))
      .map((p) => ({
        id: p.id,
        name: p.name,
        archived: p.archived,
        spend: m6(p.spend),
        ...(multi ? { byCurrency: Object.fromEntries(p.spends.map((x) => [x.currency, m6(x.amount)])) } : {}),
      })),
    // Spend by API key in the main currency, under each key's name (SPEC §2).
    apiKeys: apiKeysJson(keys),
    ...(multi ? { byCurrency: Object.fromEntries(s.currencies.map((c) => [c, totalsOf(c)])) } : {}),
  };
}

/** The organisation's hard spend limit in dollars, or null when none is set or it is not readable. */
function spendLimitJson(budgets: SnapshotBudgets | undefined): { amount: number; currency: string; enforcing: boolean } | null {
  const org = budgets?.organization;
  return org?.kind === 'set' ? { amount: org.limit.thresholdCents / 100, currency: org.limit.currency, enforcing: org.limit.enforcing } : null;
}

/** The one stderr line for usage endpoints that failed while the spend is complete. */
export function partialNote(partial: UsageSnapshot['partial']): string | undefined {
  if (!partial?.length) return undefined;
  const what = partial.map((p) => `${ENDPOINTS[p.endpoint].title.toLowerCase()} (${sanitizeShort(p.message, 120)})`).join('; ');
  return l10n.t('note: spend is complete, but usage could not be read for {0}; those counts are missing.', what);
}

async function runSummary(o: Options, io: CliIo, source: UsageSource, signal: AbortSignal, err: (line: string) => void): Promise<void> {
  const nowMs = io.now();
  const { s, keys, snapshot } = await refusingNonFinite(async () => {
    const snapshot = await loadSnapshot(source, { nowMs, rangeDays: o.days, budgets: true, signal });
    return { snapshot, s: summarize(snapshot, { nowMs, rangeDays: o.days }), keys: keysOf(snapshot, nowMs, o.days) };
  });
  const partial = partialNote(snapshot.partial);
  if (partial) err(`openai-usage-insight: ${redact(partial, io.env.OPENAI_ADMIN_KEY)}`);
  const sample = source.kind === 'sample';
  // A part of the names that could not be read: one quiet note, not an error.
  const note = o.format === 'csv' ? undefined : unreadableNote(nameIndex(snapshot.projects, snapshot.names), ['apiKeys']);
  if (note !== undefined) err(l10n.t('Note: {0}', note));
  if (o.format === 'json') {
    io.out(JSON.stringify(summaryJson(s, sample, keys, snapshot.budgets), null, 2));
    return;
  }
  const limit = spendLimitJson(snapshot.budgets);
  const currencies = s.currencies;
  const projects = s.projects.filter((p) => p.spends.some((x) => x.amount !== 0));
  const spendOf = (p: (typeof projects)[number], c: string): number => p.spends.find((x) => x.currency === c)?.amount ?? 0;
  if (o.format === 'csv') {
    emit(
      o,
      io,
      ['project', 'id', ...currencies.map((c) => `spend_${c}`)],
      projects.map((p) => [p.name + (p.archived ? ' (archived)' : ''), p.id, ...currencies.map((c) => m6(spendOf(p, c)))]),
      new Set(currencies.map((_, i) => 2 + i)),
    );
    return;
  }
  // Each currency on its own, never added: "$10.00 · 5.00 EUR".
  const all = (pick: (t: CurrencyTotals) => number): string => currencies.map((c) => formatMoney(pick(s.byCurrency[c] ?? ZERO), c)).join(' · ');
  io.out(
    [
      sample ? l10n.t('OpenAI usage — SAMPLE DATA (UTC days; the last two are provisional)') : l10n.t('OpenAI usage (UTC days; the last two are provisional)'),
      ...(currencies.length > 1 ? [l10n.t('Spend in {0} currencies, each shown on its own; {1} (the most spend) comes first.', currencies.length, s.currency.toUpperCase())] : []),
      '',
      table(
        ['', ''],
        [
          [l10n.t('Today (UTC)'), all((t) => t.today)],
          ...(s.todayEstimate && s.todayEstimate.unbilledEstimate >= 0.005
            ? [[l10n.t('Today, estimated (billed + not yet billed)'), `≈${formatMoney(s.todayEstimate.total, s.currency)}`]]
            : []),
          [l10n.t('Yesterday'), all((t) => t.yesterday)],
          [l10n.t('Month to date'), all((t) => t.monthToDate)],
          [l10n.t('Last {0} days ({1} – {2})', s.rangeDays, isoDate(s.rangeStart), isoDate(s.rangeEnd - 1)), all((t) => t.rangeTotal)],
          [l10n.t('Month-end forecast (estimate)'), all((t) => t.forecastMonthEnd)],
          ...(limit
            ? [
                [
                  l10n.t('Hard spend limit (a month)'),
                  limit.enforcing ? formatMoney(limit.amount, limit.currency.toLowerCase()) : l10n.t('{0} (not enforcing)', formatMoney(limit.amount, limit.currency.toLowerCase())),
                ],
              ]
            : []),
          [l10n.t('Tokens in / out / cached'), `${formatCount(s.tokens.input)} / ${formatCount(s.tokens.output)} / ${formatCount(s.tokens.cached)}`],
          [l10n.t('Requests'), formatCount(s.requests)],
        ],
        new Set([1]),
      )
        .split('\n')
        .slice(2)
        .join('\n'),
      '',
      projects.length
        ? table(
            [l10n.t('Project'), l10n.t('ID'), l10n.t('Spend')],
            projects.map((p) => [p.archived ? l10n.t('{0} (archived)', p.name) : p.name, p.id, p.spends.filter((x) => x.amount !== 0).map((x) => formatMoney(x.amount, x.currency)).join(' · ')]),
            new Set([2]),
          )
        : l10n.t('No spend in this range.'),
      ...keyTable(keys, s.currency),
    ].join('\n'),
  );
}

/** The summary's top API keys: name (or ID, saying why), owner and spend. */
function keyTable(keys: readonly KeyLine[], currency: string): string[] {
  const top = keys.filter((k) => k.id !== '' && k.spend !== 0).slice(0, 10);
  if (!top.length) return [];
  const rows = top.map((k) => {
    const why = missingText(k.missing);
    return [k.missing === 'unknown' && why ? l10n.t('{0} ({1})', k.name, why) : k.name, k.id, k.owner ?? '', formatMoney(k.spend, currency)];
  });
  return ['', table([l10n.t('API key'), l10n.t('ID'), l10n.t('Owner'), l10n.t('Spend')], rows, new Set([3]))];
}

const ZERO: CurrencyTotals = { currency: '', today: 0, yesterday: 0, monthToDate: 0, rangeTotal: 0, forecastMonthEnd: 0 };

function bucketLabel(start: number, width: BucketWidth): string {
  return width === '1d' ? isoDate(start) : isoMinute(start);
}

/** A name cell: the name, or the ID saying why it has none ("key_x (deleted or unknown key)"). */
function nameCell(n: NamedId, what: 'key' | 'user'): string {
  return n.missing === 'unknown' ? l10n.t('{0} ({1})', n.label, missingText(n.missing, what) ?? '') : n.label;
}

async function runQuery(o: Options, io: CliIo, source: UsageSource, endpoint: EndpointId, signal: AbortSignal, err: (line: string) => void): Promise<void> {
  const spec = ENDPOINTS[endpoint];
  const width = endpoint === 'costs' ? '1d' : o.bucket;
  if (o.bucket !== '1d' && endpoint === 'costs') throw new CliError(l10n.t('Costs come in 1d buckets only: drop --bucket.'));
  const { start } = rangeForDays(io.now(), o.days);
  const end = alignDown(Math.floor(io.now() / 1000), WIDTH_SECONDS[width]) + WIDTH_SECONDS[width];
  const query: UsageQuery = {
    endpoint,
    startTime: start,
    endTime: end,
    bucketWidth: width,
    ...(o.groupBy.length ? { groupBy: o.groupBy } : {}),
    ...(o.projects.length ? { projectIds: o.projects } : {}),
    ...(o.models.length ? { models: o.models } : {}),
  };
  // Refused here exactly as the API would, in sample mode too.
  const { validateQuery } = await import('./api/client');
  validateQuery(query);
  const dims = o.groupBy;
  const byProject = dims.includes('project_id');
  const byKey = dims.includes('api_key_id');
  const byUser = dims.includes('user_id');
  // Tables show names: the project's name beside its ID when grouped by project, the key's or
  // user's name when grouped by those (the directory is read only then; never fails the command).
  const [buckets, projects, directory] = await Promise.all([
    source.query(query, signal),
    byProject ? source.projects(signal) : Promise.resolve([]),
    (byKey || byUser) && source.names ? source.names(signal).catch(() => undefined) : Promise.resolve(undefined),
  ]);
  await refusingNonFinite(async () => assertFiniteBuckets(buckets, endpoint === 'costs' ? 'costs' : `${endpoint} usage`));
  const names = new Map(projects.map((p) => [p.id, p.name || p.id]));
  const index = nameIndex(projects, directory);
  const note = byKey || byUser ? unreadableNote(index, [...(byKey ? (['apiKeys'] as const) : []), ...(byUser ? (['users'] as const) : [])]) : undefined;
  if (note !== undefined) err(l10n.t('Note: {0}', note));
  const keyName = (id: string | undefined): string => (id === undefined ? '' : nameCell(index.apiKey(id), 'key'));
  const userName = (id: string | undefined): string => (id === undefined ? '' : nameCell(index.user(id), 'user'));
  const metrics = spec.metrics;
  const rows: (string | number)[][] = [];
  const currencies = new Set<string>();
  for (const b of buckets) for (const r of b.rows) if (r.currency) currencies.add(r.currency.toLowerCase());
  const several = currencies.size > 1;
  const currency = [...currencies][0] ?? 'usd';
  for (const b of buckets) {
    for (const r of b.rows) {
      rows.push([
        bucketLabel(b.startTime, width),
        ...(byProject ? [r.dims.project_id === undefined ? '' : names.get(r.dims.project_id) ?? r.dims.project_id] : []),
        ...(byKey ? [keyName(r.dims.api_key_id)] : []),
        ...(byUser ? [userName(r.dims.user_id)] : []),
        ...dims.map((d) => r.dims[d] ?? ''),
        ...(several ? [r.currency?.toLowerCase() ?? ''] : []),
        ...metrics.map((m) => r.values[m] ?? 0),
      ]);
    }
  }
  const headers = [
    'start',
    ...(byProject ? ['project'] : []),
    ...(byKey ? ['key_name'] : []),
    ...(byUser ? ['user_name'] : []),
    ...dims,
    ...(several ? ['currency'] : []),
    ...metrics.map((m) => (m === 'amount' ? (several ? 'amount' : `amount_${currency}`) : m)),
  ];
  if (o.format === 'json') {
    io.out(
      JSON.stringify(
        {
          endpoint,
          bucketWidth: width,
          groupBy: dims,
          ...(endpoint === 'costs' ? (several ? { currencies: [...currencies] } : { currency }) : {}),
          buckets: buckets.map((b) => ({
            startTime: b.startTime,
            endTime: b.endTime,
            start: bucketLabel(b.startTime, width),
            results: b.rows.map((r) => ({
              ...r.dims,
              ...(byProject && r.dims.project_id !== undefined ? { project_name: names.get(r.dims.project_id) ?? r.dims.project_id } : {}),
              ...(byKey && r.dims.api_key_id !== undefined ? { api_key_name: index.apiKey(r.dims.api_key_id).label } : {}),
              ...(byUser && r.dims.user_id !== undefined ? { user_name: index.user(r.dims.user_id).label } : {}),
              ...(r.currency ? { currency: r.currency.toLowerCase() } : {}),
              ...r.values,
            })),
          })),
        },
        null,
        2,
      ),
    );
    return;
  }
  const firstMetric = headers.length - metrics.length;
  const numeric = new Set(metrics.map((_, i) => firstMetric + i));
  const currencyColumn = several ? firstMetric - 1 : -1;
  if (!rows.length && o.format === 'table') {
    io.out(l10n.t('No {0} data in the last {1} days.', spec.title.toLowerCase(), o.days));
    return;
  }
  emit(o, io, headers, rows, numeric, (row) =>
    row.map((c, i) =>
      numeric.has(i) ? (headers[i]?.startsWith('amount') ? formatMoney(Number(c), currencyColumn >= 0 ? String(row[currencyColumn] ?? '') : currency) : formatCount(Number(c))) : c,
    ),
  );
}

/** Runs the CLI; returns the exit code. Errors become one line on `err`. */
export async function runCli(rawArgv: readonly string[], rawIo: CliIo, err: (line: string) => void): Promise<number> {
  // The language first, so every line (help and errors included) is in it.
  const flag = takeLocaleFlag(rawArgv);
  const argv = flag.argv;
  // A --locale reaches the statusline's background refresh (a child process) through the environment.
  const io: CliIo = flag.locale ? { ...rawIo, env: { ...rawIo.env, [LOCALE_ENV]: flag.locale } } : rawIo;
  configureCliLocale(cliLocale(flag.locale, io.env), L10N_DIR);
  try {
    if (flag.missing) throw new CliError(l10n.t('--locale needs a language tag, e.g. --locale de; see --help.'));
    const [first, ...rest] = argv;
    if (isExtraCommand(first)) return await runExtraCommand(first, rest, { ...io, err });
    const o = parse(argv, io.env);
    if (o === 'help') {
      io.out(helpText());
      return 0;
    }
    const source = await createCliSource(o, io);
    await withDeadline(io.env, async (signal) => {
      if (o.command === 'summary') await runSummary(o, io, source, signal, err);
      else await runQuery(o, io, source, o.endpoint ?? 'costs', signal, err);
    });
    return 0;
  } catch (e) {
    // Redacted by shape and every run of the key whatever its shape; one line, no control characters.
    const key = io.env.OPENAI_ADMIN_KEY;
    const message = e instanceof CommandError ? redact(sanitizeShort(e.message, 400), key) : describeError(e, 'cli', key).message;
    err(`openai-usage-insight: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), { env: process.env, out: (t) => process.stdout.write(`${t}\n`), now: () => Date.now() }, (line) =>
    process.stderr.write(`${line}\n`),
  ).then((code) => {
    process.exitCode = code;
  });
}
