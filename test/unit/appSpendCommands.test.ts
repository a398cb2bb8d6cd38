// "Set Spend Limit…" and "Manage Spend Alerts…" as flows over scripted prompts, writing through the
// real client to the loopback fake server: the confirmation shows dollars and the scope, a
// confirmed write changes the server and refreshes, a refused or cancelled one changes nothing.
// Also the limits read with each refresh (loadSnapshot with budgets), a 403 said quietly.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { UsageClient } from '../../src/api/client';
import { errorFromStatus } from '../../src/api/errors';
import {
  confirmSetLimit,
  manageSpendAlertsFlow,
  parseDollars,
  parseRecipients,
  scopeChoices,
  setSpendLimitFlow,
} from '../../src/app/spendCommands';
import type { PickItem, SpendFlowDeps, SpendUi } from '../../src/app/spendCommands';
import { budgetInForce, budgetSourceText, projectBudgets } from '../../src/report/budgets';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { StatusSchema } from '../../src/shared/protocol';
import { loadSnapshot } from '../../src/usage/loader';
import { serializeSnapshot } from '../../src/usage/snapshotStore';
import { decodeSnapshot } from '../../src/usage/compactStore';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSource } from '../../src/usage/source';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';

const NOW = Date.UTC(2026, 10, 23, 14, 37);
let server: FakeServer;
let snapshot: UsageSnapshot;

const client = (): UsageClient => new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, now: () => NOW, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });

before(async () => {
  server = await startFakeServer({ data: createSampleOrg({ now: NOW }), now: () => NOW });
  snapshot = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30, budgets: true });
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.faults.forbidden = [];
  server.faults.serverError = 0;
});

/** Answers each prompt from a script: a pick by label, an input's text, a confirmation's yes/no. */
function scripted(answers: (string | boolean | undefined)[]): SpendUi & { said: string[]; confirms: string[] } {
  const said: string[] = [];
  const confirms: string[] = [];
  const next = (): string | boolean | undefined => answers.shift();
  return {
    said,
    confirms,
    pick: <T>(_title: string, items: readonly PickItem<T>[]): Promise<T | undefined> => {
      const label = next();
      const item = items.find((i) => i.label === label);
      if (label !== undefined && !item) throw new Error(`no item ${String(label)} in ${items.map((i) => i.label).join(', ')}`);
      return Promise.resolve(item?.value);
    },
    input: (o) => {
      const text = next();
      if (typeof text === 'string') assert.equal(o.validate(text), undefined, `"${text}" is accepted`);
      return Promise.resolve(typeof text === 'string' ? text : undefined);
    },
    confirm: (message) => {
      confirms.push(message);
      return Promise.resolve(next() === true);
    },
    progress: (_title, task) => task(),
    info: (m) => void said.push(`info: ${m}`),
    error: (m) => void said.push(`error: ${m}`),
  };
}

function deps(ui: SpendUi, source: UsageSource = client()): SpendFlowDeps & { refreshes: number } {
  const d = {
    ui,
    refreshes: 0,
    source: () => Promise.resolve(source),
    snapshot: () => snapshot,
    refresh: () => {
      d.refreshes++;
      return Promise.resolve();
    },
    describeError: (e: unknown) => (e instanceof Error ? e.message : String(e)),
  };
  return d;
}

describe('app/spendCommands: parsing and wording', () => {
  it('dollars as typed, to whole cents; anything else refused', () => {
    assert.equal(parseDollars('1234'), 123_400);
    assert.equal(parseDollars(' $1,234.5 '), 123_450);
    assert.equal(parseDollars('0.01'), 1);
    for (const bad of ['', '0', '-5', '12.345', 'abc', '1e3', '10000001', 'NaN']) assert.equal(parseDollars(bad), undefined, bad);
  });

  it('recipients: addresses separated by commas, deduplicated; a non-address refused', () => {
    assert.deepEqual(parseRecipients('a@example.com, b@example.com a@example.com'), ['a@example.com', 'b@example.com']);
    assert.equal(parseRecipients(''), undefined);
    assert.equal(parseRecipients('a@example.com, nobody'), undefined);
  });

  it('the confirmation says the scope and the amount in dollars', () => {
    const [org, project] = scopeChoices(snapshot);
    assert.ok(org && project);
    assert.equal(confirmSetLimit(org, 123_400), "Set the organization's hard spend limit to $1,234.00 a month?");
    assert.match(confirmSetLimit(project, 30_000), /^Set the hard spend limit of project “.+” to \$300\.00 a month\?$/);
  });

  it('scopes: the organisation with its limit, then the active projects by name with theirs', () => {
    const choices = scopeChoices(snapshot);
    assert.deepEqual(choices[0], { scope: {}, name: 'the organization', label: 'Organization', description: '$5,000.00 a month' });
    const studio = choices.find((c) => c.scope.projectId === 'proj_sample_studio');
    assert.match(studio?.description ?? '', /\$300\.00 a month, not enforced/);
    const active = snapshot.projects.filter((p) => p.status !== 'archived');
    assert.equal(choices.length, active.length + 1);
  });
});

