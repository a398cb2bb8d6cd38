// The dashboard app: the page around the tabs (header, banners, empty and error states, range and
// project filter), the message loop with the host, and the UI state kept with setState.
import { ENDPOINTS, USAGE_ENDPOINT_IDS } from '../src/shared/endpoints';
import type { EndpointId } from '../src/shared/endpoints';
import { parseHostMessage, PRESET_DAYS, todayIso, UiStateSchema } from '../src/shared/protocol';
import type { HostMessage, Range, Status, TabId, UiState } from '../src/shared/protocol';
import { dataKey, defaultUiState } from '../src/shared/uiState';
import { resolveRange } from '../src/shared/queryWindow';
import { isoDate } from '../src/shared/time';
import { ADMIN_KEYS_URL, KEY_PROBLEM_CODES } from '../src/shared/errorCode';
import type { ErrorCode } from '../src/shared/errorCode';
import type { TabView, ViewContext } from './context';
import { multiSelect, singleSelect, syncMulti, syncSingle } from './controls';
import type { Choice } from './controls';
import { h, replaceChildren, uid, withParts } from './dom';
import { EndpointView } from './endpointView';
import { OverviewView } from './overviewView';
import { AttributionView } from './attributionView';
import { onThemeChange, readTheme } from './theme';
import { getSavedState, post, saveState } from './vscodeApi';
import * as l10n from '@vscode/l10n';
import { formatLocalTime } from '../src/shared/format';

/** Tab order: the overview, then costs (where the money is), then the usage endpoints, then who spent it. */
export const TAB_ORDER: readonly TabId[] = ['overview', 'costs', ...USAGE_ENDPOINT_IDS, 'attribution'];

function rangeChoices(): Choice[] {
  return [...PRESET_DAYS.map((d) => ({ value: String(d), label: l10n.t('Last {0} days', d) })), { value: 'custom', label: l10n.t('Custom dates…') }];
}

/**
 * Sets the latest day of a date textfield. @vscode-elements types `max` as a number (its attribute
 * converter would turn a date into NaN) but hands the property to the inner <input> as it is.
 */
function tabTitle(id: TabId): string {
  if (id === 'overview') return l10n.t('Overview');
  if (id === 'attribution') return l10n.t('Attribution');
  return ENDPOINTS[id].title;
}

function setDateMax(field: HTMLElement, day: string): void {
  const f = field as HTMLElement & { max: unknown };
  if (f.max !== day) f.max = day;
}

export class App {
  private ui: UiState | undefined;
  private status: Status | undefined;
  private theme = readTheme();
  private loadingKey: string | undefined;
  private error: { key: string; message: string; kind: ErrorCode } | undefined;
  private readonly overview = new OverviewView();
  private readonly attribution = new AttributionView();
  private readonly endpointViews = new Map<EndpointId, EndpointView>();

  // The page skeleton, built once.
  private readonly meta = h('p', { class: 'meta' });
  private readonly headerActions = h('div', { class: 'actions' });
  private readonly progress = h('vscode-progress-bar', { class: 'progress hidden', indeterminate: true, 'aria-label': l10n.t('Loading usage') });
  private readonly banners = h('div', { class: 'banners', role: 'region', 'aria-label': l10n.t('Notices') });
  private readonly empty = h('section', { class: 'empty hidden', 'aria-labelledby': 'empty-title' });
  private readonly fatal = h('section', { class: 'fatal hidden', role: 'alert' });
  private readonly dashboard = h('div', { class: 'dashboard hidden' });
  private readonly tabs = h('vscode-tabs', { class: 'tabs' });
  private readonly panels = new Map<TabId, HTMLElement>();
  private readonly range: ReturnType<typeof singleSelect>;
  private readonly rangeChoices = rangeChoices();
  private readonly startField: HTMLElement & { value: string; invalid: boolean };
  private readonly endField: HTMLElement & { value: string; invalid: boolean };
  private readonly customBox: HTMLElement;
  private readonly rangeNote = h('span', { class: 'range-note', role: 'status' });
  private readonly projects: ReturnType<typeof multiSelect>;
  /** The date fields hold an invalid pair the user is still fixing: do not overwrite them. */
  private datesInvalid = false;

