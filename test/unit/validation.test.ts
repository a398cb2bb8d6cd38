import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyShape, parseBudget } from '../../src/validation';

describe('checkKeyShape', () => {
  it('accepts admin- and other sk- shaped keys (the API decides what they may read)', () => {
    assert.equal(checkKeyShape('sk-admin-test-fake-0000'), undefined);
    assert.equal(checkKeyShape('  sk-admin-test-fake-0000  '), undefined);
    assert.equal(checkKeyShape('sk-proj-test-fake-0000'), undefined);
  });
  it('refuses empty, spaced, short or foreign values with a message', () => {
    assert.match(checkKeyShape('') ?? '', /Paste an admin key/);
    assert.match(checkKeyShape('sk-admin-test fake-0000') ?? '', /no spaces/);
    assert.match(checkKeyShape('sk-admin-1') ?? '', /sk-admin-/);
    assert.match(checkKeyShape('Bearer sk-admin-test-fake-0000') ?? '', /no spaces/);
    assert.match(checkKeyShape('pk-admin-test-fake-0000-0000') ?? '', /does not look like/);
  });
  it('says a key with control or non-ASCII characters cannot be sent, without quoting it', () => {
    for (const bad of ['sk-admin-test-fake\u0000-0000', 'sk-admin-test-fake\u007f-0000', 'sk-admin-tést-fake-0000', 'sk-admin-test-fake\u0085-0000']) {
      const said = checkKeyShape(bad) ?? '';
      assert.match(said, /cannot be sent/, JSON.stringify(bad));
      assert.ok(!said.includes('fake'), said);
    }
  });
});

describe('parseBudget', () => {
  it('reads plain, grouped and dollar amounts', () => {
    assert.equal(parseBudget('500'), 500);
    assert.equal(parseBudget(' 1,250.50 '), 1250.5);
    assert.equal(parseBudget('$75'), 75);
    assert.equal(parseBudget(''), 0);
  });
  it('refuses negative, non-numeric and non-finite input', () => {
    for (const bad of ['-5', 'abc', '1e999', 'Infinity', '12.', '.5.5', 'NaN']) assert.equal(parseBudget(bad), undefined, bad);
  });
});