describe('loadSnapshot with budgets: the limits read with the data', () => {
  it('the organisation and each active project, currency lower-cased; the budget in force is the limit', () => {
    assert.deepEqual(snapshot.budgets?.organization, { kind: 'set', limit: { thresholdCents: 500_000, currency: 'usd', enforcing: true } });
    assert.deepEqual(snapshot.budgets?.projects.proj_sample_studio, { kind: 'set', limit: { thresholdCents: 30_000, currency: 'usd', enforcing: false } });
    assert.deepEqual(snapshot.budgets?.projects.proj_sample_support, { kind: 'none' });
    const active = snapshot.projects.filter((p) => p.status !== 'archived').map((p) => p.id).sort();
    assert.deepEqual(Object.keys(snapshot.budgets?.projects ?? {}).sort(), active);
    assert.deepEqual(budgetInForce(snapshot, 123), { amount: 5000, currency: 'usd', source: 'spendLimit', enforcing: true });
    assert.equal(budgetSourceText(budgetInForce(snapshot, 0), snapshot.budgets?.organization), "The organization's hard spend limit (enforced).");
    const studio = projectBudgets(snapshot, NOW).find((b) => b.projectId === 'proj_sample_studio');
    assert.equal(studio?.limit, 300);
    assert.ok((studio?.monthToDate ?? 0) > 0);
    assert.equal(studio?.percent, ((studio?.monthToDate ?? 0) / 300) * 100);
  });

  it('a key that may not read limits (403): unreadable, the refresh succeeds, no project limit is asked, the setting is used', async () => {
    server.faults.forbidden = ['spend_limit'];
    server.resetStats();
    const s = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30, budgets: true });
    assert.equal(s.budgets?.organization.kind, 'unreadable');
    assert.deepEqual(s.budgets?.projects, {});
    assert.equal(server.requests.filter((r) => r.path.endsWith('/spend_limit')).length, 1);
    assert.deepEqual(s.costs, snapshot.costs, 'the data is all there');
    assert.deepEqual(budgetInForce(s, 750), { amount: 750, currency: 'usd', source: 'setting' });
    assert.match(budgetSourceText(budgetInForce(s, 750), s.budgets?.organization) ?? '', /personal budget \(setting\): this key cannot read the spend limit/);
  });

  it('another failure keeps what the last snapshot knew, so the budget in force does not flip', async () => {
    const sample = createSampleOrg({ now: NOW });
    const failing: UsageSource = Object.assign(Object.create(sample) as UsageSource, {
      getSpendLimit: () => Promise.reject(errorFromStatus(500, undefined)),
    });
    const first = await loadSnapshot(sample, { nowMs: NOW, rangeDays: 30, budgets: true });
    const again = await loadSnapshot(failing, { nowMs: NOW, rangeDays: 30, budgets: true, previous: first });
    assert.deepEqual(again.budgets, first.budgets);
    const fresh = await loadSnapshot(failing, { nowMs: NOW, rangeDays: 30, budgets: true });
    assert.equal(fresh.budgets?.organization.kind, 'unreadable');
  });

  it('the limits are kept on disk with the snapshot, and sent to the dashboard in its status', () => {
    const stored = decodeSnapshot(serializeSnapshot(snapshot));
    assert.deepEqual(stored?.budgets, snapshot.budgets);
    const budget = budgetInForce(snapshot, 0);
    const status = StatusSchema.safeParse({
      mode: 'api',
      loading: false,
      currency: 'usd',
      budget: budget?.amount ?? 0,
      budgetSource: budget?.source,
      budgetEnforcing: budget?.enforcing,
      spendLimit: snapshot.budgets?.organization.kind,
      budgetNote: budgetSourceText(budget, snapshot.budgets?.organization),
      projectBudgets: projectBudgets(snapshot, NOW),
      projects: [],
      options: { models: [], apiKeyIds: [], userIds: [], sources: [], sizes: [], vectorStoreIds: [], contextLevels: [] },
    });
    assert.ok(status.success, JSON.stringify(status.error));
    assert.equal(status.data.budgetSource, 'spendLimit');
  });

  it('without the option nothing about limits is asked', async () => {
    server.resetStats();
    const s = await loadSnapshot(client(), { nowMs: NOW, rangeDays: 30 });
    assert.equal(s.budgets, undefined);
    assert.equal(server.requests.filter((r) => r.path.includes('spend')).length, 0);
  });
});

