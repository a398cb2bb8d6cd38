// The extension's one configuration listener: each setting change goes to whoever it concerns.
// No vscode: the event and the targets are injected, so the dispatch is unit-tested.
import type { Mode } from '../state';
import type { DisposableLike } from './disposable';

export interface ConfigChange {
  affectsConfiguration(section: string): boolean;
}

export interface ConfigPlan {
  /** Another host is another origin: re-resolve the mode (its data never mixes with the old host's), then restart the refresh. */
  readonly reresolve: boolean;
  /** The proxy settings changed: the same key and host through a new client, fetched again. */
  readonly newSource: boolean;
  /** What a refresh fetches changed (the range): cancel the running one and start anew. */
  readonly restart: boolean;
  /** Any of our settings: the views re-render and the dashboard hears of it (budget, status bar…). */
  readonly rerender: boolean;
}

export function planConfigChange(e: ConfigChange): ConfigPlan {
  const reresolve = e.affectsConfiguration('openaiUsage.apiBaseUrl') || e.affectsConfiguration('openaiUsage.teamServerUrl');
  const newSource = !reresolve && e.affectsConfiguration('http');
  const restart = !reresolve && !newSource && e.affectsConfiguration('openaiUsage.defaultRangeDays');
  return { reresolve, newSource, restart, rerender: e.affectsConfiguration('openaiUsage') };
}

export interface ConfigTargets {
  readonly mode: { apply(): Promise<Mode> };
  readonly model: { invalidateSource(): void; refresh(options: { readonly restart: boolean }): Promise<void> };
  readonly presenter: { render(): void };
  readonly dashboard: { onSettingsChange(): void };
}

export function listenToSettings(onDidChange: (listener: (e: ConfigChange) => unknown) => DisposableLike, targets: ConfigTargets): DisposableLike {
  return onDidChange(async (e) => {
    const plan = planConfigChange(e);
    if (plan.reresolve) {
      if ((await targets.mode.apply()) !== 'none') void targets.model.refresh({ restart: true });
    } else if (plan.newSource) {
      targets.model.invalidateSource();
      void targets.model.refresh({ restart: true });
    } else if (plan.restart) {
      void targets.model.refresh({ restart: true });
    }
    if (plan.rerender) {
      targets.presenter.render();
      targets.dashboard.onSettingsChange();
    }
  });
}
