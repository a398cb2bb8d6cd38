// The dashboard panel's host side: creates or restores the webview panel, answers the webview's
// messages (validated with zod before use), runs the endpoint tabs' queries (cancelling the
// previous one), and exports what the current view shows.
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Project } from '../api/endpoints';
import { ApiError, redact } from '../api/errors';
import { readSettings } from '../config';
import { parseWebviewMessage } from '../protocol';
import type { HostMessage, OverviewData, Status, UiState } from '../protocol';
import type { UsageModel, UsageState } from '../state';
import type { UsageSnapshot } from '../usage/snapshot';
import { dashboardHtml, makeNonce } from './html';
import { FilterOptionSets, NoDataError, fetchOverview, fetchTab } from './fetchView';
import type { TabResult } from './fetchView';
import { toCsv, toJson } from './exportFormat';
import type { ExportMeta } from './exportFormat';
import { buildOverview } from './overview';
import { overviewTable, sortRows, usageTable } from './table';
import type { DataTable } from './table';
import { dataKey, defaultUiState, tabSettings } from './uiState';
import { isoTime } from './labels';
import { resolveRange } from './window';

export const PANEL_VIEW_TYPE = 'openaiUsage.panel';
const TITLE = 'OpenAI Usage';

/** What the current view shows, kept so Export writes exactly that. */
type Shown =
  | { readonly kind: 'overview'; readonly key: string; readonly ui: UiState; readonly data: OverviewData }
  | { readonly kind: 'tab'; readonly key: string; readonly ui: UiState; readonly result: TabResult };

