// The dashboard panel's host side: creates or restores the webview panel, answers the webview's
// messages (validated with zod before use), runs the endpoint tabs' queries (cancelling the
// previous one), and exports what the current view shows.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { readSettings } from '../config';
import type { HostMessage, Status, UiState } from '../shared/protocol';
import type { UsageModel, UsageState } from '../state';
import type { UsageSnapshot } from '../shared/snapshot';
import { ASSETS, dashboardHtml, makeNonce, resourceRoots } from './html';
import { FilterOptionSets, NoDataError, fetchIdOptions, fetchOverview, fetchTab, idOptionDimensions } from '../queries/fetch';
import { toCsv, toJson } from '../report/exportFormat';
import { shownExport, snapshotOverviewExport } from '../report/export';
import { describeError, nothingToExportMessage } from '../userText';
import { redact } from '../api/errors';
import type { ExportContent, Shown } from '../report/export';
import { handleWebviewMessage } from './messages';
import { dataKey, defaultUiState } from '../shared/uiState';

export const PANEL_VIEW_TYPE = 'openaiUsage.panel';
const TITLE = 'OpenAI Usage';

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
  /** Ranges and tabs whose API key and user lists were already asked for (see fetchIdOptions). */
  private readonly prefetched = new Set<string>();
  private readonly prefetches = new Set<AbortController>();
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
    this.options.follow(model.state.mode, model.state.snapshot);
    this.options.addSnapshot(model.state.snapshot);
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, ...ASSETS.iconLight),
      dark: vscode.Uri.joinPath(extensionUri, ...ASSETS.iconDark),
    };
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) =>
        handleWebviewMessage(
          m,
          {
            ready: () => this.onReady(),
            view: (ui) => this.onView(ui),
            retry: () => {
              this.cache.clear();
              void this.load(true);
            },
            command: (command) => void vscode.commands.executeCommand(command),
          },
          this.log,
        ),
      ),
    );
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
      scriptUri: asset(...ASSETS.script),
      styleUri: asset(...ASSETS.style),
      codiconUri: asset(...ASSETS.codicon),
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
    if (this.options.follow(state.mode, state.snapshot)) {
      // Another organisation (sample ↔ key, another key or host): its lists start afresh.
      for (const p of this.prefetches) p.abort();
      this.prefetched.clear();
    }
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

  /** The choices the webview last reported (undefined before its first `view`). */
  currentUi(): UiState | undefined {
    return this.ui;
  }

  /** The rows of the current view, in the order the table shows them. */
  exportable(): ExportContent | undefined {
    const shown = this.shown;
    if (!shown || !this.ui || shown.key !== dataKey(this.ui)) return undefined;
    const snapshot = this.model.state.snapshot;
    return shownExport(shown, this.ui, snapshot?.source ?? 'api', snapshot?.projects ?? []);
  }

  private onReady(): void {
    // A fresh document (first load, or shown again after being hidden: the webview is not
    // retained): it has no data, so the next `view` must be answered even if unchanged.
    this.ready = true;
    this.ui = undefined;
    this.shown = undefined;
    this.inflight?.abort();
    this.post({ type: 'init', defaultRangeDays: readSettings().defaultRangeDays, projectId: this.pendingProjectId });
    this.pendingProjectId = undefined;
    this.postStatus();
  }

  private onView(ui: UiState): void {
    const before = this.ui ? dataKey(this.ui) : undefined;
    this.ui = ui;
    if (dataKey(ui) !== before) void this.load(false);
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
    if (ui.tab !== 'overview') this.prefetchIdOptions(ui);
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
      const { message, kind } = err instanceof NoDataError ? { message: err.message, kind: 'no_data' as const } : describeError(err);
      this.log.warn(`Dashboard: ${ui.tab} failed: ${message}`);
      this.shown = undefined;
      this.post({ type: 'queryError', key, message, kind });
    } finally {
      if (this.inflight === abort) this.inflight = undefined;
    }
  }

  /**
   * Fills the API key and user filters of an endpoint tab ahead of time: one grouped query in the
   * background per tab and range, never in the way of the view's own query (failures only logged).
   */
  private prefetchIdOptions(ui: UiState): void {
    const tab = ui.tab;
    if (tab === 'overview' || idOptionDimensions(tab).length === 0) return;
    const key = `${tab}|${JSON.stringify(ui.range)}`;
    if (this.prefetched.has(key)) return;
    this.prefetched.add(key);
    const abort = new AbortController();
    this.prefetches.add(abort);
    void (async (): Promise<void> => {
      try {
        const source = await this.model.currentSource();
        if (!source || abort.signal.aborted) return;
        const buckets = await fetchIdOptions(ui, tab, source, Date.now(), abort.signal);
        if (abort.signal.aborted) return;
        this.options.add(buckets);
        if (this.ready) this.postStatus();
      } catch (err) {
        if (abort.signal.aborted) return;
        this.prefetched.delete(key); // try again next time the tab opens
        this.log.info(`Dashboard: could not list the API keys and users of ${tab}: ${redact(err instanceof Error ? err.message : String(err))}`);
      } finally {
        this.prefetches.delete(abort);
      }
    })();
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
    for (const p of this.prefetches) p.abort();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the built webview and the media folder: nothing else of the extension is readable.
    localResourceRoots: resourceRoots((...segments) => vscode.Uri.joinPath(extensionUri, ...segments)),
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
    // What the panel shows; else (no panel, or it shows nothing yet or an error) the snapshot's overview.
    let content = this.session?.exportable();
    const snapshot = this.model.state.snapshot;
    if (!content && snapshot) {
      const settings = readSettings();
      content = snapshotOverviewExport(snapshot, this.session?.currentUi() ?? defaultUiState(settings.defaultRangeDays), Date.now(), settings.monthlyBudget);
    }
    if (!content) {
      const state = this.model.state;
      const message = nothingToExportMessage(state);
      if (state.error) void vscode.window.showWarningMessage(message);
      else void vscode.window.showInformationMessage(message);
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

  dispose(): void {
    this.session?.dispose();
    this.session?.panel.dispose();
    this.session = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.becameVisible.dispose();
  }
}
