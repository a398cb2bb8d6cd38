// A refresh is one round trip: every endpoint × window request and the names in flight at once,
// through the client's one limiter, against the loopback fake API with latency on each answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import type { UsageSource } from '../../src/usage/source';
import { FAKE_ADMIN_KEY, startFakeServer } from '../../test/server/fakeServer';
import type { FakeServer } from '../../test/server/fakeServer';
import { countRoundTrips } from '../../test/server/roundTrips';

const NOW = Date.parse('2026-11-23T09:00:00Z');
const LATER = NOW + 5 * 60_000;

describe('one round trip per refresh', () => {
  let server: FakeServer;
  let now = NOW;
  before(async () => {
    server = await startFakeServer({ now: () => now, data: createSampleOrg({ now: () => now, seed: 5 }) });
    server.faults.delayMs = 100;
  });
  after(async () => {
    await server.close();
  });

  it('the loader starts every query at once by default (no limiter of its own)', async () => {
    const org = createSampleOrg({ now: () => NOW, seed: 5 });
    let inFlight = 0;
    let most = 0;
    const source: UsageSource = {
      kind: 'sample',
      async query(q: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]> {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return org.query(q, signal);
      },
      projects: (signal) => org.projects(signal),
    };
    await loadSnapshot(source, { nowMs: NOW, rangeDays: 90 });
    assert.equal(most, USAGE_ENDPOINT_IDS.length + 1 + 2, 'every usage endpoint, the costs and the 2 by API key');
  });

  it('a full 90-day refresh: one round trip; an incremental one: one round trip, names kept', async () => {
    now = NOW;
    const client = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, now: () => now });
    server.resetStats();
    const full = await loadSnapshot(client, { nowMs: NOW, rangeDays: 90 });
    // Every usage endpoint in 3 windows of 31 days, the costs in one, the projects; 4 by API key
    // (costs: 1 window; completions: 3); the names (users, admin keys, each project's keys).
    const projects = (await createSampleOrg({ now: () => NOW, seed: 5 }).projects()).length;
    assert.equal(server.requests.length, USAGE_ENDPOINT_IDS.length * 3 + 2 + 4 + 2 + projects);
    // The data goes out in one round trip; each project's keys can only be asked for once the
    // project list is in, so reading the names (every 6 hours) adds a second, small wave.
    const projectKeys = (r: { path: string }): boolean => r.path.endsWith('/api_keys') && r.path.includes('/projects/');
    assert.equal(countRoundTrips(server.requests.filter((r) => !projectKeys(r))), 1);
    assert.equal(countRoundTrips(server.requests), 2);

    now = LATER;
    server.resetStats();
    await loadSnapshot(client, { nowMs: LATER, rangeDays: 90, previous: full });
    assert.equal(server.requests.filter((r) => r.path === '/organization/projects').length, 0);
    assert.equal(server.requests.length, USAGE_ENDPOINT_IDS.length + 1 + 2, 'the data and the 2 by API key, from yesterday on; the names are recent');
    assert.equal(countRoundTrips(server.requests), 1);
  });

  it('the counter sees sequential waves: a client limited to 4 at a time needs at least a quarter of its requests in waves', async () => {
    now = NOW;
    const client = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, now: () => now, concurrency: 4 });
    server.resetStats();
    await loadSnapshot(client, { nowMs: NOW, rangeDays: 90 });
    assert.ok(server.requests.length >= 32);
    // At least: a slow answer (the fake builds its data on the first queries) can stagger the slots.
    assert.ok(countRoundTrips(server.requests) >= Math.ceil(32 / 4), String(countRoundTrips(server.requests)));
  });
});
