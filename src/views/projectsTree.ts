import * as vscode from 'vscode';
import type { UsageState } from '../state';
import { treeChildren, treeItemText } from './treeText';
import type { ProjectsNode, TreeData, TreeFormat } from './treeText';

export { nodeId, nodeProjectId } from './treeText';
export type { ProjectsNode, TreeData, TreeModelRow, TreeProject } from './treeText';

/** The `openaiUsage.projects` tree: renders what it is given (text from treeText.ts), never fetches. */
export class ProjectsTreeProvider implements vscode.TreeDataProvider<ProjectsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProjectsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private data: TreeData | undefined;
  private readonly format: TreeFormat;

  constructor(formatMoney: (amount: number, currency: string) => string, formatCount: (n: number) => string) {
    this.format = { money: formatMoney, count: formatCount };
  }

  render(_state: UsageState, data: TreeData | undefined): void {
    this.data = data;
    this.changed.fire(undefined);
  }

  getChildren(node?: ProjectsNode): ProjectsNode[] {
    return treeChildren(this.data, node);
  }

  getTreeItem(node: ProjectsNode): vscode.TreeItem {
    const t = treeItemText(node, this.data?.rangeDays ?? 0, this.format);
    const item = new vscode.TreeItem(t.label, t.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = t.id;
    if (t.description !== undefined) item.description = t.description;
    if (t.tooltip !== undefined) {
      const tooltip = new vscode.MarkdownString(t.tooltip);
      tooltip.isTrusted = false;
      tooltip.supportHtml = false;
      item.tooltip = tooltip;
    }
    // The empty row had no icon before; keep it plain.
    if (node.kind !== 'empty' && node.kind !== 'keyEmpty') item.iconPath = new vscode.ThemeIcon(t.icon);
    if (t.contextValue !== undefined) item.contextValue = t.contextValue;
    if (t.accessibilityLabel !== undefined) item.accessibilityInformation = { label: t.accessibilityLabel };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
