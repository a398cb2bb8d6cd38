// The tree grouped by API keys and by models (treeText + derive): each key under its name with its
// spend, owner and project, summed here independently from the sample organisation's rows; a key the
// directory does not know shows its ID and says so; unreadable names give one quiet message.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { present } from '../../src/app/presenter';
import { formatMoney } from '../../src/shared/format';
import { keyOwner } from '../../src/report/names';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { addDays, dayStartOfMs } from '../../src/shared/time';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { deriveViews } from '../../src/views/derive';
import { nodeId, nodeProjectId, parseGrouping, treeChildren, treeDescription, treeItemText } from '../../src/views/treeText';
import type { ProjectsNode, TreeData } from '../../src/views/treeText';

const NOW = Date.UTC(2026, 10, 18, 15, 30);
const DAYS = 14;
const org = createSampleOrg({ now: NOW });
let snapshot: UsageSnapshot;
before(async () => {
  snapshot = await loadSnapshot(org, { nowMs: NOW, rangeDays: DAYS });
});

const grouped = (s: UsageSnapshot, grouping: TreeData['grouping']): TreeData => ({ ...deriveViews(s, NOW, DAYS).tree, grouping });

describe('views/treeText: grouped by API key', () => {
  it('each key: name, spend and owner; the ID and project on hover; its models under it', () => {
    const data = grouped(snapshot, 'apiKeys');
    const keys = treeChildren(data);
    const today = dayStartOfMs(NOW);
    const expected = new Map<string, number>();
    for (const b of org.querySync({ endpoint: 'costs', startTime: addDays(today, -(DAYS - 1)), endTime: addDays(today, 1), groupBy: ['api_key_id'], limit: 180 })) {
      for (const r of b.rows) expected.set(r.dims.api_key_id ?? '', (expected.get(r.dims.api_key_id ?? '') ?? 0) + (r.values.amount ?? 0));
    }
    const directory = new Map(org.namesSync().apiKeys.map((k) => [k.id, k]));
    assert.ok(keys.length >= expected.size);
    for (const node of keys) {
      assert.equal(node.kind, 'key');
      if (node.kind !== 'key') continue;
      const k = node.key;
      assert.ok(Math.abs(k.spend - (expected.get(k.id) ?? 0)) < 1e-6, k.id);
      const t = treeItemText(node, DAYS);
      if (k.id === '') {
        assert.equal(t.label, 'No API key');
        continue;
      }
      const known = directory.get(k.id);
      assert.ok(known, k.id);
      assert.equal(t.label, known.name);
      assert.equal(t.description, [formatMoney(k.spend, 'usd'), keyOwner(known)].filter(Boolean).join(' · '));
      assert.match(t.tooltip ?? '', new RegExp(`ID: ${k.id.replace(/_/g, '\\\\_')}`));
      assert.equal(nodeId(node), k.id);
      assert.equal(nodeProjectId(node), known.projectId);
      assert.match(t.tooltip ?? '', /Project: /);
      if (known.owner) assert.match(t.tooltip ?? '', /Owner: /);
    }
    // Under a key: its models, tokens and requests from keyModels (completions grouped by key).
    const withModels = keys.find((n): n is Extract<ProjectsNode, { kind: 'key' }> => n.kind === 'key' && n.key.models.length > 0);
    assert.ok(withModels);
    const children = treeChildren(data, withModels);
    assert.ok(children.every((c) => c.kind === 'keyModel'));
    let requests = 0;
    for (const b of org.querySync({ endpoint: 'completions', startTime: addDays(today, -(DAYS - 1)), endTime: addDays(today, 1), groupBy: ['api_key_id'], limit: 31 })) {
      for (const r of b.rows) if (r.dims.api_key_id === withModels.key.id) requests += r.values.num_model_requests ?? 0;
    }
    assert.equal(children.reduce((a, c) => a + (c.kind === 'keyModel' ? c.row.requests : 0), 0), requests);
    assert.match(treeItemText(children[0] as ProjectsNode, DAYS).description ?? '', / req$/);
  });

  it('a key the directory does not know: its ID, "deleted or unknown key"', () => {
    const names = snapshot.names;
    assert.ok(names);
    const [first, ...rest] = names.apiKeys.items;
    assert.ok(first);
    const without: UsageSnapshot = { ...snapshot, names: { ...names, apiKeys: { ok: true, items: rest } } };
    const node = treeChildren(grouped(without, 'apiKeys')).find((n) => n.kind === 'key' && n.key.id === first.id);
    assert.ok(node, 'the key is still listed with its spend');
    const t = treeItemText(node, DAYS);
    assert.equal(t.label, `${first.id} (deleted or unknown key)`);
    assert.match(t.tooltip ?? '', /deleted or unknown key/);
    assert.equal(present({ mode: 'api', snapshot: without, loading: false, error: undefined, staleSince: undefined }, DAYS, NOW, String, 0, 'apiKeys').message, undefined);
  });

  it('key names not readable (403): IDs, and one quiet message on the view', () => {
    const names = snapshot.names;
    assert.ok(names);
    const denied: UsageSnapshot = { ...snapshot, names: { ...names, apiKeys: { ok: false, items: [], status: 403, message: 'Forbidden' } } };
    const keys = treeChildren(grouped(denied, 'apiKeys')).filter((n): n is Extract<ProjectsNode, { kind: 'key' }> => n.kind === 'key' && n.key.id !== '');
    assert.ok(keys.length > 0);
    for (const n of keys) {
      const t = treeItemText(n, DAYS);
      assert.equal(t.label, n.key.id);
      assert.match(t.tooltip ?? '', /not readable with this key/);
    }
    const st = { mode: 'api' as const, snapshot: denied, loading: false, error: undefined, staleSince: undefined };
    assert.equal(present(st, DAYS, NOW, String, 0, 'apiKeys').message, 'API key names are not readable with this key: IDs are shown instead.');
    // Grouped by project, the key note does not apply.
    assert.equal(present(st, DAYS, NOW, String, 0, 'projects').message, undefined);
  });
});