/** One open panel: its webview, the UI state the webview reported, the query in flight. */
class PanelSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private ui: UiState | undefined;
  private pendingProjectId: string | undefined;
  private inflight: AbortController | undefined;
  private shown: Shown | undefined;
  private lastSnapshot: UsageSnapshot | undefined;
  private lastMode: UsageState['mode'];
  private readonly options = new FilterOptionSets();
  /** Recent results by dataKey, so switching back to a tab does not query again. */
  private readonly cache = new Map<string, Shown>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly model: UsageModel,
    private readonly log: vscode.LogOutputChannel,
    projectId: string | undefined,
    onDispose: () => void,
    onVisible: () => void,
  ) {
    this.pendingProjectId = projectId;
    this.lastSnapshot = model.state.snapshot;
    this.lastMode = model.state.mode;
    this.options.addSnapshot(model.state.snapshot);
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'dashboard-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'dashboard-dark.svg'),
    };
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    // A hidden panel's document is discarded (no retainContextWhenHidden): until the next
    // `ready`, messages would be lost, so a filter asked for meanwhile waits for it.
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
        else onVisible();
      }),
    );
    this.disposables.push(
      panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
    );
    webview.html = this.html(webview);
  }

  private html(webview: vscode.Webview): string {
    const asset = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return dashboardHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('dist', 'webview', 'main.js'),
      styleUri: asset('media', 'dashboard.css'),
      codiconUri: asset('dist', 'webview', 'codicon.css'),
    });
  }

  /** show({projectId}) on the open panel. */
  filter(projectId: string): void {
    if (this.ready) this.post({ type: 'filter', projectId });
    else this.pendingProjectId = projectId;
  }

  /** The model changed: tell the webview, and fetch again when the data behind the view changed. */
  onModelChange(state: UsageState): void {
    const changed = state.snapshot !== this.lastSnapshot || state.mode !== this.lastMode;
    this.lastSnapshot = state.snapshot;
    this.lastMode = state.mode;
    if (changed) {
      // Even while hidden: a document shown later must not get results of the old data.
      this.cache.clear();
      this.options.addSnapshot(state.snapshot);
    }
    if (!this.ready) return;
    this.postStatus();
    // Fetch again when the data changed, or when the first data arrived after the view was asked for.
    if (changed || (!this.shown && this.ui && !state.loading)) void this.load(true);
  }

  onConfigChange(): void {
    // The budget sits in the overview's cards.
    this.cache.clear();
    if (!this.ready) return;
    this.postStatus();
    if (this.ui?.tab === 'overview') void this.load(true);
  }

  /** The rows of the current view, in the order the table shows them. */
  exportable(): { table: DataTable; meta: ExportMeta; name: string } | undefined {
    const shown = this.shown;
    if (!shown || !this.ui || shown.key !== dataKey(this.ui)) return undefined;
    const snapshot = this.model.state.snapshot;
    return shownExport(shown, this.ui, snapshot?.source ?? 'api', snapshot?.projects ?? []);
  }

  private onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.log.warn(`Dashboard: ignored a malformed message from the webview: ${describe(raw)}`);
      return;
    }
    switch (msg.type) {
      case 'ready': {
        // A fresh document (first load, or shown again after being hidden: the webview is not
        // retained): it has no data, so the next `view` must be answered even if unchanged.
        this.ready = true;
        this.ui = undefined;
        this.shown = undefined;
        this.inflight?.abort();
        this.post({ type: 'init', defaultRangeDays: readSettings().defaultRangeDays, projectId: this.pendingProjectId });
        this.pendingProjectId = undefined;
        this.postStatus();
        break;
      }
      case 'view': {
        const before = this.ui ? dataKey(this.ui) : undefined;
        this.ui = msg.ui;
        if (dataKey(msg.ui) !== before) void this.load(false);
        break;
      }
      case 'retry':
        this.cache.clear();
        void this.load(true);
        break;
      case 'command':
        void vscode.commands.executeCommand(msg.command);
        break;
      case 'clientError':
        this.log.warn(`Dashboard webview: ${redact(msg.message)}`);
        break;
    }
  }

  /** Fetches what the current view needs; a newer call aborts the older one. */
  private async load(force: boolean): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    const key = dataKey(ui);
    this.inflight?.abort();
    const cached = force ? undefined : this.cache.get(key);
    if (cached) {
      this.shown = cached;
      this.postShown(cached);
      return;
    }
    const abort = new AbortController();
    this.inflight = abort;
    const state = this.model.state;
    if (state.mode === 'none') {
      this.shown = undefined;
      return; // The webview shows the "set a key / try sample data" state from the status.
    }
    this.post({ type: 'loading', key });
    try {
      const nowMs = Date.now();
      let shown: Shown;
      if (ui.tab === 'overview') {
        const snapshot = state.snapshot;
        if (!snapshot) {
          if (state.loading) return; // onModelChange loads once the first snapshot lands.
          throw new NoDataError(state.error ? state.error.message : 'No usage data yet: run Refresh.');
        }
        const data = await fetchOverview({
          ui,
          snapshot,
          // Asked for only when the range reaches outside the snapshot (it may load the network client).
          source: () => this.model.currentSource(),
          nowMs,
          budget: readSettings().monthlyBudget,
          signal: abort.signal,
        });
        shown = { kind: 'overview', key, ui, data };
      } else {
        const source = await this.model.currentSource();
        if (!source) throw new NoDataError('No data source: set an Admin key or try sample data.');
        const result = await fetchTab(ui, ui.tab, source, nowMs, state.snapshot?.currency ?? 'usd', abort.signal);
        this.options.add(result.buckets);
        shown = { kind: 'tab', key, ui, result };
      }
      if (abort.signal.aborted) return;
      this.remember(shown);
      this.shown = shown;
      this.postStatus(); // new filter options may have been seen
      this.postShown(shown);
    } catch (err) {
      if (abort.signal.aborted) return;
      const message = err instanceof ApiError || err instanceof NoDataError ? err.message : `Could not load this view: ${redact(String(err instanceof Error ? err.message : err))}`;
      const kind = err instanceof Error ? err.name : 'Error';
      this.log.warn(`Dashboard: ${ui.tab} failed: ${message}`);
      this.shown = undefined;
      this.post({ type: 'queryError', key, message, kind });
    } finally {
      if (this.inflight === abort) this.inflight = undefined;
    }
  }

  private remember(shown: Shown): void {
    this.cache.delete(shown.key);
    this.cache.set(shown.key, shown);
    while (this.cache.size > 12) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  private postShown(shown: Shown): void {
    if (shown.kind === 'overview') this.post({ type: 'overview', key: shown.key, data: shown.data });
    else {
      const r = shown.result;
      this.post({ type: 'tabData', key: shown.key, endpoint: r.endpoint, window: r.window, groupBy: r.groupBy, currency: r.currency, buckets: r.buckets });
    }
  }

  private postStatus(): void {
    const s = this.model.state;
    const settings = readSettings();
    const status: Status = {
      mode: s.mode,
      loading: s.loading,
      error: s.error ? { message: s.error.message, kind: s.error.kind } : undefined,
      staleSince: s.staleSince,
      fetchedAt: s.snapshot?.fetchedAt,
      currency: s.snapshot?.currency ?? 'usd',
      budget: settings.monthlyBudget,
      projects: (s.snapshot?.projects ?? []).map((p) => ({ id: p.id, name: p.name || p.id, archived: p.status === 'archived' })),
      options: this.options.toJSON(),
    };
    this.post({ type: 'status', status });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => {
      this.log.warn(`Dashboard: could not post ${message.type}: ${String(err)}`);
    });
  }

  dispose(): void {
    this.inflight?.abort();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the built webview and the media folder: nothing else of the extension is readable.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function describe(raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type) : typeof raw;
  return redact(type).slice(0, 80);
}

