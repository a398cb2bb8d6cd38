// What each row of the projects tree says — label, description, tooltip — as a pure function of
// the report's data (no vscode), so it is unit-tested against the other surfaces.
import type { KeyLine } from '../report/names';
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
  /** The project's hard spend limit from the API and its month-to-date share (absent: not read). */
  readonly limit?: TreeProjectLimit;
}

/** A project's spend limit as the tree shows it. */
export interface TreeProjectLimit {
  readonly reading: 'none' | 'set' | 'unreadable';
  /** Dollars (currency units), when set. */
  readonly amount?: number;
  readonly currency: string;
  readonly enforcing: boolean;
  readonly monthToDate: number;
  readonly percent?: number;
}

/** How the tree's top level is grouped (command "Group Tree By…"). */
export const TREE_GROUPINGS = ['projects', 'apiKeys', 'models'] as const;
export type TreeGrouping = (typeof TREE_GROUPINGS)[number];

/** A kept grouping, read back: a known value, else projects. */
export function parseGrouping(value: unknown): TreeGrouping {
  return TREE_GROUPINGS.find((g) => g === value) ?? 'projects';
}

export const GROUPING_LABELS: Readonly<Record<TreeGrouping, { readonly label: string; readonly detail: string; readonly description: string }>> = {
  projects: { label: 'Projects', detail: 'Each project with its spend, models and cost line items', description: 'by project' },
  apiKeys: { label: 'API Keys', detail: 'Each API key with its spend, owner and project, and its models', description: 'by API key' },
  models: { label: 'Models', detail: 'Each model with its tokens and requests, and the projects using it', description: 'by model' },
};

/** One API key's row: spend in the range (keySpend), name and owner (the name directory). */
/** An API key's row: its line (names.ts; id '' for spend under no key) and its models. */
export interface TreeKey extends KeyLine {
  /** The key's models (completions), most requests first. */
  readonly models: readonly TreeModelRow[];
}

/** One model over every project, with the projects using it. */
export interface TreeModelTotal extends TreeModelRow {
  readonly projects: readonly (TreeModelRow & { readonly projectId: string; readonly projectName: string })[];
}

export interface TreeData {
  readonly currency: string;
  readonly rangeDays: number;
  readonly projects: readonly TreeProject[];
  /** The top level's grouping; default projects. */
  readonly grouping?: TreeGrouping;
  readonly keys?: readonly TreeKey[];
  readonly models?: readonly TreeModelTotal[];
}

export type ProjectsNode =
  | { readonly kind: 'project'; readonly project: TreeProject; readonly currency: string }
  | { readonly kind: 'model'; readonly project: TreeProject; readonly row: TreeModelRow }
  | { readonly kind: 'lineItem'; readonly project: TreeProject; readonly name: string; readonly spend: number; readonly currency: string }
  | { readonly kind: 'empty'; readonly project: TreeProject }
  | { readonly kind: 'key'; readonly key: TreeKey; readonly currency: string }
  | { readonly kind: 'keyModel'; readonly key: TreeKey; readonly row: TreeModelRow }
  | { readonly kind: 'keyEmpty'; readonly key: TreeKey }
  | { readonly kind: 'modelTotal'; readonly total: TreeModelTotal }
  | { readonly kind: 'modelProject'; readonly total: TreeModelTotal; readonly row: TreeModelTotal['projects'][number] };

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
  const grouping = data.grouping ?? 'projects';
  if (!node) {
    if (grouping === 'apiKeys') return (data.keys ?? []).map((key) => ({ kind: 'key', key, currency: data.currency }));
    if (grouping === 'models') return (data.models ?? []).map((total) => ({ kind: 'modelTotal', total }));
    return data.projects.map((project) => ({ kind: 'project', project, currency: data.currency }));
  }
  if (node.kind === 'key') return node.key.models.length ? node.key.models.map((row) => ({ kind: 'keyModel', key: node.key, row })) : [{ kind: 'keyEmpty', key: node.key }];
  if (node.kind === 'modelTotal') return node.total.projects.map((row) => ({ kind: 'modelProject', total: node.total, row }));
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

/**
 * The tree view's description: the range (or "Sample data") and, when not the default projects,
 * the grouping ("last 30 UTC days · by API key"), since the view's title stays "Projects".
 */
export function treeDescription(rangeDays: number, grouping: TreeGrouping = 'projects', sample = false): string {
  const head = sample ? 'Sample data' : `last ${rangeDays} UTC days`;
  return grouping === 'projects' ? head : `${head} · ${GROUPING_LABELS[grouping].description}`;
}

/** Words for a key whose name is its ID. */
function keyMissingText(missing: TreeKey['missing']): string | undefined {
  if (missing === 'unknown') return 'deleted or unknown key';
  if (missing === 'unreadable') return 'API key names are not readable with this key';
  return undefined;
}

function usageText(r: TreeModelRow, f: TreeFormat): string {
  return `${f.count(r.inputTokens)} in · ${f.count(r.outputTokens)} out · ${f.count(r.requests)} req`;
}

function usageTooltip(title: string, r: TreeModelRow): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  return `**${escapeMarkdown(title)}**\n\nInput tokens: ${n(r.inputTokens)}  \nOutput tokens: ${n(r.outputTokens)}  \nRequests: ${n(r.requests)}`;
}

