// Checks of what the user types, kept apart from vscode so they are unit-tested in plain Node.
import { KEY_SHAPE_SOURCE } from './shared/errorCode';

const KEY_SHAPE = new RegExp(`^${KEY_SHAPE_SOURCE}$`);

/** A quick shape check before the real request: an OpenAI key, no spaces. Undefined when fine. */
export function checkKeyShape(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Paste an admin key (it starts with sk-admin-).';
  if (/\s/.test(v)) return 'A key has no spaces or line breaks.';
  // Never quoted back: the value is (most of) a key.
  if (!/^[\x21-\x7e]+$/.test(v)) return 'The key contains characters that cannot be sent: paste the key alone.';
  if (!KEY_SHAPE.test(v) || v.length < 20) return 'That does not look like an OpenAI key: admin keys start with sk-admin-.';
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
