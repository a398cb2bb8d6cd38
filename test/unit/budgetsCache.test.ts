// Project spend limits are one request per active project: they are kept between refreshes for an
// hour (the organisation's limit is read every time), read at once for a project not seen before,
// and read again in full when the user asks for a refresh. Over the loopback fake, counting requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { PROJECT_LIMITS_MAX_AGE_MS } from '../../src/usage/budgets';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';

const KEY = 'sk-admin-FAKE-limits-00';
const NOW = Date.UTC(2026, 10, 18, 15, 30);

describe('usage/budgets: project limits kept between refreshes', () => {
  let server: FakeServer;
  let client: UsageClient;
  before(async () => {
    server = await startFakeServer({ data: createSampleOrg({ now: NOW }), adminKeys: [KEY], now: () => NOW });
    client = new UsageClient({ baseUrl: server.url, apiKey: KEY, now: () => NOW });
  });
  after(() => server.close());

  const limitReads = (from: number): { org: number; projects: string[] } => {
    const paths = server.requests.slice(from).map((r) => r.path.split('?')[0] ?? '');
    return {
      org: paths.filter((p) => p === '/organization/spend_limit').length,
      projects: paths.map((p) => /^\/organization\/projects\/([^/]+)\/spend_limit$/.exec(p)?.[1]).filter((id): id is string => id !== undefined).sort(),
    };
  };
  const load = (nowMs: number, previous?: UsageSnapshot, fresh?: boolean): Promise<UsageSnapshot> =>
    loadSnapshot(client, { nowMs, rangeDays: 7, budgets: true, ...(previous ? { previous } : {}), ...(fresh ? { fresh } : {}) });

  it('reads every active project once, then only the organisation within the hour; a refresh asked for reads all again', async () => {
    let from = server.requests.length;
    const first = await load(NOW);
    const active = (await client.projects()).filter((p) => p.status !== 'archived').map((p) => p.id).sort();
    assert.ok(active.length >= 2);
    assert.deepEqual(limitReads(from), { org: 1, projects: active });
    assert.equal(first.budgets?.projectsReadAt, NOW);

    from = server.requests.length;
    const second = await load(NOW + 10 * 60_000, first);
    assert.deepEqual(limitReads(from), { org: 1, projects: [] }, 'within the hour: no project request');
    assert.deepEqual(second.budgets?.projects, first.budgets?.projects, 'the readings are kept');
    assert.equal(second.budgets?.projectsReadAt, NOW, 'still as of the first read');

    from = server.requests.length;
    const asked = await load(NOW + 20 * 60_000, second, true);
    assert.deepEqual(limitReads(from), { org: 1, projects: active }, 'a refresh the user asked for reads every project');
    assert.equal(asked.budgets?.projectsReadAt, NOW + 20 * 60_000);

    from = server.requests.length;
    await load(NOW + 20 * 60_000 + PROJECT_LIMITS_MAX_AGE_MS, asked);
    assert.deepEqual(limitReads(from), { org: 1, projects: active }, 'after an hour: every project again');
  });

  it('a project with no reading yet is read at once, the others are kept', async () => {
    const first = await load(NOW);
    const [dropped, ...rest] = Object.keys(first.budgets?.projects ?? {}).sort();
    assert.ok(dropped);
    const previous: UsageSnapshot = { ...first, budgets: { ...(first.budgets as NonNullable<UsageSnapshot['budgets']>), projects: Object.fromEntries(rest.map((id) => [id, first.budgets?.projects[id] ?? { kind: 'none' }])) } };
    const from = server.requests.length;
    const next = await load(NOW + 60_000, previous);
    assert.deepEqual(limitReads(from), { org: 1, projects: [dropped] });
    assert.deepEqual(next.budgets?.projects, first.budgets?.projects);
  });
});
