// A small, fully predictable data provider for the fake server: three projects (one archived)
// × two models × batch or not, on every bucket of the range. It honours group_by and every filter
// so tests can check what the client sent by what comes back.

import { ENDPOINTS, WIDTH_SECONDS } from '../../src/shared/endpoints';
import type { Dimension, Project, UsageBucket, UsageQuery, UsageRow } from '../../src/shared/endpoints';
import type { FakeDataProvider } from './fakeServer';

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
        },
        weight: 1 + pi * 100 + mi * 10 + bi,
      }),
    ),
  ),
);

/**
 * Every metric of an atom in a bucket is `weight × (metric index + 1)`; costs' amount is
 * `weight / 100` (usd) and quantity `weight × 1000`. Sums over atoms give the grouped values.
 */
export function createTinyOrg(): FakeDataProvider {
  return {
    projectList: TINY_PROJECTS,
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
          } else spec.metrics.forEach((m, i) => (g.values[m] += a.weight * (i + 1)));
        }
        const rows = [...groups.values()].map((g): UsageRow => (spec.id === 'costs' ? { ...g, currency: 'usd' } : g));
        buckets.push({ startTime: s, endTime: Math.min(s + w, end), rows });
      }
      return buckets;
    },
  };
}

/** Sum of a metric over all atoms matching `pred`, per bucket (for assertions). */
export function tinyTotal(metricIndex: number, pred: (dims: Readonly<Record<Dimension, string>>) => boolean = () => true): number {
  return ATOMS.filter((a) => pred(a.dims)).reduce((sum, a) => sum + a.weight * (metricIndex + 1), 0);
}

function zeroValues(metrics: readonly string[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [m, 0]));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
