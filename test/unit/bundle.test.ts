// Checks the built bundles (`npm run test:unit` builds dist/ first): the network layer loads lazily, apart from the
// extension host. Each bundle has its own copy of the error class, so errors are recognised across
// them by a branded field and their code, never by `instanceof` or a class name.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isApiError } from '../../src/api/errors';
import { describeError } from '../../src/userText';
import type * as NetworkModule from '../../src/network';
import { FAKE_PROJECT_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';

const requireDist = createRequire(resolve('dist', 'x.js'));

describe('built bundles', () => {
  let server: FakeServer;
  before(async () => {
    assert.ok(existsSync('dist/extension.js') && existsSync('dist/network.js'), 'dist/ is built (npm run test:unit builds it; alone: npm run build)');
    server = await startFakeServer();
  });
  after(() => server.close());

  it('an error thrown in dist/network.js is recognised, by its code, by another copy of the error module', async () => {
    const network = requireDist('./network.js') as typeof NetworkModule;
    const client = new network.UsageClient({ baseUrl: server.url, apiKey: FAKE_PROJECT_KEY, maxRetries: 0 });
    await assert.rejects(client.query({ endpoint: 'costs', startTime: 1_700_000_000 - (1_700_000_000 % 86400), limit: 1 }), (e: unknown) => {
      // src/api/errors.ts loaded here is not the copy inside dist/network.js.
      assert.ok(isApiError(e), 'branded as an ApiError across copies');
      assert.equal(e.code, 'permission');
      assert.equal(describeError(e).kind, 'permission');
      assert.match(describeError(e).message, /Set Admin Key/);
      return true;
    });
  });

  it('@vscode/l10n is bundled into each bundle (not loaded from node_modules); the webview has its browser build', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const file of ['extension.js', 'agentTools.js', 'cli.js', 'webview/main.js']) {
      const text = await readFile(resolve('dist', file), 'utf8');
      assert.doesNotMatch(text, /require\(["']@vscode\/l10n["']\)/, `${file} does not require @vscode/l10n at run time`);
    }
    const webview = await readFile(resolve('dist', 'webview', 'main.js'), 'utf8');
    assert.doesNotMatch(webview, /require\(["'](node:)?fs(\/promises)?["']\)/, 'no Node file reader in the webview');
    // The agent tools' bundle has its own copy: the host configures it with VS Code's bundle.
    const tools = requireDist('./agentTools.js') as { configureL10n?: unknown };
    assert.equal(typeof tools.configureL10n, 'function');
  });

  it('no separate errors bundle and no keepNames: nothing depends on class names', async () => {
    const { readFile } = await import('node:fs/promises');
    const config = await readFile('esbuild.mjs', 'utf8');
    assert.doesNotMatch(config, /keepNames|errors\.js|sharedErrors/);
    const ext = await readFile('dist/extension.js', 'utf8');
    assert.doesNotMatch(ext, /require\(["']\.\/errors\.js["']\)/, 'the extension bundle does not load dist/errors.js');
  });

  it('dist/extension.js does not bundle undici or the client: they load on first use', () => {
    const Module = requireDist('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = Module._load;
    const requested: string[] = [];
    Module._load = function (request: string, ...rest: unknown[]): unknown {
      requested.push(request);
      if (request === 'vscode') return new Proxy({}, { get: () => () => undefined });
      return original.call(this, request, ...rest);
    };
    try {
      const ext = requireDist('./extension.js') as { activate: unknown };
      assert.equal(typeof ext.activate, 'function');
    } finally {
      Module._load = original;
    }
    assert.ok(!requested.includes('./network.js'), 'network.js is not required at load');
    assert.ok(!requested.includes('./agentTools.js'), 'agentTools.js is not required at load');
    assert.ok(!requested.some((r) => r === 'undici' || r === 'node:http' || r === 'node:net' || r === 'http' || r === 'net'), `no HTTP stack at load: ${requested.join(', ')}`);
  });
});
