// The four ways of fetching the same refresh (every endpoint over the range, grouped as the views
// need, and the project names) that the benchmark puts side by side.
import OpenAI from 'openai';
import { UsageClient, splitWindows } from '../../src/api/client';
import { ENDPOINTS, ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { Dimension, EndpointId } from '../../src/shared/endpoints';
import { SNAPSHOT_COSTS_GROUP_BY, SNAPSHOT_KEY_COSTS_GROUP_BY, SNAPSHOT_KEY_MODELS_GROUP_BY, loadSnapshot, snapshotGroupBy, snapshotWindow } from '../../src/usage/loader';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { FAKE_ADMIN_KEY } from '../../test/server/fakeServer';

export interface RefreshPlan {
  readonly baseUrl: string;
  readonly nowMs: number;
  readonly rangeDays: number;
}

export type Peer = (plan: RefreshPlan) => Promise<unknown>;

interface EndpointRequest {
  readonly endpoint: EndpointId;
  readonly startTime: number;
  readonly endTime: number;
  readonly groupBy: readonly Dimension[];
}

/** What a refresh asks for: the loader's own windows and groupings, so every peer fetches the same data. */
export function refreshRequests(plan: RefreshPlan): EndpointRequest[] {
  const w = snapshotWindow(plan.nowMs, plan.rangeDays);
  return [
    ...ENDPOINT_IDS.map((endpoint) =>
      endpoint === 'costs'
        ? { endpoint, startTime: w.costsStart, endTime: w.rangeEnd, groupBy: SNAPSHOT_COSTS_GROUP_BY }
        : { endpoint, startTime: w.rangeStart, endTime: w.rangeEnd, groupBy: snapshotGroupBy(endpoint) },
    ),
    // Spend by API key and a key's models: the same data the extension keeps.
    { endpoint: 'costs' as const, startTime: w.rangeStart, endTime: w.rangeEnd, groupBy: SNAPSHOT_KEY_COSTS_GROUP_BY },
    { endpoint: 'completions' as const, startTime: w.rangeStart, endTime: w.rangeEnd, groupBy: SNAPSHOT_KEY_MODELS_GROUP_BY },
  ];
}

const maxLimit = (endpoint: EndpointId): number => ENDPOINTS[endpoint].maxLimit['1d'] as number;

/** Ours, a first refresh: nothing kept, so the key names are read too (a second, small wave: a project's keys need the project list). */
export const oursFirst: Peer = async (plan) => {
  const client = new UsageClient({ baseUrl: plan.baseUrl, apiKey: FAKE_ADMIN_KEY });
  return loadSnapshot(client, { nowMs: plan.nowMs, rangeDays: plan.rangeDays });
};

const namesKept = new Map<string, UsageSnapshot>();

/**
 * Ours as a scheduled full refresh runs: the key names read within the last 6 hours are kept (the
 * loader reads them at most that often), every day of data is fetched anew (the previous snapshot
 * here holds names only). The same data as the peers fetch, and the names beside it.
 */
export const ours: Peer = async (plan) => {
  let previous = namesKept.get(plan.baseUrl);
  if (!previous) {
    const first = (await oursFirst(plan)) as UsageSnapshot;
    const hourAgo = plan.nowMs - 3_600_000;
    previous = { ...first, fetchedAt: hourAgo, namesFetchedAt: hourAgo, rangeStart: 0, rangeEnd: 0, costsStart: 0, costs: [], usage: {}, keyCosts: [], keyModels: [] };
    namesKept.set(plan.baseUrl, previous);
  }
  const client = new UsageClient({ baseUrl: plan.baseUrl, apiKey: FAKE_ADMIN_KEY });
  return loadSnapshot(client, { nowMs: plan.nowMs, rangeDays: plan.rangeDays, previous });
};

interface SdkPage {
  readonly data: readonly unknown[];
  readonly has_more: boolean;
  readonly next_page?: string | null;
}
type SdkMethod = (query: Record<string, unknown>) => Promise<SdkPage>;

function sdk(baseUrl: string): OpenAI {
  return new OpenAI({ adminAPIKey: FAKE_ADMIN_KEY, apiKey: 'sk-test-fake-not-a-key', baseURL: baseUrl });
}

/** The SDK's method of an endpoint: `audio_speeches` → `audioSpeeches`. */
function sdkMethod(client: OpenAI, endpoint: EndpointId): SdkMethod {
  const name = endpoint.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const usage = client.admin.organization.usage as unknown as Record<string, SdkMethod>;
  const fn = usage[name];
  if (!fn) throw new Error(`the SDK has no usage.${name}`);
  return fn.bind(usage);
}

/** One page per call: the SDK returns `next_page`, the caller follows it. */
async function sdkAllPages(method: SdkMethod, query: Record<string, unknown>): Promise<unknown[]> {
  const data: unknown[] = [];
  let page: string | undefined;
  for (;;) {
    const res = await method(page === undefined ? query : { ...query, page });
    data.push(...res.data);
    if (!res.has_more || !res.next_page) return data;
    page = res.next_page;
  }
}

async function sdkProjects(client: OpenAI): Promise<unknown[]> {
  const projects: unknown[] = [];
  for await (const p of client.admin.organization.projects.list({ limit: 100, include_archived: true })) projects.push(p);
  return projects;
}

const sdkQuery = (r: EndpointRequest, withLimit: boolean): Record<string, unknown> => ({
  start_time: r.startTime,
  end_time: r.endTime,
  bucket_width: '1d',
  group_by: [...r.groupBy],
  ...(withLimit ? { limit: maxLimit(r.endpoint) } : {}),
});

/** The official SDK as its docs show it: one endpoint after another, default page size. */
export const sdkSequential: Peer = async (plan) => {
  const client = sdk(plan.baseUrl);
  const out: unknown[] = [];
  for (const r of refreshRequests(plan)) out.push(await sdkAllPages(sdkMethod(client, r.endpoint), sdkQuery(r, false)));
  out.push(await sdkProjects(client));
  return out;
};

/** A careful user of the SDK: every endpoint and the names in parallel, `limit` at the maximum. */
export const sdkParallel: Peer = async (plan) => {
  const client = sdk(plan.baseUrl);
  return Promise.all([
    ...refreshRequests(plan).map((r) => sdkAllPages(sdkMethod(client, r.endpoint), sdkQuery(r, true))),
    sdkProjects(client),
  ]);
};

/** The floor: every request of the refresh (the same windows as ours) at once, plain fetch, no checks. */
export const floor: Peer = async (plan) => {
  const urls: string[] = [`${plan.baseUrl}/organization/projects?limit=100&include_archived=true`];
  for (const r of refreshRequests(plan)) {
    for (const w of splitWindows(r.startTime, r.endTime, '1d', maxLimit(r.endpoint))) {
      const p = new URLSearchParams({ start_time: String(w.startTime), end_time: String(w.endTime), bucket_width: '1d', limit: String(maxLimit(r.endpoint)) });
      for (const g of r.groupBy) p.append('group_by', g);
      urls.push(`${plan.baseUrl}${ENDPOINTS[r.endpoint].path}?${p.toString()}`);
    }
  }
  return Promise.all(
    urls.map(async (url) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${FAKE_ADMIN_KEY}` } });
      return (await res.json()) as unknown;
    }),
  );
};

export const PEERS: ReadonlyArray<readonly [string, Peer]> = [
  ['SDK, sequential (as documented)', sdkSequential],
  ['SDK, parallel, limit at max', sdkParallel],
  ['plain fetch, all at once (floor)', floor],
  ['ours', ours],
  ['ours, first refresh (names read too)', oursFirst],
];
