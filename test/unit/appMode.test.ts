import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModeSwitch, SAMPLE_ENV, SAMPLE_FLAG, dataOrigin, resolveMode } from '../../src/app/mode';
import type { ModeDeps } from '../../src/app/mode';
import type { Mode } from '../../src/state';

const KEY = 'sk-admin-test-fake-not-a-key';
const BASE = 'https://api.openai.com/v1';

describe('app/mode: resolveMode and dataOrigin', () => {
  it('a key means the API, whatever the sample switches say', () => {
    assert.deepEqual(resolveMode({ key: KEY, sample: true, baseUrl: BASE }), { mode: 'api', origin: dataOrigin(BASE, KEY) });
  });
  it('no key: sample when asked for, else nothing', () => {
    assert.deepEqual(resolveMode({ key: undefined, sample: true, baseUrl: BASE }), { mode: 'sample', origin: 'sample' });
    assert.deepEqual(resolveMode({ key: undefined, sample: false, baseUrl: BASE }), { mode: 'none', origin: 'none' });
  });
  it('the origin is 16 hex digits of the host and key, without the key in it', () => {
    const origin = dataOrigin(BASE, KEY);
    assert.match(origin, /^[0-9a-f]{16}$/);
    assert.equal(dataOrigin(`${BASE}//`, KEY), origin, 'a trailing slash is the same host');
    assert.notEqual(dataOrigin(BASE, `${KEY}2`), origin, 'another key, another origin');
    assert.notEqual(dataOrigin('http://127.0.0.1:9999/v1', KEY), origin, 'another host, another origin');
    assert.ok(!origin.includes('test-fake'));
  });
});

interface Fake {
  deps: ModeDeps;
  key: string | undefined;
  flags: Map<string, unknown>;
  env: Record<string, string | undefined>;
  context: Map<string, unknown>;
  setModes: [Mode, string][];
}

function fake(): Fake {
  const f: Fake = { key: undefined, flags: new Map(), env: {}, context: new Map(), setModes: [], deps: undefined as unknown as ModeDeps };
  f.deps = {
    keys: { get: async () => f.key },
    flags: {
      get: (k) => f.flags.get(k),
      update: async (k, v) => void (v === undefined ? f.flags.delete(k) : f.flags.set(k, v)),
    },
    env: f.env,
    baseUrl: () => BASE,
    model: { setMode: async (mode, origin) => void f.setModes.push([mode, origin]) },
    setContext: (k, v) => void f.context.set(k, v),
  };
  return f;
}

describe('app/mode: ModeSwitch', () => {
  it('is unresolved until the key has been read, then tells its listeners after the model switched', async () => {
    const f = fake();
    const modes = new ModeSwitch(f.deps);
    const heard: [Mode, number][] = [];
    modes.onDidResolve((m) => heard.push([m, f.setModes.length]));
    assert.equal(modes.resolved, false);
    assert.equal(await modes.apply(), 'none');
    assert.equal(modes.resolved, true);
    assert.deepEqual(heard, [['none', 1]]);
    assert.deepEqual(f.setModes, [['none', 'none']]);
    assert.equal(f.context.get('openaiUsage.hasKey'), false);
  });

  it('a key sets the API mode with its origin and the hasKey context', async () => {
    const f = fake();
    f.key = KEY;
    f.flags.set(SAMPLE_FLAG, true);
    assert.equal(await new ModeSwitch(f.deps).apply(), 'api');
    assert.deepEqual(f.setModes, [['api', dataOrigin(BASE, KEY)]]);
    assert.equal(f.context.get('openaiUsage.hasKey'), true);
  });

  it(`sample mode from the flag or from ${SAMPLE_ENV}=1 (and only =1)`, async () => {
    const f = fake();
    const modes = new ModeSwitch(f.deps);
    f.env[SAMPLE_ENV] = 'yes';
    assert.equal(await modes.apply(), 'none');
    f.env[SAMPLE_ENV] = '1';
    assert.equal(await modes.apply(), 'sample');
    delete f.env[SAMPLE_ENV];
    f.flags.set(SAMPLE_FLAG, 'true');
    assert.equal(await modes.apply(), 'none', 'only the flag stored as true counts');
  });

  it('setSample stores the flag (or removes it) and applies', async () => {
    const f = fake();
    const modes = new ModeSwitch(f.deps);
    assert.equal(await modes.setSample(true), 'sample');
    assert.equal(f.flags.get(SAMPLE_FLAG), true);
    assert.equal(await modes.setSample(false), 'none');
    assert.equal(f.flags.has(SAMPLE_FLAG), false);
  });
});
