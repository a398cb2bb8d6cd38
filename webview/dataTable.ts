// The accessible data table under each chart: a real <table> with a caption, column headers with
// scope and aria-sort, and a sort button in each header (keyboard: Tab to it, Enter/Space sorts).
import type { Sort } from '../src/shared/protocol';
import { displayCell, sortRows } from '../src/report/table';
import type { DataTable } from '../src/report/table';
import { h, replaceChildren } from './dom';
import type { Child } from './dom';
import * as l10n from '@vscode/l10n';

/** Rows rendered at most; the rest is in the export (a DOM of 100 000 rows helps nobody). */
export const MAX_RENDERED_ROWS = 500;

/**
 * The caption with its row count and order, "Costs, … (12 rows, sorted by Cost descending)": one
 * message each, so the brackets, their spacing and the word order are the translation's.
 */
export function tableCaption(caption: string, rowCount: number, direction: Sort['direction'] | undefined, sortLabel: string): string {
  const count = rowCount === 1 ? l10n.t('1 row') : l10n.t('{0} rows', rowCount);
  if (direction === undefined) return l10n.t('{0} ({1})', caption, count);
  return direction === 'ascending'
    ? l10n.t('{0} ({1}, sorted by {2} ascending)', caption, count, sortLabel)
    : l10n.t('{0} ({1}, sorted by {2} descending)', caption, count, sortLabel);
}

export interface TableViewOptions {
  readonly caption: string;
  readonly table: DataTable;
  readonly sort: Sort | undefined;
  readonly onSort: (column: string) => void;
  /** Shown instead of the table when it has no rows; `key` tells one hint from another. */
  readonly empty?: { readonly key: string; readonly content: readonly Child[] };
}

/** What each container shows now, so an unchanged table is not rebuilt. */
const rendered = new WeakMap<HTMLElement, string>();

export function renderDataTable(container: HTMLElement, o: TableViewOptions): void {
  // Every status message re-renders the view; rebuilding an unchanged table would drop keyboard
  // focus (and the scroll position) inside it, so it is only rebuilt when what it shows changed.
  const signature = JSON.stringify([o.caption, o.table.columns, o.table.rows, o.table.currency, o.table.width, o.sort ?? null, o.empty?.key ?? null]);
  if (rendered.get(container) === signature) return;
  rendered.set(container, signature);

  // Keep keyboard focus on the same sort button across the re-render a sort causes.
  const active = document.activeElement;
  const focusedColumn = active instanceof HTMLElement && container.contains(active) ? active.dataset.column : undefined;

  const rows = sortRows(o.table, o.sort);
  const shown = rows.slice(0, MAX_RENDERED_ROWS);
  const numeric = (kind: string): boolean => kind === 'number' || kind === 'money' || kind === 'bytes' || kind === 'quantity';

  const head = h(
    'tr',
    {},
    ...o.table.columns.map((c) => {
      const sorted = o.sort?.column === c.id ? o.sort.direction : undefined;
      return h(
        'th',
        { scope: 'col', 'aria-sort': sorted ?? 'none', class: numeric(c.kind) ? 'num' : undefined },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            'data-column': c.id,
            title: l10n.t('Sort by {0}', c.label),
            onclick: () => o.onSort(c.id),
          },
          c.label,
          h('span', { class: 'sort-indicator', 'aria-hidden': 'true' }, sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'),
        ),
      );
    }),
  );

  const body = h(
    'tbody',
    {},
    ...shown.map((row) =>
      h(
        'tr',
        {},
        ...o.table.columns.map((c, i) => {
          const text = displayCell(o.table, c, row[i] ?? '', row);
          // The first column (the time) names the row for screen readers.
          return i === 0 ? h('th', { scope: 'row' }, text) : h('td', { class: numeric(c.kind) ? 'num' : undefined }, text);
        }),
      ),
    ),
  );

  const sortLabel = o.sort ? (o.table.columns.find((c) => c.id === o.sort?.column)?.label ?? o.sort.column) : '';
  const caption = tableCaption(o.caption, rows.length, o.sort?.direction, sortLabel);
  const table = h(
    'table',
    { class: 'data' },
    h('caption', {}, caption),
    h('thead', {}, head),
    body,
  );

  replaceChildren(
    container,
    rows.length === 0 ? h('p', { class: 'empty-note' }, ...(o.empty?.content ?? [l10n.t('No data in this range for these filters.')])) : null,
    rows.length > 0 ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': o.caption }, table) : null,
    rows.length > shown.length
      ? h('p', { class: 'note' }, l10n.t('Showing the first {0} of {1} rows in this order; Export Usage… writes all of them.', shown.length, rows.length))
      : null,
  );

  // Only while the person is in the dashboard: a rebuild must never pull the focus back from
  // VS Code (an open quick pick, say, closes when the webview takes the focus).
  if (focusedColumn && document.hasFocus()) {
    const again = container.querySelector<HTMLButtonElement>(`button.sort[data-column="${CSS.escape(focusedColumn)}"]`);
    again?.focus();
  }
}