describe('app/spendCommands: Set Spend Limit…', () => {
  it('changes the organisation limit on the server after the confirmation, then refreshes', async () => {
    const ui = scripted(['Organization', 'Change the limit…', '1,234', true]);
    const d = deps(ui);
    assert.equal(await setSpendLimitFlow(d), 'done');
    assert.deepEqual(ui.confirms, ["Set the organization's hard spend limit to $1,234.00 a month?"]);
    assert.equal((await client().getSpendLimit({}))?.thresholdCents, 123_400);
    assert.equal(d.refreshes, 1);
    assert.match(ui.said.join('\n'), /info: .*now \$1,234\.00 a month/);
  });

  it('declined at the confirmation: nothing is written, no refresh', async () => {
    const before = await client().getSpendLimit({});
    server.resetStats();
    const ui = scripted(['Organization', 'Change the limit…', '99', false]);
    const d = deps(ui);
    assert.equal(await setSpendLimitFlow(d), 'cancelled');
    assert.deepEqual(await client().getSpendLimit({}), before);
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 0);
    assert.equal(d.refreshes, 0);
  });

  it('a refused write (403) says why and that nothing changed; no refresh', async () => {
    const ui = scripted(['Organization', '700', true]);
    server.faults.forbidden = ['spend_limit'];
    const d = deps(ui);
    assert.equal(await setSpendLimitFlow(d), 'failed');
    assert.match(ui.said.join('\n'), /^error: Could not set the spend limit of the organization: this key may not change spend limits or alerts \(403\).*Nothing was changed\.$/);
    assert.equal(d.refreshes, 0);
    server.faults.forbidden = [];
    assert.equal((await client().getSpendLimit({}))?.thresholdCents, 123_400, 'the server kept its limit');
  });

  it('sets a project limit where none was, and removes it again', async () => {
    const ui = scripted(['Support Assistant', '250', true]);
    const project = snapshot.projects.find((p) => p.id === 'proj_sample_support');
    assert.equal(project?.name, 'Support Assistant', 'the sample project this test uses');
    assert.equal(await setSpendLimitFlow(deps(ui)), 'done');
    assert.deepEqual(ui.confirms, ['Set the hard spend limit of project “Support Assistant” to $250.00 a month?']);
    assert.equal((await client().getSpendLimit({ projectId: 'proj_sample_support' }))?.thresholdCents, 25_000);
    const remove = scripted(['Support Assistant', 'Remove the limit', true]);
    assert.equal(await setSpendLimitFlow(deps(remove)), 'done');
    assert.deepEqual(remove.confirms, ['Remove the hard spend limit of project “Support Assistant” of $250.00 a month?']);
    assert.equal(await client().getSpendLimit({ projectId: 'proj_sample_support' }), null);
  });

  it('without a source that has limits: says what to do', async () => {
    const ui = scripted([]);
    const d = { ...deps(ui), source: () => Promise.resolve(undefined) };
    assert.equal(await setSpendLimitFlow(d), 'unavailable');
    assert.match(ui.said[0] ?? '', /^error: Set an admin key first/);
  });
});

describe('app/spendCommands: Manage Spend Alerts…', () => {
  it('creates, changes and removes an organisation alert on the server', async () => {
    const create = scripted(['Organization', '$(add) New alert…', '3000', 'ops@example.com, lead@example.com', true]);
    assert.equal(await manageSpendAlertsFlow(deps(create)), 'done');
    assert.deepEqual(create.confirms, ['Create a spend alert for the organization at $3,000.00 a month, e-mailing ops@example.com, lead@example.com?']);
    const made = (await client().listSpendAlerts({})).find((a) => a.thresholdCents === 300_000);
    assert.deepEqual(made?.recipients, ['ops@example.com', 'lead@example.com']);

    const change = scripted(['Organization', '$3,000.00 a month', 'Change…', '3500', 'ops@example.com', true]);
    assert.equal(await manageSpendAlertsFlow(deps(change)), 'done');
    assert.deepEqual(change.confirms, ["Change the organization's spend alert from $3,000.00 to $3,500.00 a month, e-mailing ops@example.com?"]);
    const changed = (await client().listSpendAlerts({})).find((a) => a.id === made?.id);
    assert.equal(changed?.thresholdCents, 350_000);
    assert.deepEqual(changed?.recipients, ['ops@example.com']);

    const remove = scripted(['Organization', '$3,500.00 a month', 'Remove', true]);
    assert.equal(await manageSpendAlertsFlow(deps(remove)), 'done');
    assert.equal((await client().listSpendAlerts({})).some((a) => a.id === made?.id), false);
  });

  it('alerts that cannot be read (403): said, nothing asked further', async () => {
    server.faults.forbidden = ['spend_alerts'];
    const ui = scripted(['Organization']);
    assert.equal(await manageSpendAlertsFlow(deps(ui)), 'failed');
    assert.match(ui.said[0] ?? '', /^error: Could not read the spend alerts of the organization: this key may not/);
  });
});
