import type { Project, UsageBucket, UsageQuery } from '../shared/endpoints';

/**
 * Where usage comes from: the live API client (`src/api/client.ts`) or the synthetic sample
 * organisation (`src/usage/sample.ts`). Both answer the same queries with the same semantics,
 * so everything above this line is the same in sample mode and for real.
 */
export interface UsageSource {
  readonly kind: 'api' | 'sample';
  /** All buckets of the query's range, every page followed. Rejects with an `ApiError` subclass. */
  query(query: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]>;
  /** Every project, archived ones included. */
  projects(signal?: AbortSignal): Promise<Project[]>;
}
