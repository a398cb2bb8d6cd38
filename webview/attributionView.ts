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
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-keys-title' }, h('h2', { id: 'attr-keys-title' }, 'Spend by API key'), this.keysIntro, this.keysBox),
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-users-title' }, h('h2', { id: 'attr-users-title' }, 'Usage by user'), this.usersNote, this.usersBox),
      h('section', { class: 'table-section', 'aria-labelledby': 'attr-stale-title' }, h('h2', { id: 'attr-stale-title' }, 'Keys not used lately'), this.staleIntro, this.staleBox),
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
    const range = `${isoDate(data.startTime)} to ${isoDate(data.endTime - 1)} UTC`;

    const total = data.keys.reduce((a, k) => a + k.spend, 0);
    const from = data.keysFrom !== undefined && data.keysFrom > data.startTime ? ` Stored spend by key starts ${isoDate(data.keysFrom)}.` : '';
    this.keysIntro.textContent =
      data.keysFrom === undefined
        ? 'No spend by key is stored yet: run Refresh.'
        : `${data.keys.length} ${data.keys.length === 1 ? 'key' : 'keys'} with spend, ${formatMoney(total, data.currency)} in all.${from}`;
    renderDataTable(this.keysBox, {
      caption: `Spend by API key, ${range}`,
      table: keySpendTable(data),
      sort: this.sorts.get('keys') ?? { column: 'amount', direction: 'descending' },
      onSort: (column) => this.sort('keys', column),
      empty: { key: 'keys', content: ['No spend by API key in this range.'] },
    });

    // Said plainly: the Costs API groups by project, line item and key, never by user.
    this.usersNote.textContent = data.users.ok
      ? 'Tokens and requests of completions by user. Spend by user is not available: the Costs API has no user grouping, and it is not estimated here.'
      : `${data.users.message} Spend by user is not available either: the Costs API has no user grouping.`;
    renderDataTable(this.usersBox, {
      caption: `Completions usage by user, ${range}`,
      table: userUsageTable(data),
      sort: this.sorts.get('users'),
      onSort: (column) => this.sort('users', column),
      empty: { key: data.users.ok ? 'users' : 'users-failed', content: [data.users.ok ? 'No completions usage by user in this range.' : 'Usage by user could not be read.'] },
    });

    this.staleIntro.textContent = data.staleKeys
      ? `API keys not used in the last ${data.staleDays} days (or never): a hint to revoke the ones nobody needs.`
      : 'The API key list could not be read with this Admin key, so unused keys cannot be listed.';
    renderDataTable(this.staleBox, {
      caption: `API keys not used in ${data.staleDays} days`,
      table: staleKeysTable(data),
      sort: this.sorts.get('stale'),
      onSort: (column) => this.sort('stale', column),
      empty: { key: data.staleKeys ? 'stale' : 'stale-unreadable', content: [data.staleKeys ? `Every API key was used in the last ${data.staleDays} days.` : 'No key list.'] },
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
