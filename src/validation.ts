// Checks of what the user types, kept apart from vscode so they are unit-tested in plain Node.
import * as l10n from '@vscode/l10n';
import { KEY_SHAPE_SOURCE } from './shared/errorCode';

const KEY_SHAPE = new RegExp(`^${KEY_SHAPE_SOURCE}$`);

/** A quick shape check before the real request: an OpenAI key, no spaces. Undefined when fine. */
export function checkKeyShape(value: string): string | undefined {
  const v = value.trim();
  if (!v) return l10n.t('Paste an admin key (it starts with sk-admin-).');
  if (/\s/.test(v)) return l10n.t('A key has no spaces or line breaks.');
  // Never quoted back: the value is (most of) a key.
  if (!/^[\x21-\x7e]+$/.test(v)) return l10n.t('The key contains characters that cannot be sent: paste the key alone.');
  if (!KEY_SHAPE.test(v) || v.length < 20) return l10n.t('That does not look like an OpenAI key: admin keys start with sk-admin-.');
  return undefined;
}

/** "1,250.50" or "$1250.5" → 1250.5; empty → 0 (no budget); negative or non-numeric → undefined. */
export function parseBudget(text: string): number | undefined {
  const cleaned = text.trim().replace(/[,\s]/g, '').replace(/^\$/, '');
  if (cleaned === '') return 0;
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return undefined;
  const n = Number(cleaned);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const TEAM_LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Why a team server URL is refused, in words, or undefined when it is fine: https, or http to a
 * loopback host; no user-info (a password in a URL ends up in settings), no query or fragment.
 * The value itself is never quoted back.
 */
export function teamUrlProblem(text: string): string | undefined {
  const value = text.trim();
  if (!value) return l10n.t('Enter the team server’s address, e.g. https://usage.example.com.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return l10n.t('That is not a URL: enter an address such as https://usage.example.com.');
  }
  if (url.username || url.password) return l10n.t('Leave the user name and password out of the address: the read token is asked for next.');
  if (url.search || url.hash || value.includes('?') || value.includes('#')) return l10n.t('Leave out the query (?) and fragment (#): enter the server’s address only.');
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && TEAM_LOOPBACK.has(url.hostname)) return undefined;
  return l10n.t('Use https (http only for 127.0.0.1, localhost or [::1]).');
}
