// "Set Spend Limit…" and "Manage Spend Alerts…" (issue "Spend awareness"): the organisation's or
// a project's hard limit and spend alerts, changed through the API after a confirmation that shows
// the amount in dollars and the scope. A failed write changes nothing locally and says why; a
// successful one refreshes. No vscode: the prompts are a small interface, so every flow is
// unit-tested against the sample organisation or the fake server.
import * as l10n from '@vscode/l10n';
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

/** What the amount prompts say to an amount that is not one. */
export function amountHint(): string {
  return l10n.t('Enter an amount in dollars above 0, like 500 or 1,250.50 (at most {0}).', formatMoney(MAX_DOLLARS, 'usd'));
}

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
  if (reading.kind === 'none') return l10n.t('no limit');
  if (reading.kind === 'unreadable') return l10n.t('limit not readable with this key');
  return reading.limit.enforcing ? l10n.t('{0} a month', dollars(reading.limit.thresholdCents)) : l10n.t('{0} a month, not enforced', dollars(reading.limit.thresholdCents));
}

/** The organisation, then each active project of the snapshot by name, with its limit when known. */
export function scopeChoices(snapshot: UsageSnapshot | undefined): ScopeChoice[] {
  const budgets = snapshot?.budgets;
  const org: ScopeChoice = { scope: {}, name: l10n.t('the organization'), label: l10n.t('Organization'), description: limitText(budgets?.organization) };
  const projects = (snapshot?.projects ?? [])
    .filter((p) => p.status !== 'archived')
    .map((p): ScopeChoice => ({
      scope: { projectId: p.id },
      name: l10n.t('project “{0}”', p.name || p.id),
      label: p.name || p.id,
      description: [p.name ? p.id : undefined, limitText(budgets?.projects[p.id])].filter((s) => s !== undefined).join(' · ') || undefined,
    }));
  return [org, ...projects];
}

// The confirmations are whole sentences, one for the organization and one for a project, so a
// translation never has to fit a phrase into another.
const isOrg = (choice: ScopeChoice): boolean => choice.scope.projectId === undefined;

export function confirmSetLimit(choice: ScopeChoice, cents: number): string {
  return isOrg(choice)
    ? l10n.t("Set the organization's hard spend limit to {0} a month?", dollars(cents))
    : l10n.t('Set the hard spend limit of {0} to {1} a month?', choice.name, dollars(cents));
}

export function confirmRemoveLimit(choice: ScopeChoice, cents: number | undefined): string {
  if (cents === undefined) return isOrg(choice) ? l10n.t("Remove the organization's hard spend limit?") : l10n.t('Remove the hard spend limit of {0}?', choice.name);
  return isOrg(choice)
    ? l10n.t("Remove the organization's hard spend limit of {0} a month?", dollars(cents))
    : l10n.t('Remove the hard spend limit of {0} of {1} a month?', choice.name, dollars(cents));
}

export function confirmCreateAlert(choice: ScopeChoice, cents: number, recipients: readonly string[]): string {
  return l10n.t('Create a spend alert for {0} at {1} a month, e-mailing {2}?', choice.name, dollars(cents), recipients.join(', '));
}

export function confirmUpdateAlert(choice: ScopeChoice, before: SpendAlert, cents: number, recipients: readonly string[]): string {
  return isOrg(choice)
    ? l10n.t("Change the organization's spend alert from {0} to {1} a month, e-mailing {2}?", dollars(before.thresholdCents), dollars(cents), recipients.join(', '))
    : l10n.t('Change the spend alert of {0} from {1} to {2} a month, e-mailing {3}?', choice.name, dollars(before.thresholdCents), dollars(cents), recipients.join(', '));
}

export function confirmDeleteAlert(choice: ScopeChoice, alert: SpendAlert): string {
  return isOrg(choice)
    ? l10n.t("Remove the organization's spend alert at {0} a month?", dollars(alert.thresholdCents))
    : l10n.t('Remove the spend alert of {0} at {1} a month?', choice.name, dollars(alert.thresholdCents));
}

/**
 * Why a write (or, with `wrote` false, a read) failed, and that nothing changed. `what` is the
 * action as a phrase after "Could not" ("set the spend limit of the organization").
 */
