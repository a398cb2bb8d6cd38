// The dashboard panel's host side: the webview's lifecycle (create, restore, the ready handshake
// every post awaits), its messages (validated with zod before use), and Export. The data comes
// from the QueryService beside the model; this file fetches nothing itself.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../app/disposable';
import { ReadyGate } from '../app/readyGate';
import { readSettings } from '../config';
import type { Log } from '../log';
import type { HostMessage, Status, UiState } from '../shared/protocol';
import { budgetInForce, budgetSourceText, projectBudgets } from '../report/budgets';
import type { UsageReader } from '../state';
import { ASSETS, dashboardHtml, makeNonce, resourceRoots } from './html';
import { NoDataError } from '../queries/fetch';
import type { DataChange, QueryService } from '../queries/service';
import { toCsv, toJson } from '../report/exportFormat';
import { shownExport, snapshotOverviewExport } from '../report/export';
import { describeError, nothingToExportMessage } from '../userText';
import type { ExportContent, Shown } from '../report/export';
import { handleWebviewMessage } from './messages';
import { nameTable } from '../report/attribution';
import { dataKey, defaultUiState } from '../shared/uiState';

const PANEL_VIEW_TYPE = 'openaiUsage.panel';

/** One open panel: its webview, the UI state the webview reported, what it shows. */
class PanelSession extends Disposable {
  /** Open from the document's `ready` until it is discarded (hidden: the webview is not retained). */
  private readonly gate = new ReadyGate();
  private ui: UiState | undefined;
  private pendingProjectId: string | undefined;
  private shown: Shown | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly model: UsageReader,
    private readonly queries: QueryService,
    private readonly log: Log,
    projectId: string | undefined,
    onDispose: () => void,
    onVisible: () => void,
  ) {
    super();
    this.pendingProjectId = projectId;
    this.register(toDisposable(() => this.gate.close()));
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, ...ASSETS.iconLight),
      dark: vscode.Uri.joinPath(extensionUri, ...ASSETS.iconDark),
    };
    this.register(
      webview.onDidReceiveMessage((m: unknown) =>
        handleWebviewMessage(
          m,
          {
            ready: () => this.onReady(),
            view: (ui) => this.onView(ui),
            retry: () => {
              this.queries.invalidate();
              void this.load(true);
            },
            command: (command) => void vscode.commands.executeCommand(command),
          },
          this.log,
        ),
      ),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        if (panel.visible) return onVisible();
        // The document is discarded: posts wait for the next `ready`, and its query is moot.
        this.gate.reset();
        this.queries.cancel();
      }),
    );
    this.register(this.queries.onDidChangeData((change) => this.onDataChange(change)));
    this.register(this.queries.onDidChangeOptions(() => this.postStatus()));
    this.register(
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
      // The webview's words and number formats are the host's: its bundle (none in English) and language.
      locale: vscode.env.language,
      l10nBundle: vscode.l10n.bundle,
      title: vscode.l10n.t('OpenAI Usage'),
      loadingText: vscode.l10n.t('Loading the OpenAI usage dashboard…'),
    });
  }

  /** show({projectId}) on the open panel (sent once its document is ready). */
  filter(projectId: string): void {
    this.post({ type: 'filter', projectId });
  }

  /** The model's data changed: tell the webview, and fetch again when the data behind the view changed. */
  private onDataChange({ state, changed }: DataChange): void {
    // A discarded document gets the status and asks for its view again when it is ready.
    if (!this.gate.isOpen) return;
    this.postStatus();
    // Fetch again when the data changed, or when the first data arrived after the view was asked for.
    if (changed || (!this.shown && this.ui && !state.loading)) void this.load(true);
  }

  onSettingsChange(): void {
    if (!this.gate.isOpen) return;
    this.postStatus();
    // The budget sits in the overview's cards.
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
    return shownExport(shown, this.ui, snapshot?.source ?? 'api', snapshot?.projects ?? [], undefined, nameTable(snapshot?.projects ?? [], snapshot?.names));
  }

  private onReady(): void {
    // A fresh document (first load, or shown again after being hidden: the webview is not
    // retained): it has no data, so the next `view` must be answered even if unchanged.
    this.ui = undefined;
    this.shown = undefined;
    this.queries.cancel();
    // These two go first, ahead of anything posted while the document was not ready.
    this.send({ type: 'init', defaultRangeDays: readSettings().defaultRangeDays, projectId: this.pendingProjectId });
    this.pendingProjectId = undefined;
    this.send(this.status());
    this.gate.open();
  }

  private onView(ui: UiState): void {
    const before = this.ui ? dataKey(this.ui) : undefined;
    this.ui = ui;
    if (dataKey(ui) !== before) void this.load(false);
  }

  /** Asks for what the current view needs (a newer call cancels the older one) and posts it. */
  private async load(force: boolean): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    const outcome = await this.queries.query(ui, { force, onFetch: (key) => this.post({ type: 'loading', key }) });
    switch (outcome.status) {
      case 'shown':
        this.shown = outcome.shown;
        if (!outcome.cached) this.postStatus(); // new filter options may have been seen
        this.postShown(outcome.shown);
        return;
      case 'none':
        this.shown = undefined; // The webview shows the "set a key / try sample data" state from the status.
        return;
      case 'waiting': // onDataChange loads once the first snapshot lands.
      case 'cancelled':
        return;
      case 'failed': {
        const err = outcome.error;
        const { message, kind } = err instanceof NoDataError ? { message: err.message, kind: 'no_data' as const } : describeError(err);
        this.log.warn(`Dashboard: ${ui.tab} failed: ${message}`);
        this.shown = undefined;
        this.post({ type: 'queryError', key: outcome.key, message, kind });
        return;
      }
    }
  }

  private postShown(shown: Shown): void {
    if (shown.kind === 'overview') this.post({ type: 'overview', key: shown.key, data: shown.data });
    else if (shown.kind === 'attribution') this.post({ type: 'attribution', key: shown.key, data: shown.data });
    else {
      const r = shown.result;
      this.post({ type: 'tabData', key: shown.key, endpoint: r.endpoint, window: r.window, groupBy: r.groupBy, currency: r.currency, buckets: r.buckets, mix: r.mix });
    }
  }

  /** Built when sent, so a status that waited for `ready` is not out of date. */
  private postStatus(): void {
    this.post(() => this.status());
  }

  private status(): HostMessage {
    const s = this.model.state;
    const settings = readSettings();
    const budget = budgetInForce(s.snapshot, settings.monthlyBudget);
    const status: Status = {
      mode: s.mode,
      loading: s.loading,
      error: s.error ? { message: s.error.message, kind: s.error.kind } : undefined,
      staleSince: s.staleSince,
      partial: s.snapshot?.partial?.map((f) => ({ endpoint: f.endpoint, code: f.code, message: f.message, since: f.since })),
      fetchedAt: s.snapshot?.fetchedAt,
      currency: s.snapshot?.currency ?? 'usd',
      budget: budget?.amount ?? 0,
      budgetSource: budget?.source,
      budgetEnforcing: budget?.enforcing,
      spendLimit: s.snapshot?.budgets?.organization.kind,
      budgetNote: s.snapshot ? budgetSourceText(budget, s.snapshot.budgets?.organization) : undefined,
      projectBudgets: s.snapshot?.budgets
        ? projectBudgets(s.snapshot, Date.now()).map((b) => ({
            projectId: b.projectId,
            name: b.name,
            limit: b.limit,
            currency: b.currency,
            enforcing: b.enforcing,
            reading: b.reading,
            monthToDate: b.monthToDate,
            percent: b.percent,
          }))
        : undefined,
      projects: (s.snapshot?.projects ?? []).map((p) => ({ id: p.id, name: p.name || p.id, archived: p.status === 'archived' })),
      options: this.queries.filterOptions(),
      // Names for key and user IDs in every table and legend (projects are above).
      names: s.snapshot ? nameTable(s.snapshot.projects, s.snapshot.names) : undefined,
    };
    return { type: 'status', status };
  }

  /** Sends once the document is ready; dropped if the panel closes first. */
  private post(message: HostMessage | (() => HostMessage)): void {
    void this.gate.wait().then((ready) => {
      if (ready) this.send(typeof message === 'function' ? message() : message);
    });
  }

  private send(message: HostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => {
      this.log.warn(`Dashboard: could not post ${message.type}: ${String(err)}`);
    });
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

