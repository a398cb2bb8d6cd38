// Localisation (issue 12, "Words"): every user-facing string goes through `vscode.l10n.t` (host
// files) or `l10n.t` from @vscode/l10n (code shared with the CLI and the webview), and the
// manifest's through package.nls.json, so a translation is a file away. The one English bundle,
// l10n/bundle.l10n.json, is what the sources make (`npm run l10n`): no key missing, none unused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import ts from 'typescript';
import { bundleText, makeBundle, sourceFiles } from '../../scripts/l10n.mjs';
import { errorFromStatus } from '../../src/api/errors';
import { describeError, nothingToExportMessage } from '../../src/userText';

const repo = path.join(__dirname, '..', '..');
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(repo, file), 'utf8')) as Record<string, unknown>;

describe('l10n/bundle.l10n.json', () => {
  it('is exactly what the sources make: every key used exists, none unused (else run `npm run l10n`)', async () => {
    const made = bundleText(await makeBundle(repo));
    const committed = readFileSync(path.join(repo, 'l10n', 'bundle.l10n.json'), 'utf8');
    if (made !== committed) {
      const want = JSON.parse(made) as Record<string, unknown>;
      const have = JSON.parse(committed) as Record<string, unknown>;
      const missing = Object.keys(want).filter((k) => !(k in have));
      const unused = Object.keys(have).filter((k) => !(k in want));
      assert.fail(`l10n/bundle.l10n.json is out of date: run \`npm run l10n\`.\nMissing: ${JSON.stringify(missing)}\nUnused: ${JSON.stringify(unused)}`);
    }
    assert.ok(Object.keys(JSON.parse(committed) as object).length > 100, 'the host, the CLI and the webview say more than a hundred things');
  });

  it('holds the host’s words and the shared ones (a sample of each kind of call)', () => {
    const bundle = readJson('l10n/bundle.l10n.json');
    for (const key of [
      'Admin key cleared.', // vscode.l10n.t in src/commands.ts
      'Sample data: a made-up organization. Set an admin key to see yours.', // l10n.t in src/app/presenter.ts
      'OpenAI rejected the admin key ({0}). Run "OpenAI Usage: Set Admin Key" and paste a valid admin key.', // src/userText.ts
    ]) {
      assert.equal(bundle[key], key, key);
    }
  });
});

/** Every call of `l10n.t` / `vscode.l10n.t` in a source file, with where it is. */
function l10nCalls(file: string): { call: ts.CallExpression; where: string; topLevel: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const calls: { call: ts.CallExpression; where: string; topLevel: boolean }[] = [];
  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't') {
      const target = node.expression.expression.getText(source);
      if (target === 'l10n' || target === 'vscode.l10n') {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        calls.push({ call: node, where: `${path.relative(repo, file)}:${line + 1}`, topLevel: !inFunction });
      }
    }
    const fn = ts.isFunctionLike(node) || ts.isClassElement(node);
    ts.forEachChild(node, (child) => visit(child, inFunction || fn));
  };
  visit(source, false);
  return calls;
}

