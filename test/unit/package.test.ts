// What ships: `vsce package` on a copy of the repository (so the production build, which empties
// dist/, cannot disturb the other tests that read dist/), then `vsce ls` of that copy.
// Issue 7: no source maps, no sources, no stale files. Issue 12: packaging prints no warning.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FAKE_ADMIN_KEY, FAKE_PROJECT_KEY, startFakeServer } from '../server/fakeServer';

const exec = promisify(execFile);
const VSCE = path.resolve('node_modules/@vscode/vsce/vsce');

/** Everything a user's VS Code needs, and nothing else (vsix paths, relative to the extension). */
const ALLOWED: RegExp[] = [
  /^dist\/(extension|network|agentTools|cli)\.js$/,
  /^dist\/webview\/(main\.js|codicon\.css|codicon\.ttf)$/,
  /^media\/[\w./-]+\.(svg|png|css|md|gif)$/,
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
  // The manifest's strings and the code's, in English and each translation.
  /^package\.nls(\.[\w-]+)?\.json$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];
const REQUIRED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'dist/network.js', 'dist/agentTools.js', 'dist/cli.js', 'dist/webview/main.js', 'media/icon.png', 'package.nls.json', 'l10n/bundle.l10n.json'];
// Never in the package, whatever the allow-list says.
const FORBIDDEN = /(\.map$|\.ts$|^src\/|^test\/|^scripts\/|^webview\/|^\.cache\/|node_modules\/|\.vsix$|^\.)/;
// What a clone has no copy of: installs, build output, caches.
const NOT_COPIED = new Set(['node_modules', 'dist', '.cache', '.git', 'out', 'test-output']);

describe('the .vsix', () => {
  let copy = '';
  let packaged = { stdout: '', stderr: '' };
  let listed: string[] = [];

  before(async () => {
    copy = mkdtempSync(path.join(tmpdir(), 'vsix-'));
    for (const name of readdirSync('.')) {
      if (NOT_COPIED.has(name) || name.endsWith('.vsix')) continue;
      cpSync(name, path.join(copy, name), { recursive: true });
    }
    symlinkSync(realpathSync('node_modules'), path.join(copy, 'node_modules'), 'dir');
    // A stale file and a source map in dist/ from an "older build": the production build must drop them.
    mkdirSync(path.join(copy, 'dist'));
    cpSync('package.json', path.join(copy, 'dist', 'old-bundle.js'));
    cpSync('package.json', path.join(copy, 'dist', 'extension.js.map'));
    const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0' };
    packaged = await exec(process.execPath, [VSCE, 'package', '--no-dependencies', '--out', path.join(copy, 'test.vsix')], { cwd: copy, env, timeout: 120_000 });
    const ls = await exec(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: copy, env, timeout: 60_000 });
    listed = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  });
  after(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('is packaged without a single warning', () => {
    assert.ok(existsSync(path.join(copy, 'test.vsix')), 'the .vsix was written');
    const output = `${packaged.stdout}\n${packaged.stderr}`;
    assert.doesNotMatch(output, /WARNING/i, output);
  });

  it('holds only allow-listed files: no source map, source, test, script or cache', () => {
    assert.ok(listed.length > 0, 'vsce ls lists files');
    for (const file of listed) {
      assert.doesNotMatch(file, FORBIDDEN, file);
      assert.ok(ALLOWED.some((re) => re.test(file)), `not on the allow-list: ${file}`);
    }
  });

  it('holds everything the extension, the CLI and the dashboard need', () => {
    for (const file of REQUIRED) assert.ok(listed.includes(file), `missing: ${file}`);
  });

  it('is built from an empty dist/: an older build leaves nothing behind', () => {
    assert.ok(!existsSync(path.join(copy, 'dist', 'old-bundle.js')), 'stale bundle removed');
    assert.ok(!existsSync(path.join(copy, 'dist', 'extension.js.map')), 'stale source map removed');
    const maps = readdirSync(path.join(copy, 'dist'), { recursive: true }).map(String).filter((f) => f.endsWith('.map'));
    assert.deepEqual(maps, []);
  });

  it('points at an icon of 128×128 pixels or more', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { icon?: string };
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(path.join(copy, 'media', 'icon.png'));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // The IHDR chunk holds width and height as big-endian words at bytes 16 and 20.
    assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'at least 128×128');
  });

  it('ships undici once: in dist/network.js, which the CLI shares with the extension', () => {
    const bundles = readdirSync(path.join(copy, 'dist')).filter((f) => f.endsWith('.js'));
    // undici's error codes (UND_ERR_…) are in every copy of it, minified or not.
    const withUndici = bundles.filter((f) => readFileSync(path.join(copy, 'dist', f), 'utf8').includes('UND_ERR_'));
    assert.deepEqual(withUndici, ['network.js']);
    assert.match(readFileSync(path.join(copy, 'dist', 'cli.js'), 'utf8'), /require\("\.\/network\.js"\)/);
  });

  it('the packaged CLI reaches the API through dist/network.js, errors and all', async () => {
    const server = await startFakeServer();
    try {
      const cli = path.join(copy, 'dist', 'cli.js');
      const env = (key: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: key, OPENAI_BASE_URL: server.url });
      const ok = await exec(process.execPath, [cli, 'summary', '--json', '--days', '3'], { env: env(FAKE_ADMIN_KEY) });
      assert.equal((JSON.parse(ok.stdout) as { currency: string }).currency, 'usd');
      assert.ok(server.requests.some((r) => r.path.endsWith('/organization/costs')));
      // A project key is refused by the API: the error thrown in network.js is still told apart in cli.js.
      await assert.rejects(exec(process.execPath, [cli, 'summary'], { env: env(FAKE_PROJECT_KEY) }), (e: { code: number; stderr: string }) => {
        assert.equal(e.code, 1);
        assert.doesNotMatch(e.stderr, /unexpected/i, e.stderr);
        assert.match(e.stderr, /admin key/i, e.stderr);
        assert.ok(!e.stderr.includes(FAKE_PROJECT_KEY), 'the key is never printed');
        return true;
      });
    } finally {
      await server.close();
    }
  });
});
