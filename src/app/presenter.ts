// The model's state as the status bar, the projects tree and its view show it. The figures are a
// pure function (`present`), unit-tested; the Presenter only hands them to the views it is given.
import * as l10n from '@vscode/l10n';
import type { Settings } from '../config';
import type { BudgetInForce } from '../report/alerts';
import { budgetInForce, budgetSourceText, projectBudgets } from '../report/budgets';
import type { ProjectBudget } from '../report/budgets';
import { partialText } from '../state';
import type { Mode, UsageState } from '../state';
import { dayStartOfMs, isoDate } from '../shared/time';
import { deriveViews, deriveViewsSliced, snapshotRows, statusFigures } from '../views/derive';
import type { DerivedViews } from '../views/derive';
import { summarizeSliced } from '../report/summary';
import type { UsageSnapshot } from '../shared/snapshot';
import type { StoredSummary } from '../usage/compactStore';
import type { TreeData } from '../views/projectsTree';
import { treeDescription } from '../views/treeText';
import type { TreeGrouping, TreeProject, TreeProjectLimit } from '../views/treeText';
import type { StatusFigures } from '../views/statusText';
import { Disposable } from './disposable';
import type { DisposableLike } from './disposable';

export interface Presentation {
  readonly status: StatusFigures | undefined;
  readonly tree: TreeData | undefined;
  /** The tree view's description (next to its title). */
  readonly description: string | undefined;
  /** The tree view's message (above its items). */
  readonly message: string | undefined;
  /** The `openaiUsage.mode` context key the manifest's `when` clauses read. */
  readonly mode: Mode;
  /** The budget in force (the organisation's hard limit, else the setting); undefined when none. */
  readonly budget: BudgetInForce | undefined;
  /** Which budget is used, in words (the tooltip's budget line says it); undefined without data. */
  readonly budgetNote: string | undefined;
  /** Each active project's hard limit and month-to-date share (the tree shows them). */
  readonly projectBudgets: readonly ProjectBudget[];
}

export function present(
  state: UsageState,
  rangeDays: number,
  nowMs: number,
  formatTime: (ms: number) => string,
  settingBudget = 0,
  grouping: TreeGrouping = 'projects',
  derive: (snapshot: UsageSnapshot, nowMs: number, rangeDays: number) => DerivedViews | undefined = deriveViews,
): Presentation {
  const snapshot = state.snapshot;
  const budget = snapshot ? budgetInForce(snapshot, settingBudget) : undefined;
  const fetchedAt = state.snapshot?.fetchedAt;
  // Data from an earlier UTC day is shown as of that day, not as an empty "today".
  const asOf = fetchedAt !== undefined && dayStartOfMs(fetchedAt) < dayStartOfMs(nowMs) ? fetchedAt : undefined;
  const views = state.snapshot ? derive(state.snapshot, asOf ?? nowMs, rangeDays) : undefined;
  return {
    status: views && asOf !== undefined ? { ...views.status, asOfDay: isoDate(dayStartOfMs(asOf)) } : views?.status,
    tree: views ? { ...views.tree, grouping, projects: withLimits(views.tree.projects, snapshot ? projectBudgets(snapshot, asOf ?? nowMs) : []) } : undefined,
    description:
      state.mode === 'sample'
        ? treeDescription(rangeDays, grouping, true)
        : views
          ? state.mode === 'team'
            ? l10n.t('team server · {0}', treeDescription(rangeDays, grouping))
            : treeDescription(rangeDays, grouping)
          : undefined,
    message:
      state.mode === 'sample'
        ? l10n.t('Sample data: a made-up organization. Set an admin key to see yours.')
        : state.staleSince !== undefined
          ? l10n.t('Stale since {0}: {1}', formatTime(state.staleSince), state.error?.message ?? l10n.t('the last refresh failed.'))
          : state.error && !state.snapshot
            ? state.error.message
            : grouping === 'apiKeys' && views?.keyNote
              ? views.keyNote
              : (partialText(state, formatTime) ??
                (state.mode === 'team' ? l10n.t("From your team's server (Connect to Team Server…): the organisation's figures, read-only.") : undefined)),
    mode: state.mode,
    budget,
    budgetNote: snapshot ? budgetSourceText(budget, snapshot.budgets?.organization) : undefined,
    projectBudgets: snapshot ? projectBudgets(snapshot, asOf ?? nowMs) : [],
  };
}

