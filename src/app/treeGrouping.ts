// "Group Tree By…": the tree's top level by projects, API keys or models. The choice is kept in
// globalState (one organisation's attribution habit, not a workspace's) and handed to the
// Presenter, which renders at once; the rows themselves come from src/views/treeText.ts.
import * as vscode from 'vscode';
import { groupingLabels, TREE_GROUPINGS, parseGrouping } from '../views/treeText';
import type { TreeGrouping } from '../views/treeText';

export const GROUP_TREE_COMMAND = 'openaiUsage.groupTreeBy';
export const GROUPING_STATE_KEY = 'openaiUsage.treeGrouping';

/** The kept grouping, or projects when none (or an unknown one) is kept. */
export function storedGrouping(state: Pick<vscode.Memento, 'get'>): TreeGrouping {
  return parseGrouping(state.get<unknown>(GROUPING_STATE_KEY));
}

/** Registers the command and applies the kept grouping; returns what to dispose. */
export function registerTreeGrouping(context: vscode.ExtensionContext, presenter: { setGrouping(g: TreeGrouping): void }): vscode.Disposable {
  presenter.setGrouping(storedGrouping(context.globalState));
  return vscode.commands.registerCommand(GROUP_TREE_COMMAND, async (arg?: unknown) => {
    const current = storedGrouping(context.globalState);
    // An argument (tests, keybindings) picks directly; otherwise a quick pick.
    let choice = TREE_GROUPINGS.find((g) => g === arg);
    if (choice === undefined) {
      const picked = await vscode.window.showQuickPick(
        TREE_GROUPINGS.map((g) => ({ label: groupingLabels(g).label, detail: groupingLabels(g).detail, description: g === current ? vscode.l10n.t('current') : undefined, grouping: g })),
        { title: vscode.l10n.t('Group Tree By'), placeHolder: vscode.l10n.t('Group the OpenAI Usage tree by…') },
      );
      choice = picked?.grouping;
    }
    if (choice === undefined) return;
    await context.globalState.update(GROUPING_STATE_KEY, choice);
    presenter.setGrouping(choice);
  });
}
