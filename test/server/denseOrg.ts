// A dense synthetic organisation for the scale benchmark: P projects × M models, every one of them
// active every day. Completions carry a row per project × model per day; the other usage
// endpoints a row per project × 2 models (or per project where they cannot group by model); costs
// 4 line items per project per day. Values are a cheap deterministic hash, so a run is repeatable
// and the fake server can answer any window without keeping the data.
import { ENDPOINTS } from '../../src/shared/endpoints';
import type { EndpointId, Project, UsageBucket, UsageQuery, UsageRow } from '../../src/shared/endpoints';
import type { UsageSource } from '../../src/usage/source';
import type { FakeDataProvider } from './fakeServer';

const DAY = 86_400;

export interface DenseOrgOptions {
  readonly projects: number;
  readonly models: number;
}

export interface DenseOrg extends FakeDataProvider, UsageSource {
  /** Rows a 1-day bucket of this endpoint holds when grouped by project (and model). */
  rowsPerDay(endpoint: EndpointId): number;
}

function hash(a: number, b: number, c: number): number {
  let h = (a * 374_761_393 + b * 668_265_263 + c * 2_147_483_647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createDenseOrg(options: DenseOrgOptions): DenseOrg {
  const projectList: Project[] = Array.from({ length: options.projects }, (_, i) => ({
    id: `proj_${String(i).padStart(6, '0')}`,
    name: `Project ${i}`,
    status: 'active',
    createdAt: 1_700_000_000,
  }));
  const modelNames = Array.from({ length: options.models }, (_, i) => `model-${i}`);
  const modelsOf = (endpoint: EndpointId): number =>
    !ENDPOINTS[endpoint].groupBy.includes('model') ? 1 : endpoint === 'completions' ? options.models : Math.min(2, options.models);
  const LINE_ITEMS = 4;

  const rowsFor = (q: UsageQuery, day: number): UsageRow[] => {
    const spec = ENDPOINTS[q.endpoint];
    const byProject = q.groupBy?.includes('project_id') ?? false;
    const byModel = q.groupBy?.includes('model') ?? false;
    const byLine = q.groupBy?.includes('line_item') ?? false;
    const projects = byProject ? options.projects : 1;
    const inner = q.endpoint === 'costs' ? (byLine ? LINE_ITEMS : 1) : byModel ? modelsOf(q.endpoint) : 1;
    const rows: UsageRow[] = [];
    for (let p = 0; p < projects; p++) {
      for (let m = 0; m < inner; m++) {
        const h = hash(day, p, m);
        const dims: Record<string, string> = {};
        if (byProject) dims.project_id = (projectList[p] as Project).id;
        if (q.endpoint === 'costs') {
          if (byLine) dims.line_item = `${modelNames[m % modelNames.length] ?? 'model'}, ${m % 2 === 0 ? 'input' : 'output'}`;
          rows.push({ values: { amount: (h % 100_000) / 10_000, ...(byLine ? { quantity: h % 1_000_000 } : {}) }, dims, currency: 'usd' });
        } else {
          if (byModel) dims.model = modelNames[m] ?? 'model';
          const values: Record<string, number> = {};
          spec.metrics.forEach((metric, k) => (values[metric] = (h >>> k) % 100_000));
          rows.push({ values, dims });
        }
      }
    }
    return rows;
  };

  const querySync = (q: UsageQuery): UsageBucket[] => {
    const buckets: UsageBucket[] = [];
    const end = q.endTime ?? q.startTime + DAY;
    for (let s = q.startTime; s < end; s += DAY) buckets.push({ startTime: s, endTime: s + DAY, rows: rowsFor(q, s / DAY) });
    return buckets;
  };

  return {
    kind: 'sample',
    projectList,
    querySync,
    query: (q) => Promise.resolve(querySync(q)),
    projects: () => Promise.resolve(projectList.map((p) => ({ ...p }))),
    rowsPerDay: (endpoint) => options.projects * (endpoint === 'costs' ? LINE_ITEMS : modelsOf(endpoint)),
  };
}