/** The summary file's content for `snapshot`: the status bar's figures as of its fetch (summed in slices). */
export async function storedSummaryOf(snapshot: UsageSnapshot, rangeDays: number): Promise<StoredSummary> {
  const figures = statusFigures(await summarizeSliced(snapshot, { nowMs: snapshot.fetchedAt, rangeDays }));
  return { version: 2, ...(snapshot.origin !== undefined ? { origin: snapshot.origin } : {}), figures };
}

/** Stored figures as of now: marked with their day when a new UTC day has begun since. */
function storedAsOf(figures: StatusFigures, nowMs: number): StatusFigures {
  return dayStartOfMs(figures.fetchedAt) < dayStartOfMs(nowMs) ? { ...figures, asOfDay: isoDate(dayStartOfMs(figures.fetchedAt)) } : figures;
}

/** What the Presenter renders into: the status bar, the tree provider, the tree view. */
export interface PresenterViews {
  readonly statusBar: { render(state: UsageState, figures: StatusFigures | undefined, settings: Settings, budgetNote?: string): void };
  readonly tree: { render(state: UsageState, data: TreeData | undefined): void };
  readonly treeView: { description?: string; message?: string };
  setContext(key: string, value: unknown): void;
}

export interface PresenterDeps {
  readonly model: {
    readonly state: UsageState;
    /** The stored summary's figures while the stored snapshot is being read (start-up). */
    readonly storedStatus?: StatusFigures | undefined;
    onDidChange(listener: () => void): DisposableLike;
  };
  /** Nothing is rendered until the key has been read once: no "no key" flash at start-up. */
  readonly mode: { readonly resolved: boolean; onDidResolve(listener: () => void): DisposableLike };
  settings(): Settings;
  now(): number;
  formatTime(ms: number): string;
}

/** Above this many rows (costs and usage) the views are derived in slices, beside the render. */
export const SLICED_ROWS = 50_000;

interface DeriveKey {
  readonly snapshot: UsageSnapshot;
  readonly rangeDays: number;
  /** The UTC day the views are as of. */
  readonly day: number;
}

const sameKey = (a: DeriveKey | undefined, b: DeriveKey): boolean => a !== undefined && a.snapshot === b.snapshot && a.rangeDays === b.rangeDays && a.day === b.day;

export class Presenter extends Disposable {
  private grouping: TreeGrouping = 'projects';
  /** The views of the last snapshot derived (kept until another snapshot, range or day). */
  private derived: (DeriveKey & { readonly views: DerivedViews }) | undefined;
  /** A sliced derivation under way (a large snapshot). */
  private deriving: (DeriveKey & { readonly abort: AbortController }) | undefined;
  /** A sliced derivation that failed: derived at once instead, so its error surfaces as before. */
  private failed: DeriveKey | undefined;

  constructor(
    private readonly views: PresenterViews,
    private readonly deps: PresenterDeps,
  ) {
    super();
    this.register(deps.model.onDidChange(() => this.render()));
    this.register(deps.mode.onDidResolve(() => this.render()));
    this.register({ dispose: () => this.deriving?.abort.abort() });
  }

  /** The tree's grouping (Group Tree By…); renders at once. */
  setGrouping(grouping: TreeGrouping): void {
    this.grouping = grouping;
    this.render();
  }

  /** Whether views are being derived in slices (a large snapshot just arrived). */
  get busy(): boolean {
    return this.deriving !== undefined;
  }

