// Spend alerts (issue "Spend awareness"): after each refresh, a notification when month-to-date
// spend (today's estimate included) crosses the warning percent or 100 % of the budget in force,
// when the month-end forecast first passes it, and when today is a spike. Each at most once per
// threshold and month (spikes: per day) per organisation: the ids shown are kept in globalState,
// which every window of the machine shares, so a reload or a second window does not show it again.
// No vscode: the store, the settings and the notification are small interfaces, unit-tested.
import * as l10n from '@vscode/l10n';
import { dueAlerts, pruneShown } from '../report/alerts';
import type { BudgetInForce, DueAlert } from '../report/alerts';
import { budgetInForce, spendFiguresSliced } from '../report/budgets';
import type { UsageState } from '../state';
import { dayStartOfMs } from '../shared/time';
import { Disposable } from './disposable';
import type { DisposableLike } from './disposable';

/** The globalState key of the ids of alerts already shown (this month's and last month's). */
export const SHOWN_ALERTS_KEY = 'openaiUsage.alerts.shown';

/** The notification's two actions, in the display language. */
export function showUsageAction(): string {
  return l10n.t('Show Usage');
}
export function dontShowAgainAction(): string {
  return l10n.t("Don't Show Again");
}

export interface AlertSettings {
  readonly alertsEnabled: boolean;
  readonly spikeFactor: number;
  readonly budgetWarningPercent: number;
  readonly monthlyBudget: number;
}

export interface AlertNotifierDeps {
  readonly model: { readonly state: UsageState; onDidChange(listener: () => void): DisposableLike };
  /** globalState (a vscode.Memento fits): shared by the windows of this machine. */
  readonly store: { get(key: string): unknown; update(key: string, value: unknown): PromiseLike<void> };
  settings(): AlertSettings;
  now(): number;
  formatMoney(amount: number, currency: string): string;
  /** Shows one notification (a warning: it is about money); resolves to the action chosen, if any. */
  notify(message: string, actions: readonly string[]): PromiseLike<string | undefined>;
  /** "Show Usage": opens the dashboard. */
  showUsage(): void;
  /** "Don't Show Again": turns `openaiUsage.alerts.enabled` off (a user setting, so it can be turned back on). */
  disableAlerts(): PromiseLike<void>;
  log?(message: string): void;
}

function storedIds(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The notification's words for a due alert. */
export function alertMessage(alert: DueAlert, budget: BudgetInForce | undefined, money: (amount: number) => string): string {
  const limit = budget?.source === 'spendLimit';
  const amount = money(alert.amount);
  const threshold = money(alert.threshold);
  switch (alert.kind) {
    case 'exceeded':
      return limit
        ? l10n.t("OpenAI spend this month, {0}, is over the organization's hard spend limit of {1} (today's not-yet-billed spend estimated).", amount, threshold)
        : l10n.t("OpenAI spend this month, {0}, is over your monthly budget (setting) of {1} (today's not-yet-billed spend estimated).", amount, threshold);
    case 'warning': {
      const percent = Math.floor(alert.percent ?? 0);
      return limit
        ? l10n.t("OpenAI spend this month has reached {0} % of the organization's hard spend limit: {1} of {2} (today's not-yet-billed spend estimated).", percent, amount, threshold)
        : l10n.t("OpenAI spend this month has reached {0} % of your monthly budget (setting): {1} of {2} (today's not-yet-billed spend estimated).", percent, amount, threshold);
    }
    case 'forecast':
      return limit
        ? l10n.t("At this pace OpenAI spend reaches about {0} by the end of the month, over the organization's hard spend limit of {1}.", amount, threshold)
        : l10n.t('At this pace OpenAI spend reaches about {0} by the end of the month, over your monthly budget (setting) of {1}.', amount, threshold);
    case 'spike':
      return l10n.t("Today's OpenAI spend, about {0} (today's not-yet-billed spend estimated), is a spike: more than {1}, the alert factor times a typical day of the last 14.", amount, threshold);
  }
}

export class AlertNotifier extends Disposable {
  /** The snapshot last looked at (origin and fetch time): each is checked once. */
  private checked: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AlertNotifierDeps) {
    super();
    this.register(deps.model.onDidChange(() => this.check()));
  }

  /** Checks the model's data (when there is news) and shows what is due; resolves once recorded. */
  check(): Promise<void> {
    this.queue = this.queue.then(() => this.run()).catch((e: unknown) => this.deps.log?.(`Spend alerts: ${String(e)}`));
    return this.queue;
  }

  private async run(): Promise<void> {
    if (this.isDisposed) return;
    const state = this.deps.model.state;
    const snapshot = state.snapshot;
    const settings = this.deps.settings();
    // Sample data is a made-up organisation: alerting on it would only be noise.
    if (!settings.alertsEnabled || state.mode !== 'api' || !snapshot || state.loading) return;
    const nowMs = this.deps.now();
    // Only data of today: a snapshot kept from an earlier day says nothing about this month's pace.
    if (dayStartOfMs(snapshot.fetchedAt) !== dayStartOfMs(nowMs)) return;
    const mark = `${snapshot.origin ?? ''}|${snapshot.fetchedAt}`;
    if (mark === this.checked) return;
    this.checked = mark;

    // In slices: a large organisation's figures never hold the extension host for long.
    const figures = await spendFiguresSliced(snapshot, snapshot.fetchedAt);
    if (this.isDisposed) return;
    // Until the limits were read the budget in force is not known: only the spike can be judged.
    const budget = snapshot.budgets ? budgetInForce(snapshot, settings.monthlyBudget) : undefined;
    const shown = storedIds(this.deps.store.get(SHOWN_ALERTS_KEY));
    const due = dueAlerts(
      {
        origin: snapshot.origin ?? 'api',
        nowMs: snapshot.fetchedAt,
        budget,
        warningPercent: settings.budgetWarningPercent,
        spikeFactor: settings.spikeFactor,
        monthToDate: figures.monthToDate,
        forecastMonthEnd: figures.forecastMonthEnd,
        today: figures.today,
        recentDays: figures.recentDays,
      },
      new Set(shown),
    );
    if (due.length === 0) return;
    // Recorded before shown: another window reading the store after this sees them as shown
    // (best effort: two windows checking at the very same moment may both show one).
    await this.deps.store.update(SHOWN_ALERTS_KEY, pruneShown([...shown, ...due.map((a) => a.id)], nowMs));
    const money = (amount: number): string => this.deps.formatMoney(amount, snapshot.currency);
    const showUsage = showUsageAction();
    const dontShowAgain = dontShowAgainAction();
    for (const alert of due) {
      void Promise.resolve(this.deps.notify(alertMessage(alert, budget, money), [showUsage, dontShowAgain])).then((choice) => {
        if (choice === showUsage) this.deps.showUsage();
        else if (choice === dontShowAgain) void this.deps.disableAlerts();
      });
    }
  }
}
