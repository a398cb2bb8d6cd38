// The proxy dispatcher, through a real loopback CONNECT proxy to the fake API.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { UsageClient } from '../../src/api/client';
import { isApiError } from '../../src/api/errors';
import { hasCode } from './codeOf';
import { createProxyDispatcher } from '../../src/api/proxy';
import { FAKE_ADMIN_KEY, startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';
import { createTinyOrg } from '../server/tinyOrg';

const T0 = Date.UTC(2025, 0, 1) / 1000;

interface LoopbackProxy {
  readonly url: string;
  /** CONNECT targets seen, and whether any proxy request carried the API key. */
  readonly tunnels: string[];
  sawKey: boolean;
  close(): Promise<void>;
}

/** A minimal HTTP CONNECT proxy on 127.0.0.1 (what undici's ProxyAgent speaks). */
async function startProxy(): Promise<LoopbackProxy> {
  const sockets = new Set<Socket>();
  const state: LoopbackProxy = {
    url: '',
    tunnels: [],
    sawKey: false,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    state.tunnels.push(req.url ?? '');
    if (JSON.stringify(req.headers).includes(FAKE_ADMIN_KEY)) state.sawKey = true;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(client).add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

let api: FakeServer;
let proxy: LoopbackProxy;

before(async () => {
  api = await startFakeServer({ data: createTinyOrg() });
  proxy = await startProxy();
});
after(async () => {
  await proxy.close();
  await api.close();
});
beforeEach(() => {
  proxy.tunnels.length = 0;
  api.resetStats();
});

describe('createProxyDispatcher', () => {
  it('is undefined without a proxy', () => {
    assert.equal(createProxyDispatcher({}), undefined);
    assert.equal(createProxyDispatcher({ proxy: '  ' }), undefined);
  });

  it('refuses a malformed or non-http proxy URL, without echoing credentials', () => {
    assert.throws(() => createProxyDispatcher({ proxy: 'not a url' }), hasCode('proxy'));
    assert.throws(() => createProxyDispatcher({ proxy: 'ftp://proxy:21' }), hasCode('proxy'));
    assert.throws(() => createProxyDispatcher({ proxy: 'bad//user:secret@' }), (e: unknown) => isApiError(e) && e.code === 'proxy' && !e.message.includes('secret'));
  });

  it('sends requests through the proxy (CONNECT), the key only inside the tunnel', async () => {
    const dispatcher = createProxyDispatcher({ proxy: proxy.url, strictSSL: true });
    assert.ok(dispatcher);
    try {
      const c = new UsageClient({ baseUrl: api.url, apiKey: FAKE_ADMIN_KEY, dispatcher });
      const buckets = await c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + 86400 });
      assert.equal(buckets.length, 1);
      const apiHost = new URL(api.url).host;
      assert.ok(proxy.tunnels.includes(apiHost), JSON.stringify(proxy.tunnels));
      assert.equal(proxy.sawKey, false);
      assert.equal(api.requests.length, 1);
    } finally {
      await dispatcher.close();
    }
  });

  for (const entry of ['127.0.0.1', '127.0.0.1:PORT', '*.0.0.1', '.0.0.1']) {
    it(`noProxy "${entry}" bypasses the proxy`, async () => {
      const port = new URL(api.url).port;
      const dispatcher = createProxyDispatcher({ proxy: proxy.url, noProxy: ['example.com', entry.replace('PORT', port)] });
      assert.ok(dispatcher);
      try {
        const c = new UsageClient({ baseUrl: api.url, apiKey: FAKE_ADMIN_KEY, dispatcher });
        await c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + 86400 });
        assert.deepEqual(proxy.tunnels, []);
        assert.equal(api.requests.length, 1);
      } finally {
        await dispatcher.close();
      }
    });
  }

  it('a noProxy entry for another host does not bypass', async () => {
    const dispatcher = createProxyDispatcher({ proxy: proxy.url, noProxy: ['example.com'] });
    assert.ok(dispatcher);
    try {
      const c = new UsageClient({ baseUrl: api.url, apiKey: FAKE_ADMIN_KEY, dispatcher });
      await c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + 86400 });
      assert.equal(proxy.tunnels.length, 1);
    } finally {
      await dispatcher.close();
    }
  });

  it('a proxy that is down → NetworkError', async () => {
    const dead = await startProxy();
    await dead.close();
    const dispatcher = createProxyDispatcher({ proxy: dead.url });
    assert.ok(dispatcher);
    try {
      const c = new UsageClient({ baseUrl: api.url, apiKey: FAKE_ADMIN_KEY, dispatcher, maxRetries: 0 });
      await assert.rejects(c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + 86400 }), hasCode('network'));
    } finally {
      await dispatcher.close();
    }
  });
});
