import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageState } from '../../src/state';
import { budgetLevel } from '../../src/report/forecast';
import { renderStatus, type StatusFigures, type StatusOptions } from '../../src/views/statusText';

const figures: StatusFigures = {
  currency: 'usd',
  today: 12.345,
  yesterday: 20,
  monthToDate: 400,
  forecastMonthEnd: 900,
  topProjectsToday: [
    { name: 'Search *beta*', spend: 8 },
    { name: 'Chat', spend: 4.345 },
  ],
  fetchedAt: 1_700_000_000_000,
};
const options: StatusOptions = {
  show: 'today',
  monthlyBudget: 0,
  budgetWarningPercent: 80,
  formatMoney: (v) => `$${v.toFixed(2)}`,
  formatTime: (ms) => new Date(ms).toISOString(),
};
const ready: UsageState = { mode: 'api', snapshot: undefined, loading: false, error: undefined, staleSince: undefined };

describe('renderStatus', () => {
  it('prompts for a key when there is none', () => {
    const v = renderStatus({ ...ready, mode: 'none' }, undefined, options);
    assert.match(v.text, /^\$\(key\)/);
    assert.equal(v.command, 'openaiUsage.setAdminKey');
  });

  it("shows today's spend with the graph icon and opens the dashboard", () => {
    const v = renderStatus(ready, figures, options);
    assert.equal(v.text, '$(graph) $12.35');
    assert.equal(v.command, 'openaiUsage.show');
    assert.equal(v.background, undefined);
    for (const part of ['Today (UTC day', 'Yesterday', 'Month to date', 'Month-end forecast', 'Top projects today', 'Last updated', 'UTC day', 'provisional']) {
      assert.ok(v.tooltip.includes(part), `tooltip has ${part}`);
    }
    assert.ok(v.tooltip.includes('Search \\*beta\\*'), 'project names are escaped');
  });

  it('follows statusBar.show', () => {
    assert.equal(renderStatus(ready, figures, { ...options, show: 'month' }).text, '$(graph) $400.00 MTD');
    assert.equal(renderStatus(ready, figures, { ...options, show: 'todayAndMonth' }).text, '$(graph) $12.35 · $400.00 MTD');
  });

  it('spins while loading and keeps the value', () => {
    assert.equal(renderStatus({ ...ready, loading: true }, figures, options).text, '$(sync~spin) $12.35');
    assert.match(renderStatus({ ...ready, loading: true }, undefined, options).text, /sync~spin/);
  });

  it('marks stale data and says since when', () => {
    const v = renderStatus({ ...ready, staleSince: 1_700_000_100_000, error: { message: 'Could not reach the API.', kind: 'network' } }, figures, options);
    assert.equal(v.text, '$(warning) $12.35');
    assert.ok(v.tooltip.includes(`Stale since ${new Date(1_700_000_100_000).toISOString()}`));
    assert.ok(v.tooltip.includes('Could not reach the API\\.'));
  });

  it('shows an error with what to do when there is no data', () => {
    const v = renderStatus({ ...ready, error: { message: 'The admin key was refused.', kind: 'auth' } }, undefined, options);
    assert.match(v.text, /^\$\(warning\)/);
    assert.ok(v.tooltip.includes('The admin key was refused'));
  });

  it('says Sample data in sample mode', () => {
    const v = renderStatus({ ...ready, mode: 'sample' }, figures, options);
    assert.ok(v.text.endsWith('(sample)'));
    assert.ok(v.tooltip.includes('Sample data'));
    assert.ok(v.accessibilityLabel.includes('sample data'));
  });

  it('turns warning past the warning percent and error past 100 %', () => {
    assert.equal(renderStatus(ready, figures, { ...options, monthlyBudget: 1000 }).background, undefined);
    assert.equal(renderStatus(ready, figures, { ...options, monthlyBudget: 500 }).background, 'warning');
    assert.equal(renderStatus(ready, figures, { ...options, monthlyBudget: 399 }).background, 'error');
    assert.ok(renderStatus(ready, figures, { ...options, monthlyBudget: 500 }).tooltip.includes('Budget used | 80 %'));
  });

  it('budgetLevel has no level without a budget', () => {
    assert.equal(budgetLevel(1e9, 0, 80), 'ok');
    assert.equal(budgetLevel(79.9, 100, 80), 'ok');
    assert.equal(budgetLevel(80, 100, 80), 'warning');
    assert.equal(budgetLevel(100, 100, 80), 'warning');
    assert.equal(budgetLevel(100.01, 100, 80), 'over');
  });

  it('marks figures of an earlier UTC day and says to refresh', () => {
    const v = renderStatus(ready, { ...figures, asOfDay: '2026-11-22' }, options);
    assert.equal(v.text, '$(warning) $12.35');
    assert.ok(v.tooltip.includes('These figures are of 2026-11-22 (UTC)'));
    assert.match(v.accessibilityLabel, /on 2026-11-22 \$12\.35/);
  });
});


describe('status bar: today billed beside its estimate', () => {
  const estimate = { billed: 12.35, unbilledEstimate: 3.45, total: 15.8, basis: 'usage through 14:00 UTC × unit prices learned from …', notEstimated: 1 };
  const withEstimate: StatusFigures = { ...figures, todayEstimate: estimate, yesterdayEstimate: { ...estimate, billed: 20, unbilledEstimate: 1, total: 21 } };

  it('shows "$12.35 · ≈$15.80", and the tooltip says what is billed, what is estimated, from what', () => {
    const v = renderStatus(ready, withEstimate, options);
    assert.equal(v.text, '$(graph) $12.35 · ≈$15.80');
    assert.match(v.tooltip, /Today, estimated \(billed \+ not yet billed\) \| ≈\\\$15\\\.80 \(≈\\\$3\\\.45 not billed yet\)/);
    assert.match(v.tooltip, /Yesterday, estimated/);
    assert.match(v.tooltip, /Billed today: \\\$12\\\.35/);
    assert.match(v.tooltip, /Not estimated: 1 usage series/);
    assert.match(v.accessibilityLabel, /\$12\.35 billed, about \$15\.80 estimated/);
  });

  it('the setting off, nothing to estimate, or figures of an earlier day: the billed figure alone', () => {
    assert.equal(renderStatus(ready, withEstimate, { ...options, estimateToday: false }).text, '$(graph) $12.35');
    assert.ok(!renderStatus(ready, withEstimate, { ...options, estimateToday: false }).tooltip.includes('estimated'));
    assert.equal(renderStatus(ready, { ...figures, todayEstimate: { ...estimate, unbilledEstimate: 0, total: 12.35 } }, options).text, '$(graph) $12.35');
    assert.equal(renderStatus(ready, { ...withEstimate, asOfDay: '2026-11-22' }, options).text, '$(warning) $12.35');
  });
});