  /**
   * The views of `snapshot` as of `nowMs`: derived once per snapshot, range and UTC day. A large
   * snapshot is derived in slices that give the extension host back every few milliseconds; until
   * they are done this returns undefined and the caller shows what it had.
   */
  private viewsFor(snapshot: UsageSnapshot, nowMs: number, rangeDays: number): DerivedViews | undefined {
    const key: DeriveKey = { snapshot, rangeDays, day: dayStartOfMs(nowMs) };
    if (sameKey(this.derived, key)) return this.derived?.views;
    if (sameKey(this.deriving, key)) return undefined;
    this.deriving?.abort.abort();
    this.deriving = undefined;
    if (sameKey(this.failed, key) || snapshotRows(snapshot) < SLICED_ROWS) {
      const views = deriveViews(snapshot, nowMs, rangeDays);
      this.derived = { ...key, views };
      return views;
    }
    const abort = new AbortController();
    this.deriving = { ...key, abort };
    deriveViewsSliced(snapshot, nowMs, rangeDays, { signal: abort.signal }).then(
      (views) => {
        if (this.deriving?.abort !== abort) return;
        this.deriving = undefined;
        this.derived = { ...key, views };
        this.render();
      },
      () => {
        if (this.deriving?.abort !== abort) return;
        this.deriving = undefined;
        this.failed = key;
        this.render();
      },
    );
    return undefined;
  }

  render(): void {
    if (this.isDisposed) return;
    const stored = this.deps.model.storedStatus;
    if (!this.deps.mode.resolved) {
      // Start-up: the status bar alone, from the stored summary, marked as loading; the rest
      // waits for the mode (no "no key" flash) and the snapshot.
      if (stored) this.views.statusBar.render({ ...this.deps.model.state, loading: true }, storedAsOf(stored, this.deps.now()), this.deps.settings());
      return;
    }
    const settings = this.deps.settings();
    const model = this.deps.model.state;
    const previous = this.derived?.views;
    let pending = false;
    const derive = (snapshot: UsageSnapshot, nowMs: number, rangeDays: number): DerivedViews | undefined => {
      const views = this.viewsFor(snapshot, nowMs, rangeDays);
      if (views) return views;
      pending = true;
      return previous; // the last views shown, until the new ones are in
    };
    const p = present(model, settings.defaultRangeDays, this.deps.now(), (ms) => this.deps.formatTime(ms), settings.monthlyBudget, this.grouping, derive);
    const state = pending ? { ...model, loading: true } : model;
    // The status bar measures against the budget in force: the API's limit wins over the setting.
    const statusSettings = { ...settings, monthlyBudget: p.budget?.amount ?? 0 };
    if (!p.status && stored) this.views.statusBar.render({ ...state, loading: true }, storedAsOf(stored, this.deps.now()), statusSettings);
    else this.views.statusBar.render(state, p.status, statusSettings, p.budget ? p.budgetNote : undefined);
    this.views.tree.render(state, p.tree);
    this.views.treeView.description = p.description;
    this.views.treeView.message = p.message;
    this.views.setContext('openaiUsage.mode', p.mode);
  }
}

/** Each project's hard spend limit and month-to-date share, onto its tree row. */
function withLimits(projects: readonly TreeProject[], budgets: readonly ProjectBudget[]): TreeProject[] {
  const byId = new Map(budgets.map((b) => [b.projectId, b]));
  return projects.map((p) => {
    const b = byId.get(p.id);
    if (!b) return p;
    const limit: TreeProjectLimit = {
      reading: b.reading,
      currency: b.currency,
      enforcing: b.enforcing,
      monthToDate: b.monthToDate,
      ...(b.limit === undefined ? {} : { amount: b.limit }),
      ...(b.percent === undefined ? {} : { percent: b.percent }),
    };
    return { ...p, limit };
  });
}
