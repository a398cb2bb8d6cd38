// Checks the built bundles (`npm run test:unit` builds dist/ first): the network layer loads lazily, apart from the
// extension host, and both share one copy of the error classes so `instanceof` holds across them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as ErrorsModule from '../../src/api/errors';
import type * as NetworkModule from '../../src/network';
import { FAKE_PROJECT_KEY, startFakeServer, type FakeServer } from '../server/fakeServer';

const requireDist = createRequire(resolve('dist', 'x.js'));

describe('built bundles', () => {
  let server: FakeServer;
  before(async () => {
    assert.ok(existsSync('dist/extension.js') && existsSync('dist/network.js') && existsSync('dist/errors.js'), 'dist/ is built (npm run test:unit builds it; alone: npm run build)');
    server = await startFakeServer();
  });
  after(() => server.close());

  it('an error thrown in dist/network.js is an instance of the class dist/extension.js sees', async () => {
    const errors = requireDist('./errors.js') as typeof ErrorsModule;
    const network = requireDist('./network.js') as typeof NetworkModule;
    const client = new network.UsageClient({ baseUrl: server.url, apiKey: FAKE_PROJECT_KEY, maxRetries: 0 });
    await assert.rejects(client.query({ endpoint: 'costs', startTime: 1_700_000_000 - (1_700_000_000 % 86400), limit: 1 }), (e: unknown) => {
      assert.ok(e instanceof errors.PermissionError, 'the shared PermissionError class');
      assert.ok(e instanceof errors.ApiError);
      assert.equal((e as Error).name, 'PermissionError', 'class names survive minification');
      return true;
    });
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
    assert.ok(!requested.some((r) => r === 'undici' || r === 'node:http' || r === 'node:net' || r === 'http' || r === 'net'), `no HTTP stack at load: ${requested.join(', ')}`);
  });
});
