// `npm run l10n`: writes l10n/bundle.l10n.json, the English bundle of every string the extension
// host, the CLI and the webview pass to `vscode.l10n.t(...)` or `l10n.t(...)` (src/**/*.ts and
// webview/**/*.ts). Keys are the English messages, sorted, with a trailing newline, so the file
// diffs well; test/unit/l10n.test.ts fails when it is out of date. A translation is a copy of it
// named bundle.l10n.<locale>.json with the values translated.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getL10nJson } from '@vscode/l10n-dev';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');

/** Every .ts file under src/ and webview/, in a stable order. */
export function sourceFiles(root = ROOT) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const top of ['src', 'webview']) walk(path.join(root, top));
  return files;
}

/** The bundle as the sources make it: keys sorted. */
export async function makeBundle(root = ROOT) {
  const json = await getL10nJson(sourceFiles(root).map((file) => ({ extension: '.ts', contents: readFileSync(file, 'utf8') })));
  return Object.fromEntries(Object.keys(json).sort().map((key) => [key, json[key]]));
}

/** The bundle file's text: two-space JSON with a trailing newline. */
export function bundleText(bundle) {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

// Run as a script (not imported by the test): write the file. No top-level await, so the test
// can load this module as CommonJS through tsx.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeBundle().then(
    (bundle) => {
      writeFileSync(BUNDLE, bundleText(bundle));
      console.log(`${path.relative(ROOT, BUNDLE)}: ${Object.keys(bundle).length} strings`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
