// The key never reaches a message, in any case or in part: redact() alone, and end to end through
// the client against a fake server that echoes it back in the shapes a server (or a proxy) might.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageClient, validateBaseUrl, validateQuery } from '../../src/api/client';
import { ApiError, isApiError, MIN_SECRET_RUN, redact } from '../../src/api/errors';
import { createProxyDispatcher } from '../../src/api/proxy';
import type { UsageQuery } from '../../src/shared/endpoints';
import { describeError } from '../../src/userText';
import { startFakeServer } from '../server/fakeServer';
import type { FakeServer } from '../server/fakeServer';

// Obviously fake, but long like a real one.
const KEY = 'sk-admin-FAKE-test-key-0000';
const BODY = KEY.slice('sk-admin-'.length);

describe('redact', () => {
  it('catches any key shape in any case, glued to other text', () => {
    assert.equal(redact(`key ${KEY.toUpperCase()} here`), 'key sk-*** here');
    assert.equal(redact(`x${KEY}y`), 'xsk-***');
    assert.equal(redact('Sk-Proj-abcdefgh12345678 and SK-abcdefghij'), 'sk-*** and sk-***');
    assert.equal(redact('Authorization: bearer abc.def'), 'Authorization: bearer ***');
    // Our own guidance is not a key.
    assert.equal(redact('an admin key (sk-admin-…)'), 'an admin key (sk-admin-…)');
  });

  it('with the key: every run of 8+ of its characters, in any case, without its prefix, inside other text', () => {
    const cases = [
      `echo ${BODY}`,
      `echo ${BODY.toUpperCase()}`,
      `tail=${KEY.slice(-12)}!`,
      `glued${BODY.slice(5, 5 + MIN_SECRET_RUN)}glued`,
      `two: ${BODY.slice(0, 10)} and ${BODY.slice(-10).toLowerCase()}`,
    ];
    for (const text of cases) {
      const out = redact(text, KEY);
      for (let i = 0; i + MIN_SECRET_RUN <= BODY.length; i++) {
        assert.ok(!out.toLowerCase().includes(BODY.slice(i, i + MIN_SECRET_RUN).toLowerCase()), `${text} → ${out}`);
      }
      assert.match(out, /\*\*\*/);
    }
    // Shorter runs are ordinary text.
    assert.equal(redact('test is fine', KEY), 'test is fine');
  });

  it('keeps everything else, and the JSON around it valid', () => {
    const json = JSON.stringify({ name: `Proj ${KEY}`, n: 1 });
    const out = redact(json, KEY);
    assert.deepEqual(JSON.parse(out), { name: 'Proj sk-admin-***', n: 1 });
  });
});

describe('messages never quote a rejected value that may hold the key', () => {
  it('base URL, proxy and query refusals', () => {
    for (const bad of [`https://u:${BODY}@api.openai.com/v1`, `not a url ${BODY}`, `https://api.openai.com/v1?key=${BODY}`, `https://api.openai.com/v1#${BODY}`]) {
      assert.throws(() => validateBaseUrl(bad), (e: unknown) => isApiError(e) && !e.message.includes(BODY.slice(0, 8)), bad);
    }
    for (const bad of [`http://u:${BODY}@proxy:8080 x`, `ftp://u:${BODY}@proxy`]) {
      assert.throws(() => createProxyDispatcher({ proxy: bad }), (e: unknown) => isApiError(e) && e.code === 'proxy' && !e.message.includes(BODY.slice(0, 8)), bad);
    }
    const q = { endpoint: KEY, startTime: 0 } as unknown as UsageQuery;
    assert.throws(() => validateQuery(q), (e: unknown) => isApiError(e) && !e.message.includes(BODY.slice(0, 8)));
  });

  it('an ApiError built from text holding the key loses it when given the key', () => {
    const e = new ApiError('server', `HTTP 500: ${BODY.toUpperCase()}`, { secret: KEY });
    assert.ok(!e.message.toLowerCase().includes(BODY.slice(0, 8).toLowerCase()), e.message);
  });
});

describe('end to end: a server echoing the key', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ adminKeys: [KEY] });
  });
  after(() => server.close());
  const T0 = Date.UTC(2025, 0, 1) / 1000;

  for (const [what, echo] of [
    ['upper-cased', KEY.toUpperCase()],
    ['without its prefix', BODY],
    ['its tail inside other text', `ref=abc${KEY.slice(-14)}xyz`],
    ['split by a line break', `${BODY.slice(0, 12)}\n${BODY.slice(12)}`],
  ] as const) {
    it(`never shows the key echoed ${what}, on either surface`, async () => {
      Object.assign(server.faults, { serverError: 1, errorMessage: `Bad request for key ${echo}.` });
      const c = new UsageClient({ baseUrl: server.url, apiKey: KEY, maxRetries: 0 });
      const e = await c.query({ endpoint: 'costs', startTime: T0, endTime: T0 + 86400 }).then(() => undefined, (err: unknown) => err);
      assert.ok(isApiError(e) && e.code === 'server', String(e));
      for (const text of [e.message, describeError(e).message, describeError(e, 'cli', KEY).message]) {
        const flat = text.toLowerCase().replace(/\s/g, '');
        for (let i = 0; i + MIN_SECRET_RUN <= BODY.length; i++) {
          assert.ok(!flat.includes(BODY.slice(i, i + MIN_SECRET_RUN).toLowerCase()), text);
        }
      }
    });
  }
});