  constructor(private readonly root: HTMLElement) {
    this.range = singleSelect(l10n.t('Range'), this.rangeChoices, '30', (value) => this.onRangeChoice(value));
    const startId = uid('date');
    const endId = uid('date');
    this.startField = h('vscode-textfield', { id: startId, type: 'date', 'aria-label': l10n.t('First day (UTC)') });
    this.endField = h('vscode-textfield', { id: endId, type: 'date', 'aria-label': l10n.t('Last day (UTC)') });
    this.startField.addEventListener('change', () => this.onCustomDates());
    this.endField.addEventListener('change', () => this.onCustomDates());
    this.customBox = h(
      'div',
      { class: 'custom-dates hidden' },
      h('div', { class: 'field' }, h('vscode-label', { for: startId }, l10n.t('From (UTC)')), this.startField),
      h('div', { class: 'field' }, h('vscode-label', { for: endId }, l10n.t('To (UTC)')), this.endField),
    );
    this.projects = multiSelect(l10n.t('Projects'), [], [], (values) => this.update((ui) => ({ ...ui, projectIds: values })));
  }

  /** Builds the page, restores the UI state the webview kept, and tells the host it is ready. */
  start(): void {
    const saved = UiStateSchema.safeParse(getSavedState());
    if (saved.success) this.ui = saved.data;
    this.buildSkeleton();
    window.addEventListener('message', (ev: MessageEvent<unknown>) => this.onMessage(ev.data));
    onThemeChange(() => {
      this.theme = readTheme();
      const ctx = this.context();
      if (!ctx) return;
      this.overview.applyTheme(ctx);
      for (const v of this.endpointViews.values()) v.applyTheme(ctx);
      this.attribution.applyTheme();
    });
    post({ type: 'ready' });
  }

  private buildSkeleton(): void {
    const headers = TAB_ORDER.map((id) => h('vscode-tab-header', { slot: 'header', 'data-tab': id, tabindex: '-1' }, tabTitle(id)));
    const panels = TAB_ORDER.map((id) => {
      const panel = h('vscode-tab-panel', { 'data-tab': id });
      this.panels.set(id, panel);
      return panel;
    });
    this.tabs.append(...headers, ...panels);
    this.headerActions.append(
      h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.refresh' }) }, l10n.t('Refresh')),
      h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.export' }) }, l10n.t('Export…')),
    );
    this.tabs.addEventListener('vsc-tabs-select', (ev) => this.selectTab(ev.detail.selectedIndex));
    // Capture phase: runs before the component's own key handler, which knows only the arrow keys
    // and Enter and loses track of the focus when another key moves it.
    this.tabs.addEventListener('keydown', (ev) => this.onTabKey(ev, headers), { capture: true });
    // Leaving the tab list: its one tab stop goes back to the open tab (the arrow keys moved it).
    this.tabs.addEventListener('focusout', (ev) => {
      if (headers.some((hd) => hd === ev.relatedTarget)) return;
      for (const hd of headers) hd.tabIndex = hd.hasAttribute('active') ? 0 : -1;
    });
    // The tab list's name lives in the component's shadow root: name it once it has rendered.
    void customElements
      .whenDefined('vscode-tabs')
      .then(() => this.tabs.updateComplete)
      .then(() => this.tabs.shadowRoot?.querySelector('[role="tablist"]')?.setAttribute('aria-label', l10n.t('Dashboard views')));

    replaceChildren(
      this.dashboard,
      h(
        'div',
        { class: 'toolbar range-bar', role: 'group', 'aria-label': l10n.t('Range and projects') },
        this.range.wrapper,
        this.customBox,
        this.projects.wrapper,
        this.rangeNote,
      ),
      this.tabs,
    );

    replaceChildren(
      this.root,
      h(
        'header',
        { class: 'top' },
        h('div', { class: 'title-block' }, h('h1', {}, l10n.t('OpenAI Usage')), this.meta),
        this.headerActions,
      ),
      this.progress,
      this.banners,
      this.empty,
      this.fatal,
      this.dashboard,
    );
    this.root.removeAttribute('aria-busy');
  }

  private selectTab(index: number): void {
    const tab = TAB_ORDER[index];
    if (tab && tab !== this.ui?.tab) this.update((ui) => ({ ...ui, tab }));
  }

