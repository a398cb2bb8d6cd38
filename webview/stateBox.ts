// The loading, error and stale states of a tab's query, shared by every tab view.
import { emptyTableHint, queryErrorActions, staleDataNote } from '../src/shared/nextSteps';
import type { EmptyAction } from '../src/shared/nextSteps';
import { h, replaceChildren } from './dom';
import type { Child } from './dom';
import type { ViewContext } from './context';
import { post } from './vscodeApi';
import * as l10n from '@vscode/l10n';

export function renderQueryState(box: HTMLElement, ctx: ViewContext, hasData: boolean): void {
  const { loading, error } = ctx.query;
  box.classList.toggle('hidden', !loading && !error);
  if (loading) {
    replaceChildren(
      box,
      h('vscode-progress-ring', { 'aria-hidden': 'true', class: 'ring' }),
      h('span', {}, hasData ? l10n.t('Updating…') : l10n.t('Loading…')),
    );
    return;
  }
  if (error) {
    replaceChildren(
      box,
      h('p', { class: 'error-text' }, error.message),
      h(
        'div',
        { class: 'actions' },
        ...queryErrorActions(error.kind).map((a, i) =>
          h(
            'vscode-button',
            { secondary: i > 0, onclick: () => (a.kind === 'retry' ? ctx.retry() : post({ type: 'command', command: a.command })) },
            a.label,
          ),
        ),
      ),
    );
    return;
  }
  box.replaceChildren();
}

/**
 * Dims numbers that are not the current choices' (another request's, or from before a failed
 * update) and says so in `note`; returns whether they are dimmed.
 */
export function renderStaleness(content: HTMLElement, note: HTMLElement, ctx: ViewContext, dataKey: string | undefined): boolean {
  const text = dataKey === undefined ? undefined : staleDataNote({ dataKey, currentKey: ctx.key, loading: ctx.query.loading, failed: ctx.query.error !== undefined });
  const dim = dataKey !== undefined && (text !== undefined || ctx.query.loading);
  content.classList.toggle('stale', dim);
  if (note.textContent !== (text ?? '')) note.textContent = text ?? '';
  note.classList.toggle('hidden', text === undefined);
  return dim;
}

/** The text and buttons of an empty table: what to do to see something. */
export function emptyTableContent(o: { filtered: boolean; widestRange: boolean; clearFilters: () => void; widenRange: () => void }): { key: string; content: Child[] } {
  const hint = emptyTableHint(o);
  const labels: Record<EmptyAction, string> = { clearFilters: l10n.t('Clear filters'), widenRange: l10n.t('Last {0} days', 90) };
  return {
    key: `${hint.text}|${hint.actions.join(',')}`,
    content: [
      hint.text,
      ...hint.actions.map((a) =>
        h('vscode-button', { secondary: true, class: 'inline-action', onclick: () => (a === 'clearFilters' ? o.clearFilters() : o.widenRange()) }, labels[a]),
      ),
    ],
  };
}

/** The parts every data view has: its state box, its staleness note, its content, its element. */
export interface ViewFrame {
  readonly element: HTMLElement;
  readonly stateBox: HTMLElement;
  readonly staleNote: HTMLElement;
  readonly content: HTMLElement;
}

/**
 * What every data view does first on render: the query's state, busy for screen readers, the
 * staleness note, and the content shown only when there is data for it.
 */
export function renderFrame(frame: ViewFrame, ctx: ViewContext, hasData: boolean, dataKey: string | undefined): void {
  renderQueryState(frame.stateBox, ctx, hasData);
  frame.element.setAttribute('aria-busy', String(ctx.query.loading));
  renderStaleness(frame.content, frame.staleNote, ctx, hasData ? dataKey : undefined);
  frame.content.classList.toggle('hidden', !hasData);
}
