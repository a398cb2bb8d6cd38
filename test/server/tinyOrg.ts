// A small, fully predictable data provider for the fake server: three projects (one archived)
// × two models × batch or not, on every bucket of the range. It honours group_by and every filter
// so tests can check what the client sent by what comes back. Names come in numbers that need
// several pages (250 keys in Alpha, 120 users) so paging is exercised.

import { ENDPOINTS, WIDTH_SECONDS } from '../../src/shared/endpoints';
import type { ApiKeyInfo, Dimension, EndpointId, Project, UsageBucket, UsageQuery, UsageRow, UserInfo } from '../../src/shared/endpoints';
import type { FakeDataProvider, FakeNames } from './fakeServer';

interface Atom {
  readonly dims: Readonly<Record<Dimension, string>>;
  readonly weight: number;
}

export const TINY_PROJECTS: readonly Project[] = [
  { id: 'proj_alpha', name: 'Alpha', status: 'active', createdAt: 1_700_000_000 },
  { id: 'proj_beta', name: 'Beta', status: 'active', createdAt: 1_700_000_100 },
  { id: 'proj_old', name: 'Old', status: 'archived', createdAt: 1_600_000_000 },
];

const ATOMS: readonly Atom[] = TINY_PROJECTS.flatMap((p, pi) =>
  ['gpt-a', 'gpt-b'].flatMap((model, mi) =>
    ['false', 'true'].map(
      (batch, bi): Atom => ({
        dims: {
          project_id: p.id,
          user_id: `user_${mi}`,
          api_key_id: `key_${pi}`,
          model,
          batch,
          service_tier: 'default',
          size: mi === 0 ? '1024x1024' : '512x512',
          source: 'image.generation',
          line_item: `${model}, ${batch === 'true' ? 'batch' : 'input'}`,
          vector_store_id: `vs_${mi}`,
          context_level: mi === 0 ? 'low' : 'high',
        },
        weight: 1 + pi * 100 + mi * 10 + bi,
      }),
    ),
  ),
);

/**
 * Completions per unit of weight: the totals and breakdowns are consistent (input 100 = cached 30
 * + cache-write 10 + uncached 60; uncached = text 40 + audio 15 + image 5; cached = 20 + 6 + 4;
 * output 40 = 30 + 6 + 4).
 */
export const TINY_COMPLETIONS_FACTORS: Readonly<Record<string, number>> = {
  input_tokens: 100,
  output_tokens: 40,
  input_cached_tokens: 30,
  input_cache_write_tokens: 10,
  input_uncached_tokens: 60,
  input_text_tokens: 40,
  output_text_tokens: 30,
  input_cached_text_tokens: 20,
  input_audio_tokens: 15,
  input_cached_audio_tokens: 6,
  output_audio_tokens: 6,
  input_image_tokens: 5,
  input_cached_image_tokens: 4,
  output_image_tokens: 4,
  num_model_requests: 1,
};

/** An atom's value of a metric per unit of weight: completions as above, else metric index + 1. */
export function tinyFactor(endpoint: EndpointId, metric: string): number {
  if (endpoint === 'completions') return TINY_COMPLETIONS_FACTORS[metric] ?? 0;
  return ENDPOINTS[endpoint].metrics.indexOf(metric) + 1;
}

export const TINY_ALPHA_KEYS = 250;
export const TINY_USERS = 120;

/** Names in several pages: 250 keys in Alpha, one in Beta, one in Old; 2 admin keys; 120 users. */
export function tinyNames(): FakeNames {
  const key = (projectId: string, i: number): ApiKeyInfo => ({
    id: `key_${projectId}_${String(i).padStart(3, '0')}`,
    name: `${projectId} key ${i}`,
    redactedValue: `sk-proj-...${String(i).padStart(4, '0')}`,
    projectId,
    owner:
      i % 2 === 0
        ? { type: 'user', id: `user_${i % TINY_USERS}`, name: `User ${i % TINY_USERS}`, email: `u${i % TINY_USERS}@example.com` }
        : { type: 'service_account', id: `svc_${i}`, name: `bot ${i}` },
    createdAt: 1_700_000_000 + i,
    lastUsedAt: 1_700_100_000 + i,
  });
  const apiKeys = [
    ...Array.from({ length: TINY_ALPHA_KEYS }, (_, i) => key('proj_alpha', i)),
    key('proj_beta', 0),
    key('proj_old', 0),
  ];
  const adminKeys: ApiKeyInfo[] = [
    { id: 'key_admin_0', name: 'admin zero', redactedValue: 'sk-admin...0000', owner: { type: 'user', id: 'user_0', name: 'User 0' }, createdAt: 1_690_000_000 },
    { id: 'key_admin_1', name: 'admin one', redactedValue: 'sk-admin...0001', owner: { type: 'service_account', id: 'svc_ops', name: 'ops' }, createdAt: 1_690_000_001 },
  ];
  const users: UserInfo[] = Array.from({ length: TINY_USERS }, (_, i) => ({ id: `user_${i}`, name: `User ${i}`, email: `u${i}@example.com` }));
  return { apiKeys, adminKeys, users };
}

