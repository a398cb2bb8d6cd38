// What each row of the projects tree says — label, description, tooltip — as a pure function of
// the report's data (no vscode), so it is unit-tested against the other surfaces.
import type { LineItemSpend, Money } from '../report/report';
import { formatCount, formatMoney } from '../shared/format';
import { escapeMarkdown } from './statusText';

export interface TreeModelRow {
  /** '' for usage rows without a model. */
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly requests: number;
}

export interface TreeProject {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
  /** Spend in the tree's (main) currency. */
  readonly spend: number;
  /** Spend in every currency the project has, main first (absent: only `spend`). */
  readonly spends?: readonly Money[];
  readonly models: readonly TreeModelRow[];
  readonly lineItems: readonly (Omit<LineItemSpend, 'currency'> & { readonly currency?: string })[];
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

export interface TreeFormat {
  readonly money: (amount: number, currency: string) => string;
  readonly count: (n: number) => string;
}

export const DEFAULT_TREE_FORMAT: TreeFormat = { money: formatMoney, count: formatCount };

export interface TreeItemText {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** Markdown (every outside string escaped). */
  readonly tooltip?: string;
  readonly icon: string;
  readonly contextValue?: string;
  readonly accessibilityLabel?: string;
  readonly collapsible: boolean;
}

/** Shown for usage rows that carry no model. */
export const NO_MODEL_LABEL = '(no model)';

/** The tree's top-level nodes and a project's children. */
export function treeChildren(data: TreeData | undefined, node?: ProjectsNode): ProjectsNode[] {
  if (!data) return [];
  if (!node) return data.projects.map((project) => ({ kind: 'project', project, currency: data.currency }));
  if (node.kind !== 'project') return [];
  const p = node.project;
  const children: ProjectsNode[] = [
    ...p.models.map((row) => ({ kind: 'model', project: p, row }) as const),
    ...p.lineItems.map((li) => ({ kind: 'lineItem', project: p, name: li.name, spend: li.spend, currency: li.currency ?? data.currency }) as const),
  ];
  return children.length ? children : [{ kind: 'empty', project: p }];
}

/** A project's spend: one amount per currency, never added ("$10.00 · 5.00 EUR"). */
export function projectSpendText(p: TreeProject, currency: string, f: TreeFormat = DEFAULT_TREE_FORMAT): string {
  const spends = p.spends && p.spends.length ? p.spends : [{ currency, amount: p.spend }];
  return spends.map((s) => f.money(s.amount, s.currency)).join(' · ');
}

export function treeItemText(node: ProjectsNode, rangeDays: number, f: TreeFormat = DEFAULT_TREE_FORMAT): TreeItemText {
  const n = (v: number): string => v.toLocaleString('en-US');
  switch (node.kind) {
    case 'project': {
      const p = node.project;
      const spend = projectSpendText(p, node.currency, f);
      return {
        id: `project:${p.id}`,
        label: p.archived ? `${p.name} (archived)` : p.name,
        description: spend,
        // Escaped text, not a code span: a code span would show the escapes' backslashes.
        tooltip: `**${escapeMarkdown(p.name)}**${p.archived ? ' (archived)' : ''}\n\nID: ${escapeMarkdown(p.id)}\n\nSpend in the last ${rangeDays} UTC days: ${escapeMarkdown(spend)}`,
        icon: p.archived ? 'archive' : 'project',
        contextValue: 'project',
        accessibilityLabel: `${p.name}, ${spend}`,
        collapsible: true,
      };
    }
    case 'model': {
      const r = node.row;
      const label = r.model || NO_MODEL_LABEL;
      return {
        id: `model:${node.project.id}:${r.model}`,
        label,
        description: `${f.count(r.inputTokens)} in · ${f.count(r.outputTokens)} out · ${f.count(r.requests)} req`,
        tooltip: `**${escapeMarkdown(label)}**\n\nInput tokens: ${n(r.inputTokens)}  \nOutput tokens: ${n(r.outputTokens)}  \nRequests: ${n(r.requests)}`,
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: `${label}: ${n(r.inputTokens)} input tokens, ${n(r.outputTokens)} output tokens, ${n(r.requests)} requests`,
        collapsible: false,
      };
    }
    case 'lineItem': {
      const spend = f.money(node.spend, node.currency);
      return {
        id: `lineItem:${node.project.id}:${node.name}:${node.currency}`,
        label: node.name,
        description: spend,
        tooltip: `${escapeMarkdown(node.name)}: ${escapeMarkdown(spend)}`,
        icon: 'credit-card',
        contextValue: 'lineItem',
        accessibilityLabel: `${node.name}, ${spend}`,
        collapsible: false,
      };
    }
    case 'empty':
      return { id: `empty:${node.project.id}`, label: 'No usage in this range', icon: 'info', collapsible: false };
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
