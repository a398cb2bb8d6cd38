// The Attribution tab: spend by API key (with owner and project), usage by user (tokens and
// requests: the Costs API has no user grouping, so there is no spend by user), and keys not used
// lately. Every figure comes computed from the host (src/report/attribution.ts); this only draws.
import type { AttributionData, Sort } from '../src/shared/protocol';
import { formatMoney } from '../src/shared/format';
import { isoDate } from '../src/shared/time';
import { keySpendTable, nextSort, staleKeysTable, userUsageTable } from '../src/report/table';
import type { TabView, ViewContext } from './context';
import { renderDataTable } from './dataTable';
import { h } from './dom';
import { renderFrame } from './stateBox';
import * as l10n from '@vscode/l10n';

type TableId = 'keys' | 'users' | 'stale';

export class AttributionView implements TabView {
  readonly element: HTMLElement;
  private data: AttributionData | undefined;
  private dataKey: string | undefined;
  private ctx: ViewContext | undefined;
  /** Sorting here is the view's own (not kept in the UI state: it changes no data). */
  private readonly sorts = new Map<TableId, Sort>();
  private readonly staleNote = h('p', { class: 'stale-note hidden', role: 'status' });
  private readonly stateBox = h('div', { class: 'query-state hidden', role: 'status', 'aria-live': 'polite' });
  private readonly note = h('p', { class: 'note names-note hidden' });
  private readonly keysIntro = h('p', { class: 'note' });
  private readonly keysBox = h('div', { class: 'table-box' });
  private readonly usersNote = h('p', { class: 'note' });
  private readonly usersBox = h('div', { class: 'table-box' });
  private readonly staleIntro = h('p', { class: 'note' });
  private readonly staleBox = h('div', { class: 'table-box' });
  private readonly content: HTMLElement;

  constructor() {
    this.content = h(
      'div',
      { class: 'tab-content' },
      this.note,
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-keys-title' }, h('h2', { id: 'attr-keys-title' }, l10n.t('Spend by API key')), this.keysIntro, this.keysBox),
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-users-title' }, h('h2', { id: 'attr-users-title' }, l10n.t('Usage by user')), this.usersNote, this.usersBox),
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-stale-title' }, h('h2', { id: 'attr-stale-title' }, l10n.t('Keys not used lately')), this.staleIntro, this.staleBox),
    );
    this.element = h('div', { class: 'view attribution' }, this.stateBox, this.staleNote, this.content);
  }

  setData(data: AttributionData | undefined, key: string): void {
    this.data = data;
    this.dataKey = key;
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const data = this.data;
    renderFrame({ element: this.element, stateBox: this.stateBox, staleNote: this.staleNote, content: this.content }, ctx, data !== undefined, this.dataKey);
    if (!data) return;

    this.note.textContent = data.note ?? '';
    this.note.classList.toggle('hidden', !data.note);
    const range = l10n.t('{0} to {1} UTC', isoDate(data.startTime), isoDate(data.endTime - 1));

    const total = data.keys.reduce((a, k) => a + k.spend, 0);
    const from = data.keysFrom !== undefined && data.keysFrom > data.startTime ? ` ${l10n.t('Stored spend by key starts {0}.', isoDate(data.keysFrom))}` : '';
    this.keysIntro.textContent =
      data.keysFrom === undefined
        ? l10n.t('No spend by key is stored yet: run Refresh.')
        : (data.keys.length === 1
            ? l10n.t('1 key with spend, {0} in all.', formatMoney(total, data.currency))
            : l10n.t('{0} keys with spend, {1} in all.', data.keys.length, formatMoney(total, data.currency))) + from;
    renderDataTable(this.keysBox, {
      caption: l10n.t('Spend by API key, {0}', range),
      table: keySpendTable(data),
      sort: this.sorts.get('keys') ?? { column: 'amount', direction: 'descending' },
      onSort: (column) => this.sort('keys', column),
      empty: { key: 'keys', content: [l10n.t('No spend by API key in this range.')] },
    });

    // Said plainly: the Costs API groups by project, line item and key, never by user.
    this.usersNote.textContent = data.users.ok
      ? l10n.t('Tokens and requests of completions by user. Spend by user is not available: the Costs API has no user grouping, and it is not estimated here.')
      : `${data.users.message} ${l10n.t('Spend by user is not available either: the Costs API has no user grouping.')}`;
    renderDataTable(this.usersBox, {
      caption: l10n.t('Completions usage by user, {0}', range),
      table: userUsageTable(data),
      sort: this.sorts.get('users'),
      onSort: (column) => this.sort('users', column),
      empty: { key: data.users.ok ? 'users' : 'users-failed', content: [data.users.ok ? l10n.t('No completions usage by user in this range.') : l10n.t('Usage by user could not be read.')] },
    });

    this.staleIntro.textContent = data.staleKeys
      ? l10n.t('API keys not used in the last {0} days (or never): a hint to revoke the ones nobody needs.', data.staleDays)
      : l10n.t('The API key list could not be read with this Admin key, so unused keys cannot be listed.');
    renderDataTable(this.staleBox, {
      caption: l10n.t('API keys not used in {0} days', data.staleDays),
      table: staleKeysTable(data),
      sort: this.sorts.get('stale'),
      onSort: (column) => this.sort('stale', column),
      empty: { key: data.staleKeys ? 'stale' : 'stale-unreadable', content: [data.staleKeys ? l10n.t('Every API key was used in the last {0} days.', data.staleDays) : l10n.t('No key list.')] },
    });
  }

  applyTheme(): void {
    // No charts here.
  }

  private sort(table: TableId, column: string): void {
    this.sorts.set(table, nextSort(this.sorts.get(table), column));
    if (this.ctx) this.render(this.ctx);
  }
}
