// "Set Spend Limit…" and "Manage Spend Alerts…" (issue "Spend awareness"): the organisation's or
// a project's hard limit and spend alerts, changed through the API after a confirmation that shows
// the amount in dollars and the scope. A failed write changes nothing locally and says why; a
// successful one refreshes. No vscode: the prompts are a small interface, so every flow is
// unit-tested against the sample organisation or the fake server.
import { isApiError } from '../api/errors';
import { centsToDollars, dollarsToCents } from '../shared/endpoints';
import type { BudgetScope, SpendAlert } from '../shared/endpoints';
import { formatMoney } from '../shared/format';
import type { UsageSnapshot, SpendLimitReading } from '../shared/snapshot';
import type { UsageSource } from '../usage/source';

/** The largest amount accepted: a typo guard (ten million dollars a month). */
export const MAX_DOLLARS = 10_000_000;

export const dollars = (cents: number): string => formatMoney(centsToDollars(cents), 'usd');

/**
 * Dollars as a person types them ("1234", "1,234.50", "$1 234"), as whole cents; undefined when
 * it is not a positive amount of at most two decimals up to MAX_DOLLARS.
 */
export function parseDollars(text: string): number | undefined {
  const t = text.trim().replace(/^\$/, '').replace(/[,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  const value = Number(t);
  if (!(value > 0) || value > MAX_DOLLARS) return undefined;
  return dollarsToCents(value);
}

export const AMOUNT_HINT = `Enter an amount in dollars above 0, like 500 or 1,250.50 (at most ${formatMoney(MAX_DOLLARS, 'usd')}).`;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** Comma- or space-separated e-mail addresses; undefined when empty or one is not an address. */
export function parseRecipients(text: string): string[] | undefined {
  const list = text.split(/[\s,;]+/).filter((s) => s.length > 0);
  if (list.length === 0 || list.length > 50 || !list.every((s) => EMAIL.test(s))) return undefined;
  return [...new Set(list)];
}

export interface ScopeChoice {
  readonly scope: BudgetScope;
  /** "the organization" or `project “Name”`, as the confirmations say it. */
  readonly name: string;
  readonly label: string;
  readonly description: string | undefined;
}

function limitText(reading: SpendLimitReading | undefined): string | undefined {
  if (!reading) return undefined;
  if (reading.kind === 'none') return 'no limit';
  if (reading.kind === 'unreadable') return 'limit not readable with this key';
  return `${dollars(reading.limit.thresholdCents)} a month${reading.limit.enforcing ? '' : ', not enforced'}`;
}

/** The organisation, then each active project of the snapshot by name, with its limit when known. */
export function scopeChoices(snapshot: UsageSnapshot | undefined): ScopeChoice[] {
  const budgets = snapshot?.budgets;
  const org: ScopeChoice = { scope: {}, name: 'the organization', label: 'Organization', description: limitText(budgets?.organization) };
  const projects = (snapshot?.projects ?? [])
    .filter((p) => p.status !== 'archived')
    .map((p): ScopeChoice => ({
      scope: { projectId: p.id },
      name: `project “${p.name || p.id}”`,
      label: p.name || p.id,
      description: [p.name ? p.id : undefined, limitText(budgets?.projects[p.id])].filter((s) => s !== undefined).join(' · ') || undefined,
    }));
  return [org, ...projects];
}

/** "the organization's hard spend limit" or "the hard spend limit of project “Name”". */
function thing(choice: ScopeChoice, what: string): string {
  return choice.scope.projectId === undefined ? `the organization's ${what}` : `the ${what} of ${choice.name}`;
}

export function confirmSetLimit(choice: ScopeChoice, cents: number): string {
  return `Set ${thing(choice, 'hard spend limit')} to ${dollars(cents)} a month?`;
}

export function confirmRemoveLimit(choice: ScopeChoice, cents: number | undefined): string {
  return `Remove ${thing(choice, 'hard spend limit')}${cents === undefined ? '' : ` of ${dollars(cents)} a month`}?`;
}

export function confirmCreateAlert(choice: ScopeChoice, cents: number, recipients: readonly string[]): string {
  return `Create a spend alert for ${choice.name} at ${dollars(cents)} a month, e-mailing ${recipients.join(', ')}?`;
}

export function confirmUpdateAlert(choice: ScopeChoice, before: SpendAlert, cents: number, recipients: readonly string[]): string {
  return `Change ${thing(choice, 'spend alert')} from ${dollars(before.thresholdCents)} to ${dollars(cents)} a month, e-mailing ${recipients.join(', ')}?`;
}

export function confirmDeleteAlert(choice: ScopeChoice, alert: SpendAlert): string {
  return `Remove ${thing(choice, 'spend alert')} at ${dollars(alert.thresholdCents)} a month?`;
}

/** Why a write failed, and that nothing changed. */
export function writeFailureMessage(what: string, error: unknown, describe: (error: unknown) => string): string {
  if (isApiError(error) && (error.code === 'permission' || error.code === 'auth')) {
    return `Could not ${what}: this key may not change spend limits or alerts (${error.status ?? 403}); an Admin key of an organization Owner is needed. Nothing was changed.`;
  }
  return `Could not ${what}: ${describe(error)} Nothing was changed.`;
}

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

/** The prompts a flow uses (VS Code's quick pick, input box and modal message fit). */
export interface SpendUi {
  pick<T>(title: string, items: readonly PickItem<T>[]): PromiseLike<T | undefined>;
  input(options: { title: string; prompt: string; value?: string; placeHolder?: string; validate(value: string): string | undefined }): PromiseLike<string | undefined>;
  /** A modal confirmation; true only when `action` was chosen. */
  confirm(message: string, action: string): PromiseLike<boolean>;
  /** Runs a write under a progress indicator. */
  progress<T>(title: string, task: () => Promise<T>): PromiseLike<T>;
  info(message: string): void;
  error(message: string): void;
}

export interface SpendFlowDeps {
  readonly ui: SpendUi;
  source(): Promise<UsageSource | undefined>;
  snapshot(): UsageSnapshot | undefined;
  /** After a successful write: fetch again so every view shows it. */
  refresh(): PromiseLike<void>;
  describeError(error: unknown): string;
}

export type FlowOutcome = 'cancelled' | 'unavailable' | 'failed' | 'done';

async function pickScope(deps: SpendFlowDeps, title: string): Promise<ScopeChoice | undefined> {
  const choices = scopeChoices(deps.snapshot());
  return deps.ui.pick(title, choices.map((c) => ({ label: c.label, description: c.description, value: c })));
}

async function write(deps: SpendFlowDeps, what: string, done: string, task: () => Promise<unknown>): Promise<FlowOutcome> {
  try {
    await deps.ui.progress(`${what[0]?.toUpperCase() ?? ''}${what.slice(1)}…`, task);
  } catch (error) {
    deps.ui.error(writeFailureMessage(what, error, deps.describeError));
    return 'failed';
  }
  deps.ui.info(done);
  await deps.refresh();
  return 'done';
}

/** Set Spend Limit…: scope, then set, change or remove the limit. */
export async function setSpendLimitFlow(deps: SpendFlowDeps): Promise<FlowOutcome> {
  const source = await deps.source();
  if (!source?.getSpendLimit || !source.setSpendLimit || !source.deleteSpendLimit) {
    deps.ui.error('Set an admin key first (or try sample data): spend limits are read and changed through the API.');
    return 'unavailable';
  }
  const choice = await pickScope(deps, 'Set Spend Limit: for the organization or a project?');
  if (!choice) return 'cancelled';
  let current: number | undefined;
  try {
    current = (await source.getSpendLimit(choice.scope))?.thresholdCents;
  } catch {
    // Not readable: the limit can still be set; the prompt just has no current value.
    current = undefined;
  }
  if (current !== undefined) {
    const action = await deps.ui.pick(`The hard spend limit of ${choice.name} is ${dollars(current)} a month`, [
      { label: 'Change the limit…', value: 'change' as const },
      { label: 'Remove the limit', value: 'remove' as const },
    ]);
    if (!action) return 'cancelled';
    if (action === 'remove') {
      if (!(await deps.ui.confirm(confirmRemoveLimit(choice, current), 'Remove Limit'))) return 'cancelled';
      const remove = source.deleteSpendLimit.bind(source);
      return write(deps, `remove the spend limit of ${choice.name}`, `The hard spend limit of ${choice.name} was removed.`, () => remove(choice.scope));
    }
  }
  const typed = await deps.ui.input({
    title: `Hard spend limit of ${choice.name}`,
    prompt: 'A month, in dollars. OpenAI stops API requests past it while it is enforced.',
    value: current === undefined ? '' : String(centsToDollars(current)),
    placeHolder: 'e.g. 1,000',
    validate: (v) => (parseDollars(v) === undefined ? AMOUNT_HINT : undefined),
  });
  if (typed === undefined) return 'cancelled';
  const cents = parseDollars(typed);
  if (cents === undefined) return 'cancelled';
  if (!(await deps.ui.confirm(confirmSetLimit(choice, cents), 'Set Limit'))) return 'cancelled';
  const set = source.setSpendLimit.bind(source);
  return write(deps, `set the spend limit of ${choice.name}`, `The hard spend limit of ${choice.name} is now ${dollars(cents)} a month.`, () =>
    set(choice.scope, { thresholdCents: cents, currency: 'USD', interval: 'month' }),
  );
}

/** Manage Spend Alerts…: scope, then an alert to change or remove, or a new one. */
export async function manageSpendAlertsFlow(deps: SpendFlowDeps): Promise<FlowOutcome> {
  const source = await deps.source();
  if (!source?.listSpendAlerts || !source.createSpendAlert || !source.updateSpendAlert || !source.deleteSpendAlert) {
    deps.ui.error('Set an admin key first (or try sample data): spend alerts are read and changed through the API.');
    return 'unavailable';
  }
  const choice = await pickScope(deps, 'Manage Spend Alerts: of the organization or a project?');
  if (!choice) return 'cancelled';
  let alerts: SpendAlert[];
  try {
    alerts = await source.listSpendAlerts(choice.scope);
  } catch (error) {
    deps.ui.error(writeFailureMessage(`read the spend alerts of ${choice.name}`, error, deps.describeError).replace(' Nothing was changed.', ''));
    return 'failed';
  }
  const picked = await deps.ui.pick<SpendAlert | 'new'>(`Spend alerts of ${choice.name}`, [
    ...[...alerts]
      .sort((a, b) => a.thresholdCents - b.thresholdCents)
      .map((a) => ({ label: `${dollars(a.thresholdCents)} a month`, description: a.recipients.join(', '), value: a as SpendAlert | 'new' })),
    { label: '$(add) New alert…', value: 'new' as const },
  ]);
  if (!picked) return 'cancelled';
  const existing = picked === 'new' ? undefined : picked;
  if (existing) {
    const action = await deps.ui.pick(`Alert at ${dollars(existing.thresholdCents)} a month`, [
      { label: 'Change…', value: 'change' as const },
      { label: 'Remove', value: 'remove' as const },
    ]);
    if (!action) return 'cancelled';
    if (action === 'remove') {
      if (!(await deps.ui.confirm(confirmDeleteAlert(choice, existing), 'Remove Alert'))) return 'cancelled';
      const remove = source.deleteSpendAlert.bind(source);
      return write(deps, `remove the spend alert of ${choice.name}`, `The spend alert at ${dollars(existing.thresholdCents)} was removed.`, () => remove(choice.scope, existing.id));
    }
  }
  const typed = await deps.ui.input({
    title: `Spend alert of ${choice.name}`,
    prompt: 'E-mail when spend this month reaches this many dollars.',
    value: existing ? String(centsToDollars(existing.thresholdCents)) : '',
    placeHolder: 'e.g. 500',
    validate: (v) => (parseDollars(v) === undefined ? AMOUNT_HINT : undefined),
  });
  if (typed === undefined) return 'cancelled';
  const cents = parseDollars(typed);
  if (cents === undefined) return 'cancelled';
  const typedRecipients = await deps.ui.input({
    title: `Spend alert of ${choice.name}`,
    prompt: 'Who gets the e-mail: addresses separated by commas.',
    value: existing ? existing.recipients.join(', ') : '',
    placeHolder: 'finance@example.com, lead@example.com',
    validate: (v) => (parseRecipients(v) === undefined ? 'Enter one or more e-mail addresses, separated by commas.' : undefined),
  });
  if (typedRecipients === undefined) return 'cancelled';
  const recipients = parseRecipients(typedRecipients);
  if (!recipients) return 'cancelled';
  const input = { thresholdCents: cents, recipients, currency: 'USD', interval: 'month', ...(existing?.subjectPrefix ? { subjectPrefix: existing.subjectPrefix } : {}) };
  if (existing) {
    if (!(await deps.ui.confirm(confirmUpdateAlert(choice, existing, cents, recipients), 'Change Alert'))) return 'cancelled';
    const update = source.updateSpendAlert.bind(source);
    return write(deps, `change the spend alert of ${choice.name}`, `The spend alert of ${choice.name} is now at ${dollars(cents)} a month.`, () => update(choice.scope, existing.id, input));
  }
  if (!(await deps.ui.confirm(confirmCreateAlert(choice, cents, recipients), 'Create Alert'))) return 'cancelled';
  const create = source.createSpendAlert.bind(source);
  return write(deps, `create a spend alert for ${choice.name}`, `A spend alert for ${choice.name} at ${dollars(cents)} a month was created.`, () => create(choice.scope, input));
}
