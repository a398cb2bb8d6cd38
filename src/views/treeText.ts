// What each row of the projects tree says — label, description, tooltip — as a pure function of
// the report's data (no vscode), so it is unit-tested against the other surfaces.
import * as l10n from '@vscode/l10n';
import type { KeyLine } from '../report/names';
import type { LineItemSpend, Money } from '../report/report';
import { formatCount, formatInteger, formatMoney } from '../shared/format';
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

/** A grouping's words: the quick pick's label and detail, and the view description's part. */
export function groupingLabels(grouping: TreeGrouping): { readonly label: string; readonly detail: string; readonly description: string } {
  switch (grouping) {
    case 'projects':
      return { label: l10n.t('Projects'), detail: l10n.t('Each project with its spend, models and cost line items'), description: l10n.t('by project') };
    case 'apiKeys':
      return { label: l10n.t('API Keys'), detail: l10n.t('Each API key with its spend, owner and project, and its models'), description: l10n.t('by API key') };
    case 'models':
      return { label: l10n.t('Models'), detail: l10n.t('Each model with its tokens and requests, and the projects using it'), description: l10n.t('by model') };
  }
}

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
export function noModelLabel(): string {
  return l10n.t('(no model)');
}

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
  const head = sample ? l10n.t('Sample data') : l10n.t('last {0} UTC days', rangeDays);
  return grouping === 'projects' ? head : `${head} · ${groupingLabels(grouping).description}`;
}

/** Words for a key whose name is its ID. */
function keyMissingText(missing: TreeKey['missing']): string | undefined {
  if (missing === 'unknown') return l10n.t('deleted or unknown key');
  if (missing === 'unreadable') return l10n.t('API key names are not readable with this key');
  return undefined;
}

function usageText(r: TreeModelRow, f: TreeFormat): string {
  return l10n.t('{0} in · {1} out · {2} req', f.count(r.inputTokens), f.count(r.outputTokens), f.count(r.requests));
}

function usageTooltip(title: string, r: TreeModelRow): string {
  const n = formatInteger;
  return `**${escapeMarkdown(title)}**\n\n${l10n.t('Input tokens: {0}', n(r.inputTokens))}  \n${l10n.t('Output tokens: {0}', n(r.outputTokens))}  \n${l10n.t('Requests: {0}', n(r.requests))}`;
}

/** "gpt-4o: 1,200 input tokens, 300 output tokens, 4 requests", for screen readers. */
function usageAccessibilityLabel(label: string, r: TreeModelRow): string {
  const n = formatInteger;
  return l10n.t('{0}: {1} input tokens, {2} output tokens, {3} requests', label, n(r.inputTokens), n(r.outputTokens), n(r.requests));
}

