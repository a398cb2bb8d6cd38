// `statusline`: one short line for a shell prompt or tmux, answered from a local cache file in
// milliseconds. When the cache is older than the interval, a detached child refreshes it in the
// background; the prompt never waits on the network. The cache holds figures only, under a name
// derived one-way from the host and key, so two keys never share a line.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { summarize } from '../report/summary';
import { estimateDay } from '../report/estimate';
import { formatMoney, formatPercent } from '../shared/format';
import { dayStartOfMs } from '../shared/time';
import { loadSnapshot } from '../usage/loader';
import type { CommandIo } from './common';
import { CommandError, adminKeyOf, argError, baseUrlOf, errorLine, sourceFrom, withDeadline } from './common';
import * as l10n from '@vscode/l10n';

/** Days loaded per refresh: the estimate learns unit prices from the 14 complete days before the provisional two. */
const REFRESH_DAYS = 16;
const DEFAULT_INTERVAL_S = 60;
/** A refresh lock older than this is from a child that died; the next prompt starts another. */
const LOCK_STALE_MS = 120_000;

export interface StatusCache {
  readonly version: 1;
  /** When the figures were fetched (ms); absent until the first refresh succeeds. */
  readonly fetchedAt?: number;
  readonly sample?: boolean;
  readonly currency?: string;
  /** Start of the UTC day `today` is of (Unix s). */
  readonly day?: number;
  readonly todayBilled?: number;
  /** Billed plus the estimate of what is not billed yet. */
  readonly todayEstimate?: number;
  readonly monthToDate?: number;
  /** The last refresh's failure (key-free), and when. */
  readonly error?: string;
  readonly errorAt?: number;
}

interface StatusOptions {
  readonly intervalMs: number;
  readonly budget: number;
  readonly cacheFile: string;
  readonly baseUrl: string | undefined;
  readonly sample: boolean;
  readonly refresh: boolean;
  readonly background: boolean;
  readonly json: boolean;
  readonly argv: readonly string[];
}

/** The cache file for this host and key (or the sample): a one-way fingerprint, never the key. */
export function cacheFileFor(dir: string, baseUrl: string, key: string | undefined, sample: boolean): string {
  const identity = sample ? 'sample' : `${baseUrl.replace(/\/+$/, '')}\u0000${key ?? ''}`;
  const id = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return path.join(dir, `statusline-${id}.json`);
}

function defaultCacheDir(env: CommandIo['env']): string {
  const base = env.XDG_CACHE_HOME?.trim() || path.join(homedir(), '.cache');
  return path.join(base, 'openai-usage-insight');
}

export function readCache(file: string): StatusCache | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { version?: unknown }).version === 1 ? (parsed as StatusCache) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, cache: StatusCache): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Atomic: a prompt reading mid-write sees the old file or the new one, never half of one.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cache), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The line itself, from the cache: today billed (and estimated), month to date, budget share. */
export function formatStatusLine(cache: StatusCache | undefined, nowMs: number, budget: number, intervalMs: number): string {
  if (cache?.fetchedAt === undefined || cache.currency === undefined) {
    return cache?.error ? l10n.t('OpenAI: {0}', cache.error) : l10n.t('OpenAI: loading…');
  }
  const money = (v: number): string => formatMoney(v, cache.currency ?? 'usd');
  const staleDay = cache.day !== dayStartOfMs(nowMs);
  const parts = [
    staleDay
      ? l10n.t("{0} (yesterday's today)", money(cache.todayBilled ?? 0))
      : l10n.t('{0} today (~{1} est)', money(cache.todayBilled ?? 0), money(cache.todayEstimate ?? cache.todayBilled ?? 0)),
    l10n.t('{0} MTD', money(cache.monthToDate ?? 0)),
  ];
  if (budget > 0) parts.push(l10n.t('{0} of {1}', formatPercent(((cache.monthToDate ?? 0) / budget) * 100), money(budget)));
  let line = `${cache.sample ? l10n.t('OpenAI (sample)') : 'OpenAI'} ${parts.join(' · ')}`;
  // Old figures are marked, so a prompt never passes stale data off as current.
  if (cache.error && (cache.errorAt ?? 0) > cache.fetchedAt) line += ' ⚠';
  else if (nowMs - cache.fetchedAt > Math.max(10 * intervalMs, 15 * 60_000)) line += ` ${l10n.t('(stale)')}`;
  return line;
}

