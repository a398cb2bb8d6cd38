import type {
  BudgetScope,
  NameDirectory,
  Project,
  SpendAlert,
  SpendAlertInput,
  SpendLimit,
  SpendLimitInput,
  UsageBucket,
  UsageQuery,
} from '../shared/endpoints';

/**
 * Where usage comes from: the live API client (`src/api/client.ts`) or the synthetic sample
 * organisation (`src/usage/sample.ts`). Both answer the same queries with the same semantics,
 * so everything above this line is the same in sample mode and for real.
 *
 * Names and budgets are optional: a source without them simply has no names or budgets, and
 * callers check for the method before use. Amounts are in cents (`thresholdCents`).
 */
export interface UsageSource {
  readonly kind: 'api' | 'sample';
  /** All buckets of the query's range, every page followed. Rejects with an `ApiError` subclass. */
  query(query: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]>;
  /** Every project, archived ones included. */
  projects(signal?: AbortSignal): Promise<Project[]>;
  /** Keys (of every project), admin keys and users; a part the key may not read fails alone. */
  names?(signal?: AbortSignal): Promise<NameDirectory>;
  /** The organisation's (`{}`) or a project's hard spend limit; null when none is set. */
  getSpendLimit?(scope: BudgetScope, signal?: AbortSignal): Promise<SpendLimit | null>;
  setSpendLimit?(scope: BudgetScope, input: SpendLimitInput, signal?: AbortSignal): Promise<SpendLimit>;
  deleteSpendLimit?(scope: BudgetScope, signal?: AbortSignal): Promise<void>;
  listSpendAlerts?(scope: BudgetScope, signal?: AbortSignal): Promise<SpendAlert[]>;
  createSpendAlert?(scope: BudgetScope, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert>;
  updateSpendAlert?(scope: BudgetScope, alertId: string, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert>;
  deleteSpendAlert?(scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<void>;
}