export function treeItemText(node: ProjectsNode, rangeDays: number, f: TreeFormat = DEFAULT_TREE_FORMAT): TreeItemText {
  switch (node.kind) {
    case 'key': {
      const k = node.key;
      const spend = f.money(k.spend, node.currency);
      const why = keyMissingText(k.missing);
      const label = k.missing === 'unknown' ? l10n.t('{0} (deleted or unknown key)', k.name) : k.name;
      const lines = [
        `**${escapeMarkdown(k.name)}**${why ? ` (${escapeMarkdown(why)})` : ''}`,
        ...(k.id ? [l10n.t('ID: {0}', escapeMarkdown(k.id))] : [l10n.t('Spend not tied to an API key')]),
        ...(k.owner ? [l10n.t('Owner: {0}', escapeMarkdown(k.owner))] : []),
        ...(k.projectName
          ? [
              k.projectId && k.projectId !== k.projectName
                ? l10n.t('Project: {0} ({1})', escapeMarkdown(k.projectName), escapeMarkdown(k.projectId))
                : l10n.t('Project: {0}', escapeMarkdown(k.projectName)),
            ]
          : []),
        l10n.t('Spend in the last {0} UTC days: {1}', rangeDays, escapeMarkdown(spend)),
      ];
      return {
        id: `key:${k.id}`,
        label,
        description: [spend, k.owner].filter(Boolean).join(' · '),
        tooltip: lines.join('\n\n'),
        icon: 'key',
        contextValue: 'apiKey',
        accessibilityLabel: k.owner ? l10n.t('{0}, owner {1}, {2}', label, k.owner, spend) : `${label}, ${spend}`,
        collapsible: true,
      };
    }
    case 'keyModel': {
      const r = node.row;
      const label = r.model || noModelLabel();
      return {
        id: `keyModel:${node.key.id}:${r.model}`,
        label,
        description: usageText(r, f),
        tooltip: usageTooltip(label, r),
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: usageAccessibilityLabel(label, r),
        collapsible: false,
      };
    }
    case 'keyEmpty':
      return { id: `keyEmpty:${node.key.id}`, label: l10n.t('No model usage in this range'), icon: 'info', collapsible: false };
    case 'modelTotal': {
      const r = node.total;
      const label = r.model || noModelLabel();
      return {
        id: `modelTotal:${r.model}`,
        label,
        description: usageText(r, f),
        tooltip: usageTooltip(label, r),
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: usageAccessibilityLabel(label, r),
        collapsible: r.projects.length > 0,
      };
    }
    case 'modelProject': {
      const r = node.row;
      return {
        id: `modelProject:${node.total.model}:${r.projectId}`,
        label: r.projectName,
        description: usageText(r, f),
        tooltip: `${usageTooltip(r.projectName, r)}\n\n${l10n.t('ID: {0}', escapeMarkdown(r.projectId))}`,
        icon: 'project',
        contextValue: 'project',
        accessibilityLabel: usageAccessibilityLabel(r.projectName, r),
        collapsible: false,
      };
    }
    case 'project': {
      const p = node.project;
      const spend = projectSpendText(p, node.currency, f);
      const l = p.limit;
      // "45 % of $1,000.00 limit": the project's hard limit from the API and its month to date.
      const share = l?.reading === 'set' && l.amount !== undefined ? l10n.t('{0} % of {1} limit', Math.round(l.percent ?? 0), f.money(l.amount, l.currency)) : undefined;
      const limitLine =
        l === undefined
          ? undefined
          : l.reading === 'set' && l.amount !== undefined
            ? l.enforcing
              ? l10n.t('Hard spend limit: {0} a month; month to date {1} ({2} %)', escapeMarkdown(f.money(l.amount, l.currency)), escapeMarkdown(f.money(l.monthToDate, l.currency)), Math.round(l.percent ?? 0))
              : l10n.t('Hard spend limit: {0} a month (not enforcing); month to date {1} ({2} %)', escapeMarkdown(f.money(l.amount, l.currency)), escapeMarkdown(f.money(l.monthToDate, l.currency)), Math.round(l.percent ?? 0))
            : l.reading === 'unreadable'
              ? l10n.t('Hard spend limit: not readable with this key')
              : l10n.t('No hard spend limit set');
      return {
        id: `project:${p.id}`,
        label: p.archived ? l10n.t('{0} (archived)', p.name) : p.name,
        // The row keeps the range's spend; the limit and its share are in the tooltip and the label.
        description: spend,
        // Escaped text, not a code span: a code span would show the escapes' backslashes.
        tooltip: `${p.archived ? l10n.t('{0} (archived)', `**${escapeMarkdown(p.name)}**`) : `**${escapeMarkdown(p.name)}**`}\n\n${l10n.t('ID: {0}', escapeMarkdown(p.id))}\n\n${l10n.t('Spend in the last {0} UTC days: {1}', rangeDays, escapeMarkdown(spend))}${limitLine ? `\n\n${limitLine}` : ''}`,
        icon: p.archived ? 'archive' : 'project',
        contextValue: 'project',
        accessibilityLabel: `${p.name}, ${spend}${share ? `, ${share}` : ''}`,
        collapsible: true,
      };
    }
    case 'model': {
      const r = node.row;
      const label = r.model || noModelLabel();
      return {
        id: `model:${node.project.id}:${r.model}`,
        label,
        description: usageText(r, f),
        tooltip: usageTooltip(label, r),
        icon: 'symbol-misc',
        contextValue: 'model',
        accessibilityLabel: usageAccessibilityLabel(label, r),
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
      return { id: `empty:${node.project.id}`, label: l10n.t('No usage in this range'), icon: 'info', collapsible: false };
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