export class Dashboard extends Disposable {
  private session: PanelSession | undefined;
  private readonly becameVisible = this.register(new vscode.EventEmitter<void>());
  /** Fires when the panel is opened, restored or brought back into view (the host may refresh). */
  readonly onDidBecomeVisible = this.becameVisible.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: UsageReader,
    private readonly queries: QueryService,
    private readonly log: Log,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        // After a window reload: the webview restores its own UI state (getState) and asks for data.
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel): Promise<void> => {
          this.attach(panel, undefined);
        },
      }),
    );
    this.register(
      toDisposable(() => {
        const session = this.session;
        this.session = undefined;
        session?.dispose();
        session?.panel.dispose();
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
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, vscode.l10n.t('OpenAI Usage'), vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      enableFindWidget: true,
    });
    this.attach(panel, projectId);
  }

  /** A setting changed (the budget, the range…): the panel re-renders and refetches the overview. */
  onSettingsChange(): void {
    // The budget sits in the overview's cards: those kept are out of date, even with no panel open.
    this.queries.invalidate();
    this.session?.onSettingsChange();
  }

  private attach(panel: vscode.WebviewPanel, projectId: string | undefined): void {
    this.session?.panel.dispose();
    // A new panel starts afresh, as if nothing had been asked before.
    this.queries.reset();
    const session = new PanelSession(
      panel,
      this.extensionUri,
      this.model,
      this.queries,
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
        { label: 'CSV', description: vscode.l10n.t('Comma-separated values, one row per table row'), ext: 'csv' as const },
        { label: 'JSON', description: vscode.l10n.t('The rows with the range, filters and currency'), ext: 'json' as const },
      ],
      { title: vscode.l10n.t('Export Usage'), placeHolder: vscode.l10n.t('Export the current view as…') },
    );
    if (!format) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Usage'),
      saveLabel: vscode.l10n.t('Export'),
      defaultUri: vscode.Uri.joinPath(folder, `${content.name}.${format.ext}`),
      filters: format.ext === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return;
    const text = format.ext === 'csv' ? toCsv(content.table) : toJson(content.meta, content.table);
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not write {0}: {1}', target.fsPath, err instanceof Error ? err.message : String(err)));
      return;
    }
    this.log.info(`Exported ${content.table.rows.length} rows of ${content.meta.view} to ${target.toString()}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} rows to {1}.', content.table.rows.length, target.fsPath));
  }
}
