import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDisposable } from '../../src/app/disposable';
import { listenToSettings, planConfigChange } from '../../src/app/settingsListener';
import type { ConfigChange } from '../../src/app/settingsListener';
import type { Mode } from '../../src/state';

/** A change event for these settings, answering affectsConfiguration the way VS Code does (by section prefix). */
function change(...keys: string[]): ConfigChange {
  return { affectsConfiguration: (section) => keys.some((k) => k === section || k.startsWith(`${section}.`)) };
}

describe('app/settingsListener: planConfigChange', () => {
  it('the base URL re-resolves the mode (and re-renders)', () => {
    assert.deepEqual(planConfigChange(change('openaiUsage.apiBaseUrl')), { reresolve: true, newSource: false, restart: false, rerender: true });
  });
  it('the proxy settings make a new source, and nothing of ours re-renders', () => {
    assert.deepEqual(planConfigChange(change('http.proxy')), { reresolve: false, newSource: true, restart: false, rerender: false });
  });
  it('the range restarts the refresh', () => {
    assert.deepEqual(planConfigChange(change('openaiUsage.defaultRangeDays')), { reresolve: false, newSource: false, restart: true, rerender: true });
  });
  it('the budget only re-renders; another extension’s setting does nothing', () => {
    assert.deepEqual(planConfigChange(change('openaiUsage.monthlyBudget')), { reresolve: false, newSource: false, restart: false, rerender: true });
    assert.deepEqual(planConfigChange(change('editor.fontSize')), { reresolve: false, newSource: false, restart: false, rerender: false });
  });
});

describe('app/settingsListener: listenToSettings', () => {
  function setup(resolvesTo: Mode) {
    const calls: string[] = [];
    let fire!: (e: ConfigChange) => unknown;
    const sub = listenToSettings(
      (l) => {
        fire = l;
        return toDisposable(() => calls.push('unsubscribed'));
      },
      {
        mode: { apply: async () => (calls.push('apply'), resolvesTo) },
        model: {
          invalidateSource: () => void calls.push('invalidateSource'),
          refresh: async (o) => void calls.push(`refresh:${o.restart ? 'restart' : 'join'}`),
        },
        presenter: { render: () => void calls.push('render') },
        dashboard: { onSettingsChange: () => void calls.push('dashboard') },
      },
    );
    return { calls, fire: (e: ConfigChange) => fire(e), sub };
  }

  it('a new base URL: the mode first, then a restarted refresh, then the views', async () => {
    const s = setup('api');
    await s.fire(change('openaiUsage.apiBaseUrl'));
    assert.deepEqual(s.calls, ['apply', 'refresh:restart', 'render', 'dashboard']);
  });
  it('a new base URL with no key: no refresh', async () => {
    const s = setup('none');
    await s.fire(change('openaiUsage.apiBaseUrl'));
    assert.deepEqual(s.calls, ['apply', 'render', 'dashboard']);
  });
  it('proxy settings: a new source and a restarted refresh', async () => {
    const s = setup('api');
    await s.fire(change('http.proxyStrictSSL'));
    assert.deepEqual(s.calls, ['invalidateSource', 'refresh:restart']);
  });
  it('the status bar setting only re-renders; disposing unsubscribes', async () => {
    const s = setup('api');
    await s.fire(change('openaiUsage.statusBar.show'));
    s.sub.dispose();
    assert.deepEqual(s.calls, ['render', 'dashboard', 'unsubscribed']);
  });
});