describe('calls of l10n.t the exporter can read', () => {
  const files = sourceFiles(repo);

  it('pass a literal message: a string, a template without ${}, or { message: literal, … }', () => {
    const bad: string[] = [];
    for (const file of files) {
      for (const { call, where } of l10nCalls(file)) {
        const first = call.arguments[0];
        const literal = (n: ts.Node | undefined): boolean => n !== undefined && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n));
        const ok =
          literal(first) ||
          (first !== undefined &&
            ts.isObjectLiteralExpression(first) &&
            first.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'message' && literal(p.initializer)));
        if (!ok) bad.push(`${where}: ${call.getText().slice(0, 80)}`);
      }
    }
    assert.deepEqual(bad, [], 'the exporter skips these silently: give the English text as a literal, with {0} placeholders for values');
  });

  it('are made when shown, not when a module loads (before the bundle is configured)', () => {
    const atLoad = files
      .filter((f) => path.relative(repo, f).startsWith(`src${path.sep}`))
      .flatMap((f) => l10nCalls(f))
      .filter((c) => c.topLevel)
      .map((c) => c.where);
    assert.deepEqual(atLoad, [], 'a string made at module load stays English: make it in a function');
  });

  it('use @vscode/l10n only as `import * as l10n`, the name the exporter looks for', () => {
    const bad: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(.+?)\s+from\s+'@vscode\/l10n';/gm)) {
        if (m[1] !== '* as l10n') bad.push(`${path.relative(repo, file)}: ${m[0]}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe('package.nls.json', () => {
  const manifestText = readFileSync(path.join(repo, 'package.json'), 'utf8');
  const nls = readJson('package.nls.json');
  const used = new Set([...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? ''));

  it('has every %key% package.json uses, and no other', () => {
    assert.deepEqual([...used].filter((k) => !(k in nls)), [], 'keys used in package.json but missing from package.nls.json');
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'keys in package.nls.json that package.json does not use');
    for (const [key, value] of Object.entries(nls)) assert.ok(typeof value === 'string' && value.length > 0, key);
  });

  it('leaves no user-facing manifest string in English only', () => {
    const pkg = JSON.parse(manifestText) as {
      description: string;
      contributes: {
        commands: { title: string; category: string }[];
        views: Record<string, { name: string }[]>;
        viewsWelcome: { contents: string }[];
        walkthroughs: { title: string; description: string; steps: { title: string; description: string; media: { altText: string } }[] }[];
        configuration: { title: string; properties: Record<string, { description?: string; markdownDescription?: string; enumDescriptions?: string[] }> };
        languageModelTools: { displayName: string; userDescription: string }[];
      };
    };
    const c = pkg.contributes;
    const texts = [
      pkg.description,
      ...c.commands.flatMap((x) => [x.title, x.category]),
      ...Object.values(c.views).flat().map((v) => v.name),
      ...c.viewsWelcome.map((w) => w.contents),
      ...c.walkthroughs.flatMap((w) => [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description, s.media.altText])]),
      c.configuration.title,
      ...Object.values(c.configuration.properties).flatMap((p) => [p.description, p.markdownDescription, ...(p.enumDescriptions ?? [])].filter((t) => t !== undefined)),
      ...c.languageModelTools.flatMap((t) => [t.displayName, t.userDescription]),
    ];
    // The one exception: SPEC §2 fixes the Show command's title, by which people and tests find it.
    assert.deepEqual(texts.filter((t) => !/^%[^%]+%$/.test(t)), ['Show OpenAI Usage']);
  });
});

/** Each translation file in `dir` (its name matches `pattern`) with the keys it has that `english` lacks. */
function staleKeys(dir: string, pattern: RegExp, english: Record<string, unknown>): Record<string, string[]> {
  const stale: Record<string, string[]> = {};
  for (const name of readdirSync(dir).filter((n) => pattern.test(n))) {
    const keys = Object.keys(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as object).filter((k) => !(k in english));
    if (keys.length) stale[name] = keys;
  }
  return stale;
}
const BUNDLE_TRANSLATION = /^bundle\.l10n\.[\w-]+\.json$/;
const NLS_TRANSLATION = /^package\.nls\.[\w-]+\.json$/;

describe('translations', () => {
  it('have no key the English files do not (a renamed message leaves no stale translation)', () => {
    assert.deepEqual(staleKeys(path.join(repo, 'l10n'), BUNDLE_TRANSLATION, readJson('l10n/bundle.l10n.json')), {});
    assert.deepEqual(staleKeys(repo, NLS_TRANSLATION, readJson('package.nls.json')), {});
  });

  it('the check finds a stale key in a translation file (and only translation files are checked)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'l10n-'));
    try {
      writeFileSync(path.join(dir, 'bundle.l10n.json'), JSON.stringify({ Cancelled: 'Cancelled.' }));
      writeFileSync(path.join(dir, 'bundle.l10n.fr.json'), JSON.stringify({ 'Cancelled.': 'Annulé.', 'Gone.': 'Parti.' }));
      writeFileSync(path.join(dir, 'bundle.l10n.pt-br.json'), JSON.stringify({ 'Cancelled.': 'Cancelado.' }));
      assert.deepEqual(staleKeys(dir, BUNDLE_TRANSLATION, { 'Cancelled.': 'Cancelled.' }), { 'bundle.l10n.fr.json': ['Gone.'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a translation is a file away', () => {
  it('a shared message comes out translated once @vscode/l10n is configured with a bundle, English otherwise', () => {
    const error = errorFromStatus(401, 'invalid key');
    const english = describeError(error).message;
    assert.match(english, /^OpenAI rejected the admin key \(/);
    try {
      l10n.config({
        contents: {
          'OpenAI rejected the admin key ({0}). Run "OpenAI Usage: Set Admin Key" and paste a valid admin key.':
            'OpenAI a refusé la clé d’administration ({0}). Lancez « OpenAI Usage: Set Admin Key ».',
          'No usage data to export yet: run Refresh, then export again.': 'Pas encore de données à exporter.',
        },
      });
      const french = describeError(error).message;
      assert.match(french, /^OpenAI a refusé la clé d’administration \(/);
      assert.equal(french.replace(/^OpenAI a refusé la clé d’administration \((.*)\)\. .*$/, '$1'), english.replace(/^OpenAI rejected the admin key \((.*)\)\. .*$/, '$1'), 'the detail is put in {0}');
      assert.equal(nothingToExportMessage({ mode: 'api', loading: false, error: undefined }), 'Pas encore de données à exporter.');
    } finally {
      l10n.config({ contents: {} });
    }
    assert.equal(describeError(error).message, english);
  });
});
