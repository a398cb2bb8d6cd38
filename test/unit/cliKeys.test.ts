// `keys`, `summary --json` apiKeys and `daily --by key` against the loopback fake API: spend by key
// under each key's name, summed here independently from the sample organisation's own rows; a 403 on
// a part of the names shows IDs, one quiet note on stderr, exit 0.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli';
import { addDays, dayStartOfMs } from '../../src/shared/time';
import { createSampleOrg } from '../../src/usage/sample';
import { startFakeServer, type FakeServer } from '../server/fakeServer';

const KEY = 'sk-admin-FAKE-keys-test-000';
const NOW = Date.UTC(2026, 10, 18, 15, 30);

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => (out += `${t}\n`), now: () => NOW }, (l) => err.push(l));
  return { code, out, err };
}

interface KeyJson {
  id: string;
  name: string;
  projectId: string | null;
  spend: number;
  owner?: string;
  nameMissing?: string;
}

describe('spend by API key, by name', () => {
  const org = createSampleOrg({ now: NOW });
  let server: FakeServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startFakeServer({ data: org, adminKeys: [KEY], now: () => NOW });
    env = { OPENAI_ADMIN_KEY: KEY, OPENAI_BASE_URL: server.url };
  });
  afterEach(() => {
    server.faults.forbidden = [];
  });
  after(() => server.close());

  /** Spend per key over the last `days` days, from the organisation's own rows. */
  const expectedSpend = (days: number): Map<string, number> => {
    const today = dayStartOfMs(NOW);
    const expected = new Map<string, number>();
    for (const b of org.querySync({ endpoint: 'costs', startTime: addDays(today, -(days - 1)), endTime: addDays(today, 1), groupBy: ['api_key_id'], limit: 180 })) {
      for (const r of b.rows) if (r.dims.api_key_id) expected.set(r.dims.api_key_id, (expected.get(r.dims.api_key_id) ?? 0) + (r.values.amount ?? 0));
    }
    return expected;
  };
  const keysByName = new Map(org.namesSync().apiKeys.map((k) => [k.id, k]));

  const assertKeys = (keys: readonly KeyJson[], days: number, named: boolean): void => {
    const expected = expectedSpend(days);
    assert.equal(keys.length, expected.size);
    for (const k of keys) {
      assert.ok(Math.abs(k.spend - (expected.get(k.id) ?? NaN)) < 1e-5, k.id);
      if (named) {
        assert.equal(k.name, keysByName.get(k.id)?.name, k.id);
        assert.equal(k.projectId, keysByName.get(k.id)?.projectId ?? null, k.id);
        assert.equal(k.nameMissing, undefined);
      } else {
        assert.equal(k.name, k.id);
        assert.equal(k.nameMissing, 'unreadable');
      }
    }
    assert.ok(keys.some((k) => k.owner !== undefined) === named);
  };

  it('keys --json: each key with its name, owner, project and spend; no note', async () => {
    const r = await cli(['keys', '--days', '14', '--json'], env);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.deepEqual(r.err, []);
    const out = JSON.parse(r.out) as { currency: string; days: number; apiKeys: KeyJson[] };
    assert.equal(out.days, 14);
    assertKeys(out.apiKeys, 14, true);
  });

  it('summary --json carries apiKeys, the same figures as keys', async () => {
    const r = await cli(['summary', '--days', '7', '--json'], env);
    assert.equal(r.code, 0, r.err.join('\n'));
    const out = JSON.parse(r.out) as { apiKeys: KeyJson[] };
    assertKeys(out.apiKeys, 7, true);
  });

  it('keys table: names beside IDs', async () => {
    const r = await cli(['keys', '--days', '7'], env);
    assert.equal(r.code, 0);
    for (const k of org.namesSync().apiKeys.filter((x) => expectedSpend(7).has(x.id))) assert.match(r.out, new RegExp(`${k.name}\\s+${k.id}`));
  });

  it('a 403 on api_keys: IDs shown, one quiet note, exit 0 (keys, summary, daily --by key)', async () => {
    server.faults.forbidden = ['api_keys'];
    const keys = await cli(['keys', '--days', '14', '--json'], env);
    assert.equal(keys.code, 0, keys.err.join('\n'));
    assert.deepEqual(keys.err, ['Note: API key names are not readable with this key: IDs are shown instead.']);
    assertKeys((JSON.parse(keys.out) as { apiKeys: KeyJson[] }).apiKeys, 14, false);

    const summary = await cli(['summary', '--days', '14', '--json'], env);
    assert.equal(summary.code, 0);
    assert.equal(summary.err.length, 1);
    assertKeys((JSON.parse(summary.out) as { apiKeys: KeyJson[] }).apiKeys, 14, false);

    const daily = await cli(['daily', '--days', '2', '--by', 'key', '--csv'], env);
    assert.equal(daily.code, 0);
    assert.equal(daily.err.length, 1);
    assert.match(daily.err[0] ?? '', /not readable/);
    const rows = daily.out.trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    for (const c of rows.filter((x) => x[1] !== '')) assert.equal(c[2], c[1]);
  });

  it('a 403 on users: key names still shown (the owner comes with the key), no note for keys', async () => {
    server.faults.forbidden = ['users'];
    const r = await cli(['keys', '--days', '14', '--json'], env);
    assert.equal(r.code, 0);
    assert.deepEqual(r.err, []);
    assertKeys((JSON.parse(r.out) as { apiKeys: KeyJson[] }).apiKeys, 14, true);
  });

  it('usage grouped by user and key: names beside IDs; a 403 on users: IDs, one note, exit 0', async () => {
    const users = new Map(org.namesSync().users.map((u) => [u.id, u.name]));
    const named = await cli(['usage', 'completions', '--days', '2', '--group-by', 'user_id,api_key_id', '--csv'], env);
    assert.equal(named.code, 0, named.err.join('\n'));
    assert.deepEqual(named.err, []);
    const [head, ...lines] = named.out.trim().split(/\r?\n/);
    assert.match(head ?? '', /^start,key_name,user_name,user_id,api_key_id,/);
    assert.ok(lines.length > 0);
    for (const c of lines.map((l) => l.split(','))) {
      assert.equal(c[2], users.get(c[3] ?? ''), c[3]);
      assert.equal(c[1], keysByName.get(c[4] ?? '')?.name, c[4]);
    }

    server.faults.forbidden = ['users'];
    const denied = await cli(['usage', 'completions', '--days', '2', '--group-by', 'user_id', '--csv'], env);
    assert.equal(denied.code, 0, denied.err.join('\n'));
    assert.deepEqual(denied.err, ['Note: User names are not readable with this key: IDs are shown instead.']);
    for (const c of denied.out.trim().split(/\r?\n/).slice(1).map((l) => l.split(','))) assert.equal(c[1], c[2]);
  });

  it('keys refuses bad options with one line, and never the key', async () => {
    const r = await cli(['keys', '--days', 'x'], env);
    assert.equal(r.code, 1);
    assert.equal(r.err.length, 1);
    assert.ok(!r.err[0]?.includes(KEY));
  });
});