describe('views/treeText: grouped by model', () => {
  it("each model with the report's tokens and requests, and under it the projects using it", () => {
    const data = grouped(snapshot, 'models');
    const models = treeChildren(data);
    const total = models.reduce((a, n) => a + (n.kind === 'modelTotal' ? n.total.requests : 0), 0);
    assert.equal(total, deriveViews(snapshot, NOW, DAYS).tree.projects.reduce((a, p) => a + p.models.reduce((x, m) => x + m.requests, 0), 0));
    for (const node of models) {
      assert.equal(node.kind, 'modelTotal');
      if (node.kind !== 'modelTotal') continue;
      const kids = treeChildren(data, node);
      assert.equal(kids.reduce((a, k) => a + (k.kind === 'modelProject' ? k.row.requests : 0), 0), node.total.requests, node.total.model);
      for (const k of kids) {
        const t = treeItemText(k, DAYS);
        assert.equal(k.kind, 'modelProject');
        if (k.kind === 'modelProject') {
          assert.equal(t.label, data.projects.find((p) => p.id === k.row.projectId)?.name);
          assert.equal(nodeProjectId(k), k.row.projectId);
        }
      }
    }
  });

  it('the description says the grouping; projects stays as it was', () => {
    assert.equal(treeDescription(30), 'last 30 UTC days');
    assert.equal(treeDescription(30, 'apiKeys'), 'last 30 UTC days · by API key');
    assert.equal(treeDescription(7, 'models', true), 'Sample data · by model');
  });

  it('the kept grouping: a known value, else projects', () => {
    assert.equal(parseGrouping('apiKeys'), 'apiKeys');
    assert.equal(parseGrouping('bogus'), 'projects');
    assert.equal(parseGrouping(undefined), 'projects');
  });
});