/** The export of a shown view: its table in the on-screen order, and the context to name it. */
function shownExport(
  shown: Shown,
  ui: UiState,
  source: 'api' | 'sample',
  projects: readonly Project[],
): { table: DataTable; meta: ExportMeta; name: string } {
  const exportedAt = new Date().toISOString();
  if (shown.kind === 'overview') {
    const table = overviewTable(shown.data, ui.overview.stackBy);
    const rows = sortRows(table, ui.overview.sort);
    return {
      table: { ...table, rows },
      name: `openai-usage-overview-${isoTime(shown.data.startTime).slice(0, 10)}_${isoTime(shown.data.endTime - 1).slice(0, 10)}`,
      meta: {
        view: 'overview',
        source,
        start: isoTime(shown.data.startTime),
        end: isoTime(shown.data.endTime),
        bucketWidth: '1d',
        groupBy: ui.overview.stackBy === 'project' ? 'project_id' : 'line_item',
        filters: ui.projectIds.length ? { projectIds: ui.projectIds } : undefined,
        currency: shown.data.currency,
        exportedAt,
      },
    };
  }
  const r = shown.result;
  const settings = tabSettings(ui, r.endpoint);
  const projectNames = Object.fromEntries(projects.map((p) => [p.id, p.name || p.id]));
  const table = usageTable({ endpoint: r.endpoint, buckets: r.buckets, groupBy: r.groupBy, width: r.window.width, currency: r.currency, projectNames });
  const rows = sortRows(table, settings.sort);
  const f = settings.filters;
  const filters: Record<string, unknown> = {};
  if (ui.projectIds.length) filters.projectIds = ui.projectIds;
  for (const [k, v] of Object.entries(f)) if (Array.isArray(v) ? v.length > 0 : v !== 'any') filters[k] = v;
  return {
    table: { ...table, rows },
    name: `openai-usage-${r.endpoint}-${isoTime(r.window.startTime).slice(0, 10)}_${isoTime(r.window.endTime - 1).slice(0, 10)}`,
    meta: {
      view: r.endpoint,
      source,
      start: isoTime(r.window.startTime),
      end: isoTime(r.window.endTime),
      bucketWidth: r.window.width,
      groupBy: settings.groupBy === 'none' ? undefined : settings.groupBy,
      filters: Object.keys(filters).length ? filters : undefined,
      currency: r.currency,
      exportedAt,
    },
  };
}

