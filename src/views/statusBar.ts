import * as vscode from 'vscode';
import type { Settings } from '../config';
import type { UsageState } from '../state';
import { renderStatus, type StatusFigures } from './statusText';

/** The `openaiUsage.status` item: renders the model, owns no data. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('openaiUsage.status', vscode.StatusBarAlignment.Right, 100);

  constructor(
    private readonly formatMoney: (amount: number, currency: string) => string,
    private readonly formatTime: (ms: number) => string,
  ) {
    this.item.name = vscode.l10n.t('OpenAI Usage');
  }

  render(state: UsageState, figures: StatusFigures | undefined, settings: Settings, budgetNote?: string): void {
    if (!settings.statusBarEnabled) {
      this.item.hide();
      return;
    }
    const view = renderStatus(state, figures, {
      show: settings.statusBarShow,
      monthlyBudget: settings.monthlyBudget,
      budgetWarningPercent: settings.budgetWarningPercent,
      formatMoney: this.formatMoney,
      formatTime: this.formatTime,
      estimateToday: settings.statusBarEstimateToday,
      ...(budgetNote ? { budgetNote } : {}),
    });
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.command = view.command;
    this.item.backgroundColor =
      view.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