export function treeItemText(node: ProjectsNode, rangeDays: number, f: TreeFormat = DEFAULT_TREE_FORMAT): TreeItemText {
  const n = (v: number): string => v.toLocaleString('en-US');
  switch (node.kind) {
    case 'key': {
      const k = node.key;
      const spend = f.money(k.spend, node.currency);
      const why = keyMissingText(k.missing);
      const label = k.missing === 'unknown' ? `${k.name} (deleted or unknown key)` : k.name;
      const lines = [
        `**${escapeMarkdown(k.name)}**${why ? ` (${escapeMarkdown(why)})` : ''}`,
        ...(k.id ? [`ID: ${escapeMarkdown(k.id)}`] : ['Spend not tied to an API key']),
        ...(k.owner ? [`Owner: ${escapeMarkdown(k.owner)}`] : []),
        ...(k.projectName ? [`Project: ${escapeMarkdown(k.projectName)}${k.projectId && k.projectId !== k.projectName ? ` (${escapeMarkdown(k.projectId)})` : ''}`] : []),
        `Spend in the last ${rangeDays} UTC days: ${escapeMarkdown(spend)}`,
      ];
      return {
        id: `key:${k.id}`,
        label,
        description: [spend, k.owner].filter(Boolean).join(' · '),
        tooltip: lines.join('\n\n'),
        icon: 'key',
        contextValue: 'apiKey',
        accessibilityLabel: `${label}${k.owner ? `, owner ${k.owner}` : ''}, ${spend}`,
        collapsible: true,
      };
    }
    case 'keyModel': {
      const r = node.row;
      const label = r.model || NO_MODEL_LABEL;
      return {
        id: `keyModel:${node.key.id}:${r.model}`,
        label,
        description: usageText(r, f),
        tooltip: usageTooltip(label, r),
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: `${label}: ${n(r.inputTokens)} input tokens, ${n(r.outputTokens)} output tokens, ${n(r.requests)} requests`,
        collapsible: false,
      };
    }
    case 'keyEmpty':
      return { id: `keyEmpty:${node.key.id}`, label: 'No model usage in this range', icon: 'info', collapsible: false };
    case 'modelTotal': {
      const r = node.total;
      const label = r.model || NO_MODEL_LABEL;
      return {
        id: `modelTotal:${r.model}`,
        label,
        description: usageText(r, f),
        tooltip: usageTooltip(label, r),
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: `${label}: ${n(r.inputTokens)} input tokens, ${n(r.outputTokens)} output tokens, ${n(r.requests)} requests`,
        collapsible: r.projects.length > 0,
      };
    }
    case 'modelProject': {
      const r = node.row;
      return {
        id: `modelProject:${node.total.model}:${r.projectId}`,
        label: r.projectName,
        description: usageText(r, f),
        tooltip: `${usageTooltip(r.projectName, r)}\n\nID: ${escapeMarkdown(r.projectId)}`,
        icon: 'project',
        contextValue: 'project',
        accessibilityLabel: `${r.projectName}: ${n(r.inputTokens)} input tokens, ${n(r.outputTokens)} output tokens, ${n(r.requests)} requests`,
        collapsible: false,
      };
    }
    case 'project': {
      const p = node.project;
      const spend = projectSpendText(p, node.currency, f);
      const l = p.limit;
      // "45 % of $1,000.00 limit": the project's hard limit from the API and its month to date.
      const share = l?.reading === 'set' && l.amount !== undefined ? `${Math.round(l.percent ?? 0)} % of ${f.money(l.amount, l.currency)} limit` : undefined;
      const limitLine =
        l === undefined
          ? undefined
          : l.reading === 'set' && l.amount !== undefined
            ? `Hard spend limit: ${escapeMarkdown(f.money(l.amount, l.currency))} a month${l.enforcing ? '' : ' (not enforcing)'}; month to date ${escapeMarkdown(f.money(l.monthToDate, l.currency))} (${Math.round(l.percent ?? 0)} %)`
            : l.reading === 'unreadable'
              ? 'Hard spend limit: not readable with this key'
              : 'No hard spend limit set';
      return {
        id: `project:${p.id}`,
        label: p.archived ? `${p.name} (archived)` : p.name,
        // The row keeps the range's spend; the limit and its share are in the tooltip and the label.
        description: spend,
        // Escaped text, not a code span: a code span would show the escapes' backslashes.
        tooltip: `**${escapeMarkdown(p.name)}**${p.archived ? ' (archived)' : ''}\n\nID: ${escapeMarkdown(p.id)}\n\nSpend in the last ${rangeDays} UTC days: ${escapeMarkdown(spend)}${limitLine ? `\n\n${limitLine}` : ''}`,
        icon: p.archived ? 'archive' : 'project',
        contextValue: 'project',
        accessibilityLabel: `${p.name}, ${spend}${share ? `, ${share}` : ''}`,
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
    case 'key':
    case 'keyEmpty':
      return node.key.id;
    case 'keyModel':
      return node.row.model;
    case 'modelTotal':
      return node.total.model;
    case 'modelProject':
      return node.row.projectId;
  }
}

/** The project a node stands for or belongs to (Show in Dashboard), if any. */
export function nodeProjectId(node: ProjectsNode): string | undefined {
  if ('project' in node) return node.project.id;
  if (node.kind === 'modelProject') return node.row.projectId;
  if (node.kind === 'key') return node.key.projectId;
  return undefined;
}
