// What every command of issue 13 (mcp, serve, statusline, daily, monthly) shares: the source from
// --base-url/OPENAI_BASE_URL and OPENAI_ADMIN_KEY (or --sample), and key-free error lines.
import type { UsageSource } from '../usage/source';
import { redact } from '../api/errors';
import { sanitizeShort } from '../shared/sanitize';
import { describeError } from '../userText';
import * as l10n from '@vscode/l10n';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A failure the user can fix; printed as one line. */
export class CommandError extends Error {}

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