export function writeFailureMessage(what: string, error: unknown, describe: (error: unknown) => string, wrote = true): string {
  if (isApiError(error) && (error.code === 'permission' || error.code === 'auth')) {
    const status = error.status ?? 403;
    return wrote
      ? l10n.t('Could not {0}: this key may not change spend limits or alerts ({1}); an Admin key of an organization Owner is needed. Nothing was changed.', what, status)
      : l10n.t('Could not {0}: this key may not change spend limits or alerts ({1}); an Admin key of an organization Owner is needed.', what, status);
  }
  return wrote ? l10n.t('Could not {0}: {1} Nothing was changed.', what, describe(error)) : l10n.t('Could not {0}: {1}', what, describe(error));
}

/** A write: the phrase after "Could not", the progress title, and what is said once done. */
interface WriteWords {
  readonly what: string;
  readonly progress: string;
  readonly done: string;
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

async function write(deps: SpendFlowDeps, words: WriteWords, task: () => Promise<unknown>): Promise<FlowOutcome> {
  try {
    await deps.ui.progress(words.progress, task);
  } catch (error) {
    deps.ui.error(writeFailureMessage(words.what, error, deps.describeError));
    return 'failed';
  }
  deps.ui.info(words.done);
  await deps.refresh();
  return 'done';
}

/** Set Spend Limit…: scope, then set, change or remove the limit. */
export async function setSpendLimitFlow(deps: SpendFlowDeps): Promise<FlowOutcome> {
  const source = await deps.source();
  if (!source?.getSpendLimit || !source.setSpendLimit || !source.deleteSpendLimit) {
    deps.ui.error(l10n.t('Set an admin key first (or try sample data): spend limits are read and changed through the API.'));
    return 'unavailable';
  }
  const choice = await pickScope(deps, l10n.t('Set Spend Limit: for the organization or a project?'));
  if (!choice) return 'cancelled';
  let current: number | undefined;
  try {
    current = (await source.getSpendLimit(choice.scope))?.thresholdCents;
  } catch {
    // Not readable: the limit can still be set; the prompt just has no current value.
    current = undefined;
  }
  if (current !== undefined) {
    const action = await deps.ui.pick(l10n.t('The hard spend limit of {0} is {1} a month', choice.name, dollars(current)), [
      { label: l10n.t('Change the limit…'), value: 'change' as const },
      { label: l10n.t('Remove the limit'), value: 'remove' as const },
    ]);
    if (!action) return 'cancelled';
    if (action === 'remove') {
      if (!(await deps.ui.confirm(confirmRemoveLimit(choice, current), l10n.t('Remove Limit')))) return 'cancelled';
      const remove = source.deleteSpendLimit.bind(source);
      const words = {
        what: l10n.t('remove the spend limit of {0}', choice.name),
        progress: l10n.t('Remove the spend limit of {0}…', choice.name),
        done: l10n.t('The hard spend limit of {0} was removed.', choice.name),
      };
      return write(deps, words, () => remove(choice.scope));
    }
  }
  const typed = await deps.ui.input({
    title: l10n.t('Hard spend limit of {0}', choice.name),
    prompt: l10n.t('A month, in dollars. OpenAI stops API requests past it while it is enforced.'),
    value: current === undefined ? '' : String(centsToDollars(current)),
    placeHolder: l10n.t('e.g. 1,000'),
    validate: (v) => (parseDollars(v) === undefined ? amountHint() : undefined),
  });
  if (typed === undefined) return 'cancelled';
  const cents = parseDollars(typed);
  if (cents === undefined) return 'cancelled';
  if (!(await deps.ui.confirm(confirmSetLimit(choice, cents), l10n.t('Set Limit')))) return 'cancelled';
  const set = source.setSpendLimit.bind(source);
  const words = {
    what: l10n.t('set the spend limit of {0}', choice.name),
    progress: l10n.t('Set the spend limit of {0}…', choice.name),
    done: l10n.t('The hard spend limit of {0} is now {1} a month.', choice.name, dollars(cents)),
  };
  return write(deps, words, () => set(choice.scope, { thresholdCents: cents, currency: 'USD', interval: 'month' }));
}

/** Manage Spend Alerts…: scope, then an alert to change or remove, or a new one. */
export async function manageSpendAlertsFlow(deps: SpendFlowDeps): Promise<FlowOutcome> {
  const source = await deps.source();
  if (!source?.listSpendAlerts || !source.createSpendAlert || !source.updateSpendAlert || !source.deleteSpendAlert) {
    deps.ui.error(l10n.t('Set an admin key first (or try sample data): spend alerts are read and changed through the API.'));
    return 'unavailable';
  }
  const choice = await pickScope(deps, l10n.t('Manage Spend Alerts: of the organization or a project?'));
  if (!choice) return 'cancelled';
  let alerts: SpendAlert[];
  try {
    alerts = await source.listSpendAlerts(choice.scope);
  } catch (error) {
    deps.ui.error(writeFailureMessage(l10n.t('read the spend alerts of {0}', choice.name), error, deps.describeError, false));
    return 'failed';
  }
  const picked = await deps.ui.pick<SpendAlert | 'new'>(l10n.t('Spend alerts of {0}', choice.name), [
    ...[...alerts]
      .sort((a, b) => a.thresholdCents - b.thresholdCents)
      .map((a) => ({ label: l10n.t('{0} a month', dollars(a.thresholdCents)), description: a.recipients.join(', '), value: a as SpendAlert | 'new' })),
    { label: `$(add) ${l10n.t('New alert…')}`, value: 'new' as const },
  ]);
  if (!picked) return 'cancelled';
  const existing = picked === 'new' ? undefined : picked;
  if (existing) {
    const action = await deps.ui.pick(l10n.t('Alert at {0} a month', dollars(existing.thresholdCents)), [
      { label: l10n.t('Change…'), value: 'change' as const },
      { label: l10n.t('Remove'), value: 'remove' as const },
    ]);
    if (!action) return 'cancelled';
    if (action === 'remove') {
      if (!(await deps.ui.confirm(confirmDeleteAlert(choice, existing), l10n.t('Remove Alert')))) return 'cancelled';
      const remove = source.deleteSpendAlert.bind(source);
      const words = {
        what: l10n.t('remove the spend alert of {0}', choice.name),
        progress: l10n.t('Remove the spend alert of {0}…', choice.name),
        done: l10n.t('The spend alert at {0} was removed.', dollars(existing.thresholdCents)),
      };
      return write(deps, words, () => remove(choice.scope, existing.id));
    }
  }
  const typed = await deps.ui.input({
    title: l10n.t('Spend alert of {0}', choice.name),
    prompt: l10n.t('E-mail when spend this month reaches this many dollars.'),
    value: existing ? String(centsToDollars(existing.thresholdCents)) : '',
    placeHolder: l10n.t('e.g. 500'),
    validate: (v) => (parseDollars(v) === undefined ? amountHint() : undefined),
  });
  if (typed === undefined) return 'cancelled';
  const cents = parseDollars(typed);
  if (cents === undefined) return 'cancelled';
  const typedRecipients = await deps.ui.input({
    title: l10n.t('Spend alert of {0}', choice.name),
    prompt: l10n.t('Who gets the e-mail: addresses separated by commas.'),
    value: existing ? existing.recipients.join(', ') : '',
    placeHolder: 'finance@example.com, lead@example.com',
    validate: (v) => (parseRecipients(v) === undefined ? l10n.t('Enter one or more e-mail addresses, separated by commas.') : undefined),
  });
  if (typedRecipients === undefined) return 'cancelled';
  const recipients = parseRecipients(typedRecipients);
  if (!recipients) return 'cancelled';
  const input = { thresholdCents: cents, recipients, currency: 'USD', interval: 'month', ...(existing?.subjectPrefix ? { subjectPrefix: existing.subjectPrefix } : {}) };
  if (existing) {
    if (!(await deps.ui.confirm(confirmUpdateAlert(choice, existing, cents, recipients), l10n.t('Change Alert')))) return 'cancelled';
    const update = source.updateSpendAlert.bind(source);
    const words = {
      what: l10n.t('change the spend alert of {0}', choice.name),
      progress: l10n.t('Change the spend alert of {0}…', choice.name),
      done: l10n.t('The spend alert of {0} is now at {1} a month.', choice.name, dollars(cents)),
    };
    return write(deps, words, () => update(choice.scope, existing.id, input));
  }
  if (!(await deps.ui.confirm(confirmCreateAlert(choice, cents, recipients), l10n.t('Create Alert')))) return 'cancelled';
  const create = source.createSpendAlert.bind(source);
  const words = {
    what: l10n.t('create a spend alert for {0}', choice.name),
    progress: l10n.t('Create a spend alert for {0}…', choice.name),
    done: l10n.t('A spend alert for {0} at {1} a month was created.', choice.name, dollars(cents)),
  };
  return write(deps, words, () => create(choice.scope, input));
}
