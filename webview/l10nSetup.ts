// The webview's words and locale, set before anything renders: main.ts imports this module
// before any other of the app's, so every `l10n.t` (module constants included) sees the bundle.
// The host puts its l10n bundle (vscode.l10n.bundle; none in English) and its display language
// (vscode.env.language) in data attributes of #app (src/panel/html.ts): no inline script.
import * as l10n from '@vscode/l10n';
import { setDisplayLocale } from '../src/shared/format';

export interface BootL10n {
  /** data-locale: VS Code's display language. */
  readonly locale?: string | undefined;
  /** data-l10n: the bundle as JSON, or empty. */
  readonly l10n?: string | undefined;
}

/**
 * Configures @vscode/l10n with the host's bundle and the formatters with its locale. A missing or
 * malformed bundle means English, never a page that does not start. Returns the locale in effect.
 */
export function applyBootL10n(boot: BootL10n): string {
  let contents: Record<string, string> = {};
  if (boot.l10n) {
    try {
      const parsed: unknown = JSON.parse(boot.l10n);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) contents = parsed as Record<string, string>;
    } catch {
      // English.
    }
  }
  l10n.config({ contents });
  return setDisplayLocale(boot.locale || undefined);
}

if (typeof document !== 'undefined') {
  const root = document.getElementById('app');
  applyBootL10n({ locale: root?.dataset.locale, l10n: root?.dataset.l10n });
}
