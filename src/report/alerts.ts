// Which budget is in force, and which spend alerts are due (issue "Spend awareness"). Pure: the
// host keeps the ids of alerts already shown (across reloads and windows) and shows the rest.

/** A hard spend limit as the API reports it: the amount in cents. */
export interface ApiSpendLimit {
  readonly thresholdCents: number;
  readonly currency: string;
  readonly enforcing: boolean;
}

/** What is known of the organisation's spend limit: none set, one set, or not readable with this key. */
export type SpendLimitState = { readonly kind: 'none' } | { readonly kind: 'set'; readonly limit: ApiSpendLimit } | { readonly kind: 'unreadable' } | { readonly kind: 'unknown' };

export interface BudgetInForce {
  /** In the currency's units (dollars, not cents). */
  readonly amount: number;
  readonly currency: string;
  /** 'spendLimit': the organisation's hard limit from the API; 'setting': openaiUsage.monthlyBudget. */
  readonly source: 'spendLimit' | 'setting';
  /** Only for a spend limit: whether the API enforces it (stops requests past it). */
  readonly enforcing?: boolean;
}

/**
 * The budget the UI measures against: the organisation's spend limit when the API has one in the
 * shown currency; otherwise the personal budget of the setting (0 = none); undefined when neither.
 */
export function resolveBudget(limit: SpendLimitState, settingAmount: number, currency: string): BudgetInForce | undefined {
  if (limit.kind === 'set' && limit.limit.thresholdCents > 0 && limit.limit.currency === currency) {
    return { amount: limit.limit.thresholdCents / 100, currency, source: 'spendLimit', enforcing: limit.limit.enforcing };
  }
  if (settingAmount > 0 && Number.isFinite(settingAmount)) return { amount: settingAmount, currency, source: 'setting' };
  return undefined;
}

export type AlertKind = 'warning' | 'exceeded' | 'forecast' | 'spike';

export interface AlertInput {
  /** Tells organisations apart (the data origin fingerprint, or 'sample'). */
  readonly origin: string;
  readonly nowMs: number;
  readonly budget: BudgetInForce | undefined;
  /** openaiUsage.budgetWarningPercent. */
  readonly warningPercent: number;
  /** openaiUsage.alerts.spikeFactor. */
  readonly spikeFactor: number;
  /** Month-to-date spend including today's estimate (billed + not yet billed). */
  readonly monthToDate: number;
  readonly forecastMonthEnd: number | undefined;
  /** Today's spend including its estimate. */
  readonly today: number;
  /** Spend of the 14 UTC days before today (any order; missing days count as 0 if given as 0). */
  readonly recentDays: readonly number[];
}

export interface DueAlert {
  /** The de-duplication key: at most one alert per id, ever. */
  readonly id: string;
  readonly kind: AlertKind;
  /** The figures the message is made of (the host words it). */
  readonly percent?: number;
  readonly amount: number;
  readonly threshold: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 ? (s[(n - 1) / 2] ?? 0) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
}

/** The UTC month ("2026-12") and day ("2026-12-02") of an instant. */
function utcMonth(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 7);
}
function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/**
 * The alerts due now that were not shown before (`shown` holds their ids): the warning percent and
 * 100 % of the budget crossed by month-to-date spend (each once per month), the month-end forecast
 * first passing the budget (once per month), and today being a spike against the median of the
 * last 14 days (once per day). Ids carry the organisation, so another organisation alerts anew.
 */
export function dueAlerts(input: AlertInput, shown: ReadonlySet<string>): DueAlert[] {
  const due: DueAlert[] = [];
  const month = utcMonth(input.nowMs);
  const add = (a: DueAlert): void => {
    if (!shown.has(a.id)) due.push(a);
  };
  const b = input.budget;
  if (b && b.amount > 0) {
    const percent = (input.monthToDate / b.amount) * 100;
    if (percent >= 100) {
      add({ id: `${input.origin}|${month}|exceeded|${b.amount}`, kind: 'exceeded', percent, amount: input.monthToDate, threshold: b.amount });
    } else if (percent >= input.warningPercent) {
      add({ id: `${input.origin}|${month}|warning${input.warningPercent}|${b.amount}`, kind: 'warning', percent, amount: input.monthToDate, threshold: b.amount });
    } else if (input.forecastMonthEnd !== undefined && input.forecastMonthEnd > b.amount) {
      add({ id: `${input.origin}|${month}|forecast|${b.amount}`, kind: 'forecast', amount: input.forecastMonthEnd, threshold: b.amount });
    }
  }
  const typical = median(input.recentDays);
  if (input.spikeFactor > 0 && typical > 0 && input.today > input.spikeFactor * typical) {
    add({ id: `${input.origin}|${utcDay(input.nowMs)}|spike`, kind: 'spike', amount: input.today, threshold: input.spikeFactor * typical });
  }
  return due;
}

/** Ids worth keeping: those of this month and the month before (older ones can never be due again). */
export function pruneShown(ids: readonly string[], nowMs: number): string[] {
  const month = utcMonth(nowMs);
  const d = new Date(nowMs);
  const previous = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  return ids.filter((id) => id.includes(`|${month}`) || id.includes(`|${previous}`));
}
