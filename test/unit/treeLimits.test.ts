// A project's hard spend limit in the tree (issue "Spend awareness"): its month-to-date share in
// the row, the limit in the tooltip, and a limit the key may not read said so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { treeItemText } from '../../src/views/treeText';
import type { TreeProject } from '../../src/views/treeText';
import { renderStatus } from '../../src/views/statusText';
import { formatMoney } from '../../src/shared/format';

const base: TreeProject = { id: 'proj_a', name: 'Alpha', archived: false, spend: 120, models: [], lineItems: [] };
/** Markdown read as text: the escapes removed. */
const plain = (md: string | undefined): string => (md ?? '').replace(/\\(.)/g, '$1');
const text = (p: TreeProject) => treeItemText({ kind: 'project', project: p, currency: 'usd' }, 30);

describe('tree: a project’s spend limit', () => {
  it('says the limit and the month-to-date share of it in the tooltip and the accessible label', () => {
    const t = text({ ...base, limit: { reading: 'set', amount: 1000, currency: 'usd', enforcing: true, monthToDate: 450, percent: 45 } });
    assert.equal(t.description, '$120.00', 'the row keeps the range spend');
    assert.ok(plain(t.tooltip).includes('Hard spend limit: $1,000.00 a month; month to date $450.00 (45 %)'), plain(t.tooltip));
    assert.match(t.accessibilityLabel ?? '', /45 % of \$1,000\.00 limit/);
  });
  it('a limit not enforcing, none set, or not readable, in words', () => {
    assert.match(plain(text({ ...base, limit: { reading: 'set', amount: 10, currency: 'usd', enforcing: false, monthToDate: 1, percent: 10 } }).tooltip), /not enforcing/);
    assert.match(plain(text({ ...base, limit: { reading: 'none', currency: 'usd', enforcing: false, monthToDate: 1 } }).tooltip), /No hard spend limit set/);
    assert.match(plain(text({ ...base, limit: { reading: 'unreadable', currency: 'usd', enforcing: false, monthToDate: 1 } }).tooltip), /not readable with this key/);
    assert.equal(text(base).description, '$120.00', 'no limit read: the spend alone');
  });
});

describe('status tooltip: which budget is in force', () => {
  it('says it in words, escaped', () => {
    const figures = { currency: 'usd', today: 1, yesterday: 1, monthToDate: 10, forecastMonthEnd: 20, topProjectsToday: [], fetchedAt: 0 };
    const state = { mode: 'api' as const, snapshot: undefined, loading: false, error: undefined, staleSince: undefined };
    const v = renderStatus(state, figures, { show: 'today', monthlyBudget: 100, budgetWarningPercent: 80, formatMoney, formatTime: String, budgetNote: "The organization's hard spend limit ($100.00 a month)" });
    assert.ok(plain(v.tooltip).includes("The organization's hard spend limit ($100.00 a month)"), v.tooltip);
    assert.ok(!v.tooltip.includes("limit ($100"), 'escaped in the Markdown');
  });
});
