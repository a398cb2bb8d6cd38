// The CLI's language and number formats: the locale from --locale, OPENAI_USAGE_LOCALE, or the
// terminal's (LC_ALL, LC_MESSAGES, LANG; C and POSIX mean none), and the translation bundle
// l10n/bundle.l10n.<locale>.json beside the package (dist/cli.js → ../l10n/). No locale, or a
// bundle missing or unreadable, is English: never a failure.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { setDisplayLocale } from '../shared/format';

/** Overrides the terminal's locale for this CLI alone (as --locale does). */
export const LOCALE_ENV = 'OPENAI_USAGE_LOCALE';

/** A POSIX locale name ("de_DE.UTF-8@euro") or a BCP 47 tag ("pt-BR") as a BCP 47 tag; undefined for none, C or POSIX. */
export function localeTag(value: string | undefined): string | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  const tag = raw.replace(/[.@].*$/, '').replace(/_/g, '-');
  if (!tag || /^(c|posix)$/i.test(tag)) return undefined;
  return tag;
}

/** The locale asked for: the explicit one, else OPENAI_USAGE_LOCALE, else LC_ALL, LC_MESSAGES, LANG (the first set one that is not C/POSIX). */
export function cliLocale(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const value of [explicit, env[LOCALE_ENV], env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (value === undefined || value.trim() === '') continue;
    // POSIX: the first variable that is set decides, even when it says C.
    return localeTag(value);
  }
  return undefined;
}

/**
 * Removes `--locale X` / `--locale=X` from the arguments, wherever it is (every command takes it).
 * Returns the rest and the value; `missing` when the flag has no value.
 */
export function takeLocaleFlag(argv: readonly string[]): { argv: string[]; locale: string | undefined; missing: boolean } {
  const rest: string[] = [];
  let locale: string | undefined;
  let missing = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--locale') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) missing = true;
      else {
        locale = next;
        i++;
      }
    } else if (a.startsWith('--locale=')) {
      locale = a.slice('--locale='.length);
      if (!locale) missing = true;
    } else rest.push(a);
  }
  return { argv: rest, locale, missing };
}

/** The bundle files to try for a tag, most specific first: "pt-BR" → pt-br, then pt. */
export function bundleNames(tag: string): string[] {
  const lower = tag.toLowerCase();
  const language = lower.split('-')[0] ?? lower;
  return [...new Set([lower, language])].filter((t) => /^[a-z0-9-]+$/.test(t)).map((t) => `bundle.l10n.${t}.json`);
}

function readBundle(dir: string, tag: string): Record<string, string> | undefined {
  for (const name of bundleNames(tag)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      // Missing or unreadable: the next one, else English.
    }
  }
  return undefined;
}

/**
 * Sets the CLI's words (the bundle for `locale` in `dir`, else English) and its number and date
 * formats (the locale, else en-US). Returns the display locale and whether a bundle was loaded.
 */
export function configureCliLocale(locale: string | undefined, dir: string): { locale: string; translated: boolean } {
  const tag = localeTag(locale);
  const bundle = tag ? readBundle(dir, tag) : undefined;
  l10n.config({ contents: bundle ?? {} });
  return { locale: setDisplayLocale(tag), translated: bundle !== undefined };
}
