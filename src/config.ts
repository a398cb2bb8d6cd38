import * as vscode from 'vscode';
import type { ProxySettings } from './api/proxy';

export type StatusBarShow = 'today' | 'month' | 'todayAndMonth';

/** The extension's settings (SPEC §2), read fresh each time so a change applies live. */
export interface Settings {
  readonly apiBaseUrl: string;
  readonly refreshIntervalMinutes: number;
  readonly monthlyBudget: number;
  readonly budgetWarningPercent: number;
  readonly statusBarEnabled: boolean;
  readonly statusBarShow: StatusBarShow;
  readonly defaultRangeDays: number;
  /** A team server (`openai-usage-insight serve`) to read from instead of the API; '' = none. */
  readonly teamServerUrl: string;
  /** Show the estimate of today's not-yet-billed spend beside the billed figure. */
  readonly statusBarEstimateToday: boolean;
  readonly alertsEnabled: boolean;
  /** Today's estimate against the median day of the last 14: a spike past this factor. */
  readonly spikeFactor: number;
}

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

function finiteAtLeast(value: unknown, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('openaiUsage');
  const show = c.get<string>('statusBar.show');
  const days = c.get<number>('defaultRangeDays');
  return {
    // Only the user's own value: a workspace (a cloned repository) must never choose where the
    // admin key is sent. The manifest also scopes the setting to the application.
    apiBaseUrl: (c.inspect<string>('apiBaseUrl')?.globalValue ?? '').trim() || DEFAULT_BASE_URL,
    refreshIntervalMinutes: finiteAtLeast(c.get('refreshIntervalMinutes'), 0, 15),
    monthlyBudget: finiteAtLeast(c.get('monthlyBudget'), 0, 0),
    budgetWarningPercent: Math.min(100, finiteAtLeast(c.get('budgetWarningPercent'), 1, 80)),
    statusBarEnabled: c.get<boolean>('statusBar.enabled') ?? true,
    statusBarShow: show === 'month' || show === 'todayAndMonth' ? show : 'today',
    defaultRangeDays: typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 180 ? days : 30,
    // Like apiBaseUrl: only the user's own value, so a workspace cannot send the token elsewhere.
    teamServerUrl: (c.inspect<string>('teamServerUrl')?.globalValue ?? '').trim(),
    statusBarEstimateToday: c.get<boolean>('statusBar.estimateToday') ?? true,
    alertsEnabled: c.get<boolean>('alerts.enabled') ?? true,
    spikeFactor: finiteAtLeast(c.get('alerts.spikeFactor'), 1, 3),
  };
}

/** VS Code's proxy settings, handed to `src/api/proxy.ts` (which never imports vscode). */
export function readProxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy') ?? '').trim();
  return {
    proxy: proxy || undefined,
    noProxy: http.get<string[]>('noProxy') ?? [],
    strictSSL: http.get<boolean>('proxyStrictSSL') ?? true,
  };
}
