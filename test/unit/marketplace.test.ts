// The Marketplace page: banner, categories and keywords, capabilities, where the extension runs,
// and the README's pictures and CHANGELOG it shows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');

interface Manifest {
  galleryBanner?: { color?: string; theme?: string };
  categories?: string[];
  keywords?: string[];
  capabilities?: { untrustedWorkspaces?: { supported?: boolean | string }; virtualWorkspaces?: boolean | { supported?: boolean } };
  extensionKind?: string[];
  browser?: string;
}
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Manifest;

/** The categories VS Code's manifest schema accepts. */
const CATEGORIES = new Set([
  'Programming Languages', 'Snippets', 'Linters', 'Themes', 'Debuggers', 'Formatters', 'Keymaps', 'SCM Providers', 'Other',
  'Extension Packs', 'Language Packs', 'Data Science', 'Machine Learning', 'Visualization', 'Notebooks', 'Education', 'Testing',
  'AI', 'Chat',
]);

describe('package.json: the Marketplace page', () => {
  it('has a gallery banner: a hex colour and a theme for the text on it', () => {
    assert.match(pkg.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(pkg.galleryBanner?.theme === 'dark' || pkg.galleryBanner?.theme === 'light');
  });

  it('is in known categories and found by what people search for (at most 30 keywords)', () => {
    assert.ok((pkg.categories ?? []).length > 0);
    for (const c of pkg.categories ?? []) assert.ok(CATEGORIES.has(c), c);
    const keywords = pkg.keywords ?? [];
    assert.ok(keywords.length <= 30, `${keywords.length} keywords`);
    for (const k of ['openai', 'usage', 'cost', 'billing', 'spend', 'tokens', 'budget', 'admin api', 'dashboard']) assert.ok(keywords.includes(k), k);
  });

  it('works in untrusted and virtual workspaces (no workspace setting can redirect the key)', () => {
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(pkg.capabilities?.virtualWorkspaces, true);
  });

  it('runs on the local machine when it can, on the remote host otherwise (no web-only bundle to fall back to)', () => {
    assert.deepEqual(pkg.extensionKind, ['ui', 'workspace']);
    assert.equal(pkg.browser, undefined);
  });
});

describe('README and CHANGELOG', () => {
  it('the README opens with screenshots, every one of them in docs/images', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/\]\((docs\/images\/[^)]+\.png)\)/g)].map((m) => m[1] ?? '');
    assert.ok(images.length >= 6, images.join(', '));
    for (const i of images) assert.ok(existsSync(join(repo, i)), `${i} exists`);
    const firstImage = readme.indexOf('docs/images/');
    assert.ok(firstImage > 0 && firstImage < readme.indexOf('\n## '), 'a screenshot before the first section');
    assert.match(readme, /## FAQ/);
  });

  it('the CHANGELOG keeps a changelog: Unreleased on top, then 0.1.0, with the usual headings only', () => {
    const log = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8');
    const versions = [...log.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    assert.deepEqual(versions.slice(0, 2), ['Unreleased', '0.1.0']);
    for (const m of log.matchAll(/^### (.+)$/gm)) assert.ok(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'].includes(m[1] ?? ''), m[1]);
  });
});