/**
 * Every metric of an atom in a bucket is `weight × tinyFactor(endpoint, metric)`; costs' amount
 * is `weight / 100` (usd) and quantity `weight × 1000` tokens. Sums over atoms give the grouped
 * values.
 */
export function createTinyOrg(): FakeDataProvider {
  return {
    projectList: TINY_PROJECTS,
    namesSync: tinyNames,
    querySync(q: UsageQuery): UsageBucket[] {
      const spec = ENDPOINTS[q.endpoint];
      const w = WIDTH_SECONDS[q.bucketWidth ?? '1d'];
      const end = q.endTime ?? q.startTime + w;
      const atoms = ATOMS.filter(
        (a) =>
          (!q.projectIds || q.projectIds.includes(a.dims.project_id)) &&
          (!q.userIds || q.userIds.includes(a.dims.user_id)) &&
          (!q.apiKeyIds || q.apiKeyIds.includes(a.dims.api_key_id)) &&
          (!q.models || q.models.includes(a.dims.model)) &&
          (!q.sources || q.sources.includes(a.dims.source)) &&
          (!q.sizes || q.sizes.includes(a.dims.size)) &&
          (!q.vectorStoreIds || q.vectorStoreIds.includes(a.dims.vector_store_id)) &&
          (!q.contextLevels || q.contextLevels.includes(a.dims.context_level)) &&
          (q.batch === undefined || String(q.batch) === a.dims.batch),
      );
      const groupBy = q.groupBy ?? [];
      const buckets: UsageBucket[] = [];
      for (let s = q.startTime; s < end; s += w) {
        const groups = new Map<string, { dims: Partial<Record<Dimension, string>>; values: Record<string, number> }>();
        if (groupBy.length === 0) groups.set('{}', { dims: {}, values: zeroValues(spec.id === 'costs' ? ['amount', 'quantity'] : spec.metrics) });
        for (const a of atoms) {
          const dims: Partial<Record<Dimension, string>> = {};
          for (const d of groupBy) dims[d] = a.dims[d];
          const key = JSON.stringify(dims);
          let g = groups.get(key);
          if (!g) {
            g = { dims, values: zeroValues(spec.id === 'costs' ? ['amount', 'quantity'] : spec.metrics) };
            groups.set(key, g);
          }
          if (spec.id === 'costs') {
            g.values.amount = round(g.values.amount + a.weight / 100);
            g.values.quantity += a.weight * 1000;
          } else spec.metrics.forEach((m) => (g.values[m] += a.weight * tinyFactor(spec.id, m)));
        }
        const rows = [...groups.values()].map((g): UsageRow => (spec.id === 'costs' ? { ...g, currency: 'usd', quantityUnit: 'tokens' } : g));
        buckets.push({ startTime: s, endTime: Math.min(s + w, end), rows });
      }
      return buckets;
    },
  };
}

/** Sum of a metric over all atoms matching `pred`, per bucket (for assertions). */
export function tinyMetricTotal(
  endpoint: EndpointId,
  metric: string,
  pred: (dims: Readonly<Record<Dimension, string>>) => boolean = () => true,
): number {
  return ATOMS.filter((a) => pred(a.dims)).reduce((sum, a) => sum + a.weight * tinyFactor(endpoint, metric), 0);
}

/** Sum over atoms of `weight × (metricIndex + 1)`: the value of every endpoint but completions. */
export function tinyTotal(metricIndex: number, pred: (dims: Readonly<Record<Dimension, string>>) => boolean = () => true): number {
  return ATOMS.filter((a) => pred(a.dims)).reduce((sum, a) => sum + a.weight * (metricIndex + 1), 0);
}

function zeroValues(metrics: readonly string[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [m, 0]));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
