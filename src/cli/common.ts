// What every command of issue 13 (mcp, serve, statusline, daily, monthly) shares: the source from
// --base-url/OPENAI_BASE_URL and OPENAI_ADMIN_KEY (or --sample), and key-free error lines.
import type { UsageSource } from '../usage/source';
import { redact } from '../api/errors';
import { sanitizeShort } from '../shared/sanitize';
import { describeError } from '../userText';
import * as l10n from '@vscode/l10n';
import { setMaxListeners } from 'node:events';
import { formatDecimal } from '../shared/format';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A failure the user can fix; printed as one line. */
export class CommandError extends Error {}

/** A command's overall deadline: a server that takes connections but never answers ends in time. */
export const DEFAULT_DEADLINE_MS = 60_000;
/** Overrides the deadline (ms); for scripts that want a shorter wait, and for tests. */
export const DEADLINE_ENV = 'OPENAI_USAGE_INSIGHT_DEADLINE_MS';

export function deadlineMs(env: CommandIo['env']): number {
  const raw = env[DEADLINE_ENV]?.trim();
  const ms = raw ? Number(raw) : DEFAULT_DEADLINE_MS;
  if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) throw new CommandError(l10n.t('{0} must be a whole number of milliseconds from 1 to 3600000.', DEADLINE_ENV));
  return ms;
}

function deadlineText(ms: number): string {
  return ms >= 1000 ? l10n.t('{0} s', formatDecimal(ms / 1000, 1, false)) : l10n.t('{0} ms', ms);
}

/** Raised when the deadline passes: one clear line, whatever request was under way. */
export class DeadlineError extends CommandError {}

/**
 * Runs `work` with a signal that aborts when the deadline (DEADLINE_ENV, default 60 s) passes;
 * whatever was under way then, the error is the DeadlineError's one line.
 */
export async function withDeadline<T>(env: CommandIo['env'], work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ms = deadlineMs(env);
  const deadline = new AbortController();
  // Every request of the run listens to it: many listeners is expected, not a leak.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(
    () => deadline.abort(new DeadlineError(l10n.t('No complete answer from the API within {0}: it may be down or unreachable; try again later.', deadlineText(ms)))),
    ms,
  );
  try {
    return await work(deadline.signal);
  } catch (e) {
    if (deadline.signal.aborted && deadline.signal.reason instanceof DeadlineError) throw deadline.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export interface CommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
  readonly now: () => number;
}

export interface SourceOptions {
  readonly baseUrl?: string | undefined;
  readonly sample?: boolean | undefined;
}

export function baseUrlOf(options: SourceOptions, env: CommandIo['env']): string {
  return options.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || DEFAULT_BASE_URL);
}

/** The admin key from the environment, trimmed; undefined when unset. */
export function adminKeyOf(env: CommandIo['env']): string | undefined {
  return env.OPENAI_ADMIN_KEY?.trim() || undefined;
}

/** The live client (or the sample organisation with --sample), as the CLI's summary builds it. */
export async function sourceFrom(options: SourceOptions, io: Pick<CommandIo, 'env' | 'now'>): Promise<UsageSource> {
  if (options.sample) {
    const { createSampleOrg } = await import('../usage/sample');
    return createSampleOrg({ now: io.now });
  }
  const apiKey = adminKeyOf(io.env);
  if (!apiKey) throw new CommandError(l10n.t('Set OPENAI_ADMIN_KEY to an admin key (sk-admin-…), or pass --sample to see sample data.'));
  const [{ UsageClient, validateBaseUrl }, { createProxyDispatcher }] = await Promise.all([import('../api/client'), import('../api/proxy')]);
  const env = io.env;
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return new UsageClient({
    baseUrl: validateBaseUrl(baseUrlOf(options, env)),
    apiKey,
    dispatcher: createProxyDispatcher({ proxy, noProxy }),
    now: io.now,
  });
}

/** One line for any failure: the words of our own errors, never the key (by shape and by value). */
export function errorLine(e: unknown, env: CommandIo['env']): string {
  // Our own words for the terminal (OPENAI_ADMIN_KEY, --base-url), as every CLI command says them.
  const message = e instanceof CommandError ? e.message : describeError(e, 'cli', adminKeyOf(env)).message;
  return scrub(sanitizeShort(message, 400), env);
}

/** Removes the key (whatever its shape) and anything shaped like a key or bearer credential. */
export function scrub(text: string, env: CommandIo['env']): string {
  const key = adminKeyOf(env);
  return redact(key ? text.split(key).join('***') : text);
}

/** parseArgs' first error line, as a CommandError. */
export function argError(e: unknown): CommandError {
  return new CommandError(l10n.t('{0}; see --help.', e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)));
}

export function positiveInt(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CommandError(l10n.t('{0} must be a whole number from 1 to {1}, not "{2}".', `--${name}`, max, text));
  return n;
}
