// What the dashboard offers as the next step in its empty, error and stale states. Pure (no DOM,
// no vscode): the webview renders these and the unit tests check every state says what to do.
import * as l10n from '@vscode/l10n';
import type { AllowedCommand, Range } from './protocol';
import { KEY_PROBLEM_CODES } from './errorCode';
import type { ErrorCode } from './errorCode';
import { resolveRange } from './queryWindow';

export type QueryErrorAction =
  | { readonly kind: 'retry'; readonly label: string }
  | { readonly kind: 'command'; readonly command: AllowedCommand; readonly label: string };

/** The buttons under a failed query, by the error's code. */
export function queryErrorActions(kind: ErrorCode): QueryErrorAction[] {
  // Nothing loaded yet: running the same view again would fail the same way; a refresh loads data.
  if (kind === 'no_data') return [{ kind: 'command', command: 'openaiUsage.refresh', label: l10n.t('Refresh') }];
  const actions: QueryErrorAction[] = [{ kind: 'retry', label: l10n.t('Try again') }];
  if (KEY_PROBLEM_CODES.has(kind)) actions.push({ kind: 'command', command: 'openaiUsage.setAdminKey', label: l10n.t('Set Admin Key') });
  return actions;
}

export type EmptyAction = 'clearFilters' | 'widenRange';

export interface EmptyTableHint {
  readonly text: string;
  readonly actions: readonly EmptyAction[];
}

/** Whether the range already spans the longest preset (90 days), so "widen it" is no advice. */
export function isWideRange(range: Range, nowMs: number): boolean {
  const r = resolveRange(range, nowMs);
  return r.end - r.start >= 90 * 86_400;
}

/** What an empty table says: that there is nothing, and how to get something (filters first). */
export function emptyTableHint(o: { readonly filtered: boolean; readonly widestRange: boolean }): EmptyTableHint {
  const actions: EmptyAction[] = [];
  if (o.filtered) actions.push('clearFilters');
  if (!o.widestRange) actions.push('widenRange');
  // One whole sentence per case, so a translation never joins phrases.
  const text =
    o.filtered && !o.widestRange
      ? l10n.t('No data in this range for these filters. Try to clear the filters or widen the range.')
      : o.filtered
        ? l10n.t('No data in this range for these filters. Try to clear the filters.')
        : !o.widestRange
          ? l10n.t('No data in this range for these filters. Try to widen the range.')
          : l10n.t('No data in this range for these filters. Usage shows here once the organization makes requests in this range.');
  return { text, actions };
}

/**
 * The note over numbers that are not (or no longer known to be) those of the current choices:
 * data of another request key while a new one loads or failed, or current data whose update failed.
 */
export function staleDataNote(o: { readonly dataKey: string; readonly currentKey: string; readonly loading: boolean; readonly failed: boolean }): string | undefined {
  if (o.dataKey !== o.currentKey) {
    if (o.failed) return l10n.t('Showing the previous selection: the current one could not be loaded.');
    return l10n.t('Showing the previous selection until the current one loads.');
  }
  if (o.failed) return l10n.t('Showing the numbers from before the failed update.');
  return undefined;
}
