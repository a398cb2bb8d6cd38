// Names for the IDs the API reports (projects, API keys, users), from the snapshot's directory.
// One lookup for every surface: an ID with no name shows the ID and says why, never a blank.
import * as l10n from '@vscode/l10n';
import type { ApiKeyInfo, NameDirectory, Project, UserInfo } from '../shared/endpoints';

export interface NamedId {
  readonly id: string;
  /** The name to show: the name when known, else the ID itself. */
  readonly label: string;
  /** Why there is no name: the directory could not be read, or it has no such ID (a deleted key). */
  readonly missing?: 'unreadable' | 'unknown';
}

export interface NameIndex {
  project(id: string): NamedId;
  apiKey(id: string): NamedId & { readonly key?: ApiKeyInfo };
  user(id: string): NamedId & { readonly user?: UserInfo };
  /** Parts of the directory that could not be read (a key without the scope): one quiet note each. */
  readonly unreadable: readonly ('apiKeys' | 'adminKeys' | 'users')[];
}

/** An index over the snapshot's projects and name directory (absent: every ID shows as itself). */
export function nameIndex(projects: readonly Project[], names: NameDirectory | undefined): NameIndex {
  const projectById = new Map(projects.map((p) => [p.id, p]));
  const keyById = new Map<string, ApiKeyInfo>([...(names?.adminKeys.items ?? []), ...(names?.apiKeys.items ?? [])].map((k) => [k.id, k]));
  const userById = new Map((names?.users.items ?? []).map((u) => [u.id, u]));
  const unreadable = names ? (['apiKeys', 'adminKeys', 'users'] as const).filter((part) => !names[part].ok) : [];
  const keysReadable = names !== undefined && names.apiKeys.ok;
  return {
    unreadable,
    project(id) {
      const p = projectById.get(id);
      return p && p.name ? { id, label: p.name } : { id, label: id, missing: 'unknown' };
    },
    apiKey(id) {
      const key = keyById.get(id);
      if (key) return { id, label: key.name || id, key };
      return { id, label: id, missing: keysReadable ? 'unknown' : 'unreadable' };
    },
    user(id) {
      const user = userById.get(id);
      if (user) return { id, label: user.name || user.email || id, user };
      return { id, label: id, missing: names?.users.ok ? 'unknown' : 'unreadable' };
    },
  };
}

/** Who owns a key, in words: "Alice Martin", "service account ops-bot", or undefined. */
export function keyOwner(key: ApiKeyInfo | undefined): string | undefined {
  const owner = key?.owner;
  if (!owner) return undefined;
  const who = owner.name || owner.email || owner.id;
  if (!who) return undefined;
  return owner.type === 'service_account' ? l10n.t('service account {0}', who) : who;
}

/** One API key's line: its spend in the range under its name, with owner and project. */
export interface KeyLine {
  readonly id: string;
  /** The key's name, or its ID when it has none (see `missing`); "No API key" for id ''. */
  readonly name: string;
  readonly missing?: 'unreadable' | 'unknown';
  readonly owner?: string;
  readonly projectId?: string;
  readonly projectName?: string;
  readonly spend: number;
}

/** The name shown for spend under no API key. */
export function noKeyLabel(): string {
  return l10n.t('No API key');
}

/** Words for an ID without a name, for tooltips and table cells. */
export function missingText(missing: NamedId['missing'], what: 'key' | 'user' = 'key'): string | undefined {
  if (missing === 'unknown') return what === 'key' ? l10n.t('deleted or unknown key') : l10n.t('deleted or unknown user');
  if (missing === 'unreadable') return what === 'key' ? l10n.t('API key names are not readable with this key') : l10n.t('user names are not readable with this key');
  return undefined;
}

/** The one quiet note for parts of the directory that could not be read (undefined: all read). */
export function unreadableNote(names: NameIndex, parts: readonly ('apiKeys' | 'users')[] = ['apiKeys', 'users']): string | undefined {
  const keys = parts.includes('apiKeys') && names.unreadable.includes('apiKeys');
  const users = parts.includes('users') && names.unreadable.includes('users');
  if (keys && users) return l10n.t('API key names are not readable with this key; user names are not readable with this key: IDs are shown instead.');
  if (keys) return l10n.t('API key names are not readable with this key: IDs are shown instead.');
  if (users) return l10n.t('User names are not readable with this key: IDs are shown instead.');
  return undefined;
}

/** Spend by key (from `keySpend`) with each key's name, owner and project. */
export function keyLines(spends: readonly { readonly id: string; readonly projectId: string | undefined; readonly spend: number }[], names: NameIndex): KeyLine[] {
  return spends.map((k): KeyLine => {
    // Spend under no key spans projects: no one project is its own.
    if (k.id === '') return { id: '', name: noKeyLabel(), spend: k.spend };
    const n = names.apiKey(k.id);
    const owner = keyOwner(n.key);
    const projectId = n.key?.projectId ?? k.projectId;
    return {
      id: k.id,
      name: n.label,
      ...(n.missing === undefined ? {} : { missing: n.missing }),
      ...(owner === undefined ? {} : { owner }),
      ...(projectId === undefined ? {} : { projectId, projectName: names.project(projectId).label }),
      spend: k.spend,
    };
  });
}
