import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModeSwitch, SAMPLE_ENV, SAMPLE_FLAG, dataOrigin, resolveMode } from '../../src/app/mode';
import type { ModeDeps } from '../../src/app/mode';
import type { Mode } from '../../src/state';
import { teamUrlProblem } from '../../src/validation';

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

describe('app/mode: a team server', () => {
  const TEAM = 'https://usage.example.com';
  it('is used when no key is set: its own origin, from the URL and the read token', () => {
    const r = resolveMode({ key: undefined, sample: true, baseUrl: BASE, teamServerUrl: TEAM, teamToken: 'read-token' });
    assert.equal(r.mode, 'team');
    assert.match(r.origin, /^[0-9a-f]{16}$/);
    assert.notEqual(r.origin, resolveMode({ key: undefined, sample: false, baseUrl: BASE, teamServerUrl: TEAM, teamToken: 'other' }).origin, 'another token, another origin');
    assert.notEqual(r.origin, resolveMode({ key: undefined, sample: false, baseUrl: BASE, teamServerUrl: 'https://other.example.com', teamToken: 'read-token' }).origin);
  });
  it('a key still wins over a team server', () => {
    assert.equal(resolveMode({ key: KEY, sample: false, baseUrl: BASE, teamServerUrl: TEAM, teamToken: 't' }).mode, 'api');
  });
  it('ModeSwitch reads the URL and the token only when no key is set', async () => {
    const f = fake();
    let tokenReads = 0;
    const deps: ModeDeps = { ...f.deps, teamServerUrl: () => TEAM, teamToken: { get: async () => (tokenReads++, 'read-token') } };
    assert.equal(await new ModeSwitch(deps).apply(), 'team');
    assert.equal(tokenReads, 1);
    f.key = KEY;
    assert.equal(await new ModeSwitch(deps).apply(), 'api');
    assert.equal(tokenReads, 1, 'the token is not read when a key is set');
  });
});

describe('validation: a team server URL', () => {
  it('takes https, and http only for a loopback host', () => {
    assert.equal(teamUrlProblem('https://usage.example.com'), undefined);
    assert.equal(teamUrlProblem('http://127.0.0.1:9464'), undefined);
    assert.equal(teamUrlProblem('http://localhost:9464/'), undefined);
    assert.match(teamUrlProblem('http://usage.example.com') ?? '', /https/);
  });
  it('refuses user-info, a query or a fragment, and never quotes the value back', () => {
    const secret = 'https://bob:hunter2@usage.example.com';
    const problem = teamUrlProblem(secret) ?? '';
    assert.match(problem, /user name and password/);
    assert.ok(!problem.includes('hunter2'));
    assert.match(teamUrlProblem('https://usage.example.com/?token=x') ?? '', /query/);
    assert.match(teamUrlProblem('https://usage.example.com/#x') ?? '', /fragment/);
    assert.match(teamUrlProblem('not a url') ?? '', /not a URL/);
    assert.match(teamUrlProblem('  ') ?? '', /Enter/);
  });
});