function parse(argv: readonly string[], env: CommandIo['env']): StatusOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        interval: { type: 'string' },
        budget: { type: 'string' },
        'cache-dir': { type: 'string' },
        'base-url': { type: 'string' },
        sample: { type: 'boolean' },
        refresh: { type: 'boolean' },
        background: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw argError(e);
  }
  const interval = values.interval === undefined ? DEFAULT_INTERVAL_S : Number(values.interval);
  if (!Number.isFinite(interval) || interval < 5 || interval > 86_400) throw new CommandError(l10n.t('--interval must be seconds from 5 to 86400, not "{0}".', String(values.interval)));
  const budgetText = values.budget ?? env.OPENAI_USAGE_BUDGET;
  const budget = budgetText === undefined || budgetText === '' ? 0 : Number(budgetText);
  if (!Number.isFinite(budget) || budget < 0) throw new CommandError(l10n.t('--budget must be an amount of 0 or more, not "{0}".', String(budgetText)));
  const sample = values.sample ?? false;
  const dir = values['cache-dir'] ?? defaultCacheDir(env);
  return {
    intervalMs: interval * 1000,
    budget,
    cacheFile: cacheFileFor(dir, baseUrlOf({ baseUrl: values['base-url'] }, env), adminKeyOf(env), sample),
    baseUrl: values['base-url'],
    sample,
    refresh: values.refresh ?? false,
    background: values.background ?? false,
    json: values.json ?? false,
    argv,
  };
}

/** Fetches the figures and writes the cache; on failure keeps the old figures and records the error. */
async function refresh(o: StatusOptions, io: CommandIo): Promise<StatusCache> {
  const old = readCache(o.cacheFile);
  try {
    const source = await sourceFrom({ baseUrl: o.baseUrl, sample: o.sample }, io);
    const nowMs = io.now();
    const snapshot = await withDeadline(io.env, (signal) => loadSnapshot(source, { nowMs, rangeDays: REFRESH_DAYS, signal }));
    const s = summarize(snapshot, { nowMs, rangeDays: REFRESH_DAYS });
    const estimate = estimateDay({ nowMs, costs: snapshot.costs, usage: snapshot.usage, currency: snapshot.currency });
    const cache: StatusCache = {
      version: 1,
      fetchedAt: nowMs,
      sample: snapshot.source === 'sample',
      currency: s.currency,
      day: dayStartOfMs(nowMs),
      todayBilled: s.today,
      todayEstimate: s.today + estimate.unbilledEstimate,
      monthToDate: s.monthToDate,
    };
    writeCache(o.cacheFile, cache);
    return cache;
  } catch (e) {
    const cache: StatusCache = { ...(old ?? { version: 1 }), error: errorLine(e, io.env), errorAt: io.now() };
    writeCache(o.cacheFile, cache);
    return cache;
  }
}

/** Takes the refresh lock; false when another refresh holds a fresh one. */
function takeLock(file: string, nowMs: number): boolean {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(lock, 'wx', 0o600));
    return true;
  } catch {
    try {
      if (nowMs - statSync(lock).mtimeMs < LOCK_STALE_MS) return false;
      writeFileSync(lock, '', { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }
}

function releaseLock(file: string): void {
  try {
    unlinkSync(`${file}.lock`);
  } catch {
    // Already gone: nothing to release.
  }
}

/** Starts `cli.js statusline --refresh --background` detached, or refreshes in-process when not run from cli.js. */
function refreshInBackground(o: StatusOptions, io: CommandIo): Promise<void> | undefined {
  const script = require.main?.filename;
  if (!script || path.basename(script) !== 'cli.js') return refresh(o, io).then(() => undefined);
  const child = spawn(process.execPath, [script, 'statusline', ...o.argv, '--refresh', '--background'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...io.env },
  });
  child.on('error', () => releaseLock(o.cacheFile));
  child.unref();
  return undefined;
}

export function statuslineHelp(): string {
  return `  statusline              ${l10n.t('one short line for a prompt or tmux, from a local cache refreshed in the background')}
      --interval S             ${l10n.t('refresh when the cache is older than S seconds (default {0})', DEFAULT_INTERVAL_S)}
      --budget N               ${l10n.t('show month to date as a share of N (or {0})', '$OPENAI_USAGE_BUDGET')}
      --refresh                ${l10n.t('fetch now, wait, then print;  --cache-dir D  where the cache lives')}`;
}

export async function runStatusline(argv: readonly string[], io: CommandIo): Promise<void> {
  const o = parse(argv, io.env);
  if (o.refresh) {
    // The background child holds the lock its parent took; a --refresh by hand takes it itself.
    if (!o.background && !takeLock(o.cacheFile, io.now())) throw new CommandError(l10n.t('A refresh is already running; try again in a moment.'));
    try {
      const cache = await refresh(o, io);
      if (!o.background) io.out(o.json ? JSON.stringify(cache) : formatStatusLine(cache, io.now(), o.budget, o.intervalMs));
    } finally {
      releaseLock(o.cacheFile);
    }
    return;
  }
  const nowMs = io.now();
  const cache = readCache(o.cacheFile);
  const newest = Math.max(cache?.fetchedAt ?? 0, cache?.errorAt ?? 0);
  if (nowMs - newest >= o.intervalMs && takeLock(o.cacheFile, nowMs)) {
    const inline = refreshInBackground(o, io);
    if (inline) await inline.finally(() => releaseLock(o.cacheFile));
  }
  const shown = readCache(o.cacheFile) ?? cache;
  io.out(o.json ? JSON.stringify(shown ?? { version: 1 }) : formatStatusLine(shown, nowMs, o.budget, o.intervalMs));
}