export class Dashboard implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private session: PanelSession | undefined;
  private readonly becameVisible = new vscode.EventEmitter<void>();
  /** Fires when the panel is opened, restored or brought back into view (the host may refresh). */
  readonly onDidBecomeVisible = this.becameVisible.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly model: UsageModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        // After a window reload: the webview restores its own UI state (getState) and asks for data.
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel): Promise<void> => {
          this.attach(panel, undefined);
        },
      }),
    );
    this.disposables.push(model.onDidChange((state) => this.session?.onModelChange(state)));
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('openaiUsage')) this.session?.onConfigChange();
      }),
    );
  }

  show(filter?: { projectId?: string }): void {
    const projectId = filter?.projectId;
    if (this.session) {
      this.session.panel.reveal(undefined, false);
      if (projectId) this.session.filter(projectId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {
      ...webviewOptions(this.context.extensionUri),
      enableFindWidget: true,
    });
    this.attach(panel, projectId);
  }

  private attach(panel: vscode.WebviewPanel, projectId: string | undefined): void {
    this.session?.panel.dispose();
    const session = new PanelSession(
      panel,
      this.context.extensionUri,
      this.model,
      this.log,
      projectId,
      () => {
        if (this.session === session) this.session = undefined;
      },
      () => this.becameVisible.fire(),
    );
    this.session = session;
    this.becameVisible.fire();
  }

  async exportView(): Promise<void> {
    let content = this.session?.exportable();
    if (!content && this.session) {
      void vscode.window.showInformationMessage('The dashboard has no data to export yet: wait for it to load, then try again.');
      return;
    }
    content ??= this.snapshotOverview();
    if (!content) {
      void vscode.window.showInformationMessage('No usage data to export yet: set an Admin key (or try sample data) and refresh.');
      return;
    }
    const format = await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: 'Comma-separated values, one row per table row', ext: 'csv' as const },
        { label: 'JSON', description: 'The rows with the range, filters and currency', ext: 'json' as const },
      ],
      { title: 'Export Usage', placeHolder: 'Export the current view as…' },
    );
    if (!format) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      title: 'Export Usage',
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(folder, `${content.name}.${format.ext}`),
      filters: format.ext === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return;
    const text = format.ext === 'csv' ? toCsv(content.table) : toJson(content.meta, content.table);
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not write ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.log.info(`Exported ${content.table.rows.length} rows of ${content.meta.view} to ${target.toString()}`);
    void vscode.window.showInformationMessage(`Exported ${content.table.rows.length} rows to ${target.fsPath}.`);
  }

  /** With no panel open: the overview (daily spend by project) of the default range, from the snapshot. */
  private snapshotOverview(): { table: DataTable; meta: ExportMeta; name: string } | undefined {
    const snapshot = this.model.state.snapshot;
    if (!snapshot) return undefined;
    const settings = readSettings();
    const ui = defaultUiState(settings.defaultRangeDays);
    const nowMs = Date.now();
    const range = resolveRange(ui.range, nowMs);
    // Never reach outside the snapshot: export must not trigger requests.
    const clipped = { start: Math.max(range.start, snapshot.rangeStart), end: Math.min(range.end, snapshot.rangeEnd) };
    const data = buildOverview({
      nowMs,
      range: clipped,
      currency: snapshot.currency,
      budget: settings.monthlyBudget,
      projectIds: [],
      projects: snapshot.projects,
      rangeCosts: snapshot.costs,
      monthCosts: snapshot.costs,
      usage: snapshot.usage,
    });
    return shownExport({ kind: 'overview', key: dataKey(ui), ui, data }, ui, snapshot.source, snapshot.projects);
  }

  dispose(): void {
    this.session?.dispose();
    this.session?.panel.dispose();
    this.session = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.becameVisible.dispose();
  }
}