  /**
   * The tab list's keyboard, as the WAI-ARIA tabs pattern has it (manual activation: each tab
   * fetches, so moving along the tabs does not open them): Left/Right move the focus and wrap,
   * Home/End go to the first/last tab, Enter or Space opens the focused tab.
   */
  private onTabKey(ev: KeyboardEvent, headers: readonly HTMLElement[]): void {
    const current = headers.findIndex((h) => h === document.activeElement);
    if (current < 0) return; // a key inside a tab's panel, not on the tab list
    const last = headers.length - 1;
    let target: number | undefined;
    if (ev.key === 'ArrowRight') target = current === last ? 0 : current + 1;
    else if (ev.key === 'ArrowLeft') target = current === 0 ? last : current - 1;
    else if (ev.key === 'Home') target = 0;
    else if (ev.key === 'End') target = last;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      ev.stopPropagation();
      this.selectTab(current);
      return;
    }
    if (target === undefined) return;
    ev.preventDefault();
    ev.stopPropagation();
    // A roving tab stop: only the focused tab is in the Tab order (a header is focusable only
    // with a tabindex, which the component gives the open tab alone).
    headers.forEach((hd, i) => (hd.tabIndex = i === target ? 0 : -1));
    headers[target]?.focus();
  }

  private onMessage(raw: unknown): void {
    const msg = parseHostMessage(raw);
    if (!msg) {
      post({ type: 'clientError', message: 'ignored a malformed message from the host' });
      return;
    }
    this.handle(msg);
  }

  private handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'init': {
        let ui = this.ui ?? defaultUiState(msg.defaultRangeDays);
        if (msg.projectId) ui = { ...ui, projectIds: [msg.projectId] };
        this.ui = ui;
        this.commit();
        break;
      }
      case 'status':
        this.status = msg.status;
        if (this.dropUnknownProjects()) return; // update() has rendered
        break;
      case 'filter':
        this.update((ui) => ({ ...ui, projectIds: [msg.projectId] }));
        return;
      case 'loading':
        if (this.ui && msg.key === dataKey(this.ui)) this.loadingKey = msg.key;
        break;
      case 'overview':
        if (!this.ui || msg.key !== dataKey(this.ui)) return;
        this.overview.setData(msg.data, msg.key);
        this.settle(msg.key);
        break;
      case 'attribution':
        if (!this.ui || msg.key !== dataKey(this.ui)) return;
        this.attribution.setData(msg.data, msg.key);
        this.settle(msg.key);
        break;
      case 'tabData': {
        if (!this.ui || msg.key !== dataKey(this.ui)) return;
        this.endpointView(msg.endpoint).setData(
          { endpoint: msg.endpoint, window: msg.window, groupBy: msg.groupBy, currency: msg.currency, buckets: msg.buckets, mix: msg.mix },
          msg.key,
        );
        this.settle(msg.key);
        break;
      }
      case 'queryError':
        if (!this.ui || msg.key !== dataKey(this.ui)) return;
        this.settle(msg.key);
        this.error = { key: msg.key, message: msg.message, kind: msg.kind };
        break;
    }
    this.render();
  }

  /**
   * Drops project filters the organisation shown does not have (e.g. sample projects kept in the
   * saved state after switching to a real key), which would make every view silently empty.
   * Only once the host has data: before that the project list is just not known yet.
   */
  private dropUnknownProjects(): boolean {
    const status = this.status;
    const ui = this.ui;
    if (!ui || !status || status.fetchedAt === undefined || status.projects.length === 0 || ui.projectIds.length === 0) return false;
    const known = new Set(status.projects.map((p) => p.id));
    const kept = ui.projectIds.filter((p) => known.has(p));
    if (kept.length === ui.projectIds.length) return false;
    this.update((u) => ({ ...u, projectIds: kept }));
    return true;
  }

  private settle(key: string): void {
    if (this.loadingKey === key) this.loadingKey = undefined;
    if (this.error?.key === key) this.error = undefined;
  }

  /** Changes the UI state: kept with setState (UI only, never data) and sent to the host. */
  private update(change: (ui: UiState) => UiState): void {
    if (!this.ui) return;
    const before = dataKey(this.ui);
    this.ui = change(this.ui);
    const after = dataKey(this.ui);
    if (after !== before) {
      // Show "Loading…" at once; the host answers with data (or confirms loading).
      this.loadingKey = this.status?.mode === 'none' ? undefined : after;
      if (this.error?.key !== after) this.error = undefined;
    }
    this.commit();
    this.render();
  }

  private commit(): void {
    if (!this.ui) return;
    saveState(this.ui);
    post({ type: 'view', ui: this.ui });
  }

  private endpointView(id: EndpointId): EndpointView {
    let v = this.endpointViews.get(id);
    if (!v) {
      v = new EndpointView(id);
      this.endpointViews.set(id, v);
    }
    return v;
  }

  private view(tab: TabId): TabView {
    if (tab === 'overview') return this.overview;
    if (tab === 'attribution') return this.attribution;
    return this.endpointView(tab);
  }

  private context(): ViewContext | undefined {
    const ui = this.ui;
    if (!ui) return undefined;
    const key = dataKey(ui);
    const projectNames = Object.fromEntries((this.status?.projects ?? []).map((p) => [p.id, p.name]));
    return {
      ui,
      key,
      status: this.status,
      theme: this.theme,
      query: { loading: this.loadingKey === key, error: this.error?.key === key ? this.error : undefined },
      projectNames,
      update: (fn) => this.update(fn),
      retry: () => {
        this.loadingKey = key;
        this.error = undefined;
        post({ type: 'retry' });
        this.render();
      },
    };
  }

  private render(): void {
    const ctx = this.context();
    const status = this.status;
    this.renderChrome(status);
    if (!ctx) return;
    const noKey = status?.mode === 'none';
    const fatal = !noKey && status !== undefined && status.fetchedAt === undefined && status.error !== undefined && !status.loading;
    this.dashboard.classList.toggle('hidden', noKey || fatal || status === undefined);
    if (noKey || fatal || status === undefined) return;

    this.renderRangeBar(ctx);
    const index = TAB_ORDER.indexOf(ctx.ui.tab);
    if (this.tabs.selectedIndex !== index) this.tabs.selectedIndex = index;
    const panel = this.panels.get(ctx.ui.tab);
    const view = this.view(ctx.ui.tab);
    if (panel && view.element.parentElement !== panel) panel.append(view.element);
    view.render(ctx);
    this.progress.classList.toggle('hidden', !(status.loading || ctx.query.loading));
  }

  private renderChrome(status: Status | undefined): void {
    const parts: string[] = [];
    if (status?.mode === 'sample') parts.push(l10n.t('Sample data'));
    // Local time, in the display locale: the one time on the page that is not UTC.
    if (status?.fetchedAt) parts.push(l10n.t('Updated {0} (your time)', formatLocalTime(status.fetchedAt)));
    parts.push(l10n.t('Days are UTC days; “today” is the current UTC day'));
    this.meta.textContent = parts.join(' · ');
    this.progress.classList.toggle('hidden', !status?.loading);

    const banners: HTMLElement[] = [];
    if (status?.mode === 'sample') {
      banners.push(
        h(
          'div',
          { class: 'banner sample', role: 'note' },
          h('strong', {}, l10n.t('Sample data.'), ' '),
          l10n.t('This is a synthetic organization, not your usage.'),
          ' ',
          h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.setAdminKey' }) }, l10n.t('Set Admin Key')),
        ),
      );
    }
    if (status?.staleSince !== undefined) {
      banners.push(
        h(
          'div',
          { class: 'banner stale', role: 'status' },
          h('strong', {}, l10n.t('Stale since {0} (your time).', formatLocalTime(status.staleSince)), ' '),
          status.error?.message ?? l10n.t('The last refresh failed.'),
          ' ',
          status.fetchedAt ? l10n.t('Showing the last good data from {0}.', formatLocalTime(status.fetchedAt)) : l10n.t('Showing the last good data.'),
          ' ',
          h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.refresh' }) }, l10n.t('Refresh')),
        ),
      );
    }
    replaceChildren(this.banners, ...banners);

    const noKey = status?.mode === 'none';
    this.empty.classList.toggle('hidden', !noKey);
    // Nothing to refresh or export without a key: the empty state says what to do instead.
    this.headerActions.classList.toggle('hidden', noKey || status === undefined);
    if (noKey && this.empty.childElementCount === 0) {
      replaceChildren(
        this.empty,
        h('h2', { id: 'empty-title' }, l10n.t('No Admin key set')),
        h(
          'p',
          {},
          ...withParts(l10n.t('The dashboard reads your organization’s usage and costs with an OpenAI {0} (sk-admin-…), which an organization Owner can create at {1}.'), [
            h('strong', {}, l10n.t('Admin key')),
            h('a', { href: ADMIN_KEYS_URL }, l10n.t('platform.openai.com → Settings → Admin keys')),
          ]),
          ' ',
          l10n.t('Project keys cannot read usage. The key is kept in VS Code’s secret storage and never shown here.'),
        ),
        h(
          'div',
          { class: 'actions' },
          h('vscode-button', { onclick: () => post({ type: 'command', command: 'openaiUsage.setAdminKey' }) }, l10n.t('Set Admin Key')),
          h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.useSampleData' }) }, l10n.t('Try with Sample Data')),
        ),
      );
    }

    const fatal = !noKey && status !== undefined && status.fetchedAt === undefined && status.error !== undefined && !status.loading;
    this.fatal.classList.toggle('hidden', !fatal);
    if (fatal && status?.error) {
      const keyProblem = KEY_PROBLEM_CODES.has(status.error.kind);
      replaceChildren(
        this.fatal,
        h('h2', {}, l10n.t('Could not load usage')),
        h('p', { class: 'error-text' }, status.error.message),
        keyProblem
          ? h('p', {}, ...withParts(l10n.t('An Admin key is created by an organization Owner at {0}.'), [h('a', { href: ADMIN_KEYS_URL }, l10n.t('platform.openai.com → Settings → Admin keys'))]))
          : null,
        h(
          'div',
          { class: 'actions' },
          h('vscode-button', { onclick: () => post({ type: 'command', command: 'openaiUsage.refresh' }) }, l10n.t('Try again')),
          h('vscode-button', { secondary: !keyProblem, onclick: () => post({ type: 'command', command: 'openaiUsage.setAdminKey' }) }, l10n.t('Set Admin Key')),
          h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.useSampleData' }) }, l10n.t('Try with Sample Data')),
        ),
      );
    }
  }

  private renderRangeBar(ctx: ViewContext): void {
    const r = ctx.ui.range;
    syncSingle(this.range.control, this.rangeChoices, r.kind === 'preset' ? String(r.days) : 'custom');
    this.customBox.classList.toggle('hidden', r.kind !== 'custom');
    // No day after today (UTC): there is no usage there, and the host refuses it.
    const today = todayIso();
    setDateMax(this.startField, today);
    setDateMax(this.endField, today);
    if (r.kind !== 'custom') this.datesInvalid = false;
    if (!this.datesInvalid) {
      if (r.kind === 'custom') {
        if (this.startField.value !== r.start) this.startField.value = r.start;
        if (this.endField.value !== r.end) this.endField.value = r.end;
      }
      const resolved = resolveRange(r, Date.now());
      this.rangeNote.textContent = l10n.t('{0} – {1} (UTC)', isoDate(resolved.start), isoDate(resolved.end - 1));
    }
    const projects = (ctx.status?.projects ?? []).map((p) => ({ value: p.id, label: p.archived ? l10n.t('{0} (archived)', p.name) : p.name }));
    syncMulti(this.projects.control, projects, ctx.ui.projectIds);
  }

  private onRangeChoice(value: string): void {
    const days = PRESET_DAYS.find((d) => String(d) === value);
    if (days !== undefined) {
      this.update((ui) => ({ ...ui, range: { kind: 'preset', days } }));
      return;
    }
    if (value !== 'custom') return;
    // Start the custom range from what is shown now, so nothing jumps.
    this.update((ui) => {
      if (ui.range.kind === 'custom') return ui;
      const r = resolveRange(ui.range, Date.now());
      return { ...ui, range: { kind: 'custom', start: isoDate(r.start), end: isoDate(r.end - 1) } };
    });
  }

  private onCustomDates(): void {
    const candidate: Range = { kind: 'custom', start: this.startField.value, end: this.endField.value };
    const parsed = UiStateSchema.shape.range.safeParse(candidate);
    this.startField.invalid = !parsed.success;
    this.endField.invalid = !parsed.success;
    this.datesInvalid = !parsed.success;
    if (!parsed.success) {
      this.rangeNote.textContent = l10n.t('Pick a first day on or before the last day, at most 366 days apart, the last day no later than today ({0} UTC).', todayIso());
      return;
    }
    this.update((ui) => ({ ...ui, range: parsed.data }));
  }
}
