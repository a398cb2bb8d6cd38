import * as vscode from 'vscode';
import type { UsageState } from '../state';
import { escapeMarkdown } from './statusText';

export interface TreeModelRow {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly requests: number;
}

export interface TreeProject {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
  readonly spend: number;
  readonly models: readonly TreeModelRow[];
  readonly lineItems: readonly { readonly name: string; readonly spend: number }[];
}

export interface TreeData {
  readonly currency: string;
  readonly rangeDays: number;
  readonly projects: readonly TreeProject[];
}

export type ProjectsNode =
  | { readonly kind: 'project'; readonly project: TreeProject; readonly currency: string }
  | { readonly kind: 'model'; readonly project: TreeProject; readonly row: TreeModelRow }
  | { readonly kind: 'lineItem'; readonly project: TreeProject; readonly name: string; readonly spend: number; readonly currency: string }
  | { readonly kind: 'empty'; readonly project: TreeProject };

/** The `openaiUsage.projects` tree: renders what it is given, never fetches. */
export class ProjectsTreeProvider implements vscode.TreeDataProvider<ProjectsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProjectsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private data: TreeData | undefined;

  constructor(
    private readonly formatMoney: (amount: number, currency: string) => string,
    private readonly formatCount: (n: number) => string,
  ) {}

  render(_state: UsageState, data: TreeData | undefined): void {
    this.data = data;
    this.changed.fire(undefined);
  }

  getChildren(node?: ProjectsNode): ProjectsNode[] {
    const data = this.data;
    if (!data) return [];
    if (!node) return data.projects.map((project) => ({ kind: 'project', project, currency: data.currency }));
    if (node.kind !== 'project') return [];
    const p = node.project;
    const children: ProjectsNode[] = [
      ...p.models.map((row) => ({ kind: 'model', project: p, row }) as const),
      ...p.lineItems.map((li) => ({ kind: 'lineItem', project: p, name: li.name, spend: li.spend, currency: data.currency }) as const),
    ];
    return children.length ? children : [{ kind: 'empty', project: p }];
  }

  getTreeItem(node: ProjectsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project': {
        const p = node.project;
        const item = new vscode.TreeItem(p.archived ? `${p.name} (archived)` : p.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `project:${p.id}`;
        item.description = this.formatMoney(p.spend, node.currency);
        item.tooltip = new vscode.MarkdownString(
          `**${escapeMarkdown(p.name)}**${p.archived ? ' (archived)' : ''}\n\n\`${escapeMarkdown(p.id)}\`\n\nSpend in the last ${this.data?.rangeDays ?? ''} UTC days: ${this.formatMoney(p.spend, node.currency)}`,
        );
        item.iconPath = new vscode.ThemeIcon(p.archived ? 'archive' : 'project');
        item.contextValue = 'project';
        item.accessibilityInformation = { label: `${p.name}, ${this.formatMoney(p.spend, node.currency)}` };
        return item;
      }
      case 'model': {
        const r = node.row;
        const item = new vscode.TreeItem(r.model, vscode.TreeItemCollapsibleState.None);
        item.id = `model:${node.project.id}:${r.model}`;
        item.description = `${this.formatCount(r.inputTokens)} in · ${this.formatCount(r.outputTokens)} out · ${this.formatCount(r.requests)} req`;
        item.tooltip = `${r.model}\nInput tokens: ${r.inputTokens.toLocaleString('en-US')}\nOutput tokens: ${r.outputTokens.toLocaleString('en-US')}\nRequests: ${r.requests.toLocaleString('en-US')}`;
        item.iconPath = new vscode.ThemeIcon('symbol-misc');
        item.contextValue = 'model';
        return item;
      }
      case 'lineItem': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = `lineItem:${node.project.id}:${node.name}`;
        item.description = this.formatMoney(node.spend, node.currency);
        item.iconPath = new vscode.ThemeIcon('credit-card');
        item.contextValue = 'lineItem';
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem('No usage in this range', vscode.TreeItemCollapsibleState.None);
        item.id = `empty:${node.project.id}`;
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The ID "Copy ID" puts on the clipboard for a node. */
export function nodeId(node: ProjectsNode): string {
  switch (node.kind) {
    case 'project':
    case 'empty':
      return node.project.id;
    case 'model':
      return node.row.model;
    case 'lineItem':
      return node.name;
  }
}
