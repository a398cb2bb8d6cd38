// One lookup of names for IDs (src/report/names.ts): names when known, the ID and why when not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyOwner, nameIndex } from '../../src/report/names';
import { createSampleOrg } from '../../src/usage/sample';

describe('report/names', () => {
  const org = createSampleOrg({ now: Date.UTC(2026, 10, 20, 12) });
  const sample = org.namesSync();
  const names = { apiKeys: { ok: true as const, items: sample.apiKeys }, adminKeys: { ok: true as const, items: sample.adminKeys }, users: { ok: true as const, items: sample.users } };

  it('names projects, keys and users, and says which IDs have none', () => {
    const index = nameIndex(org.projectList, names);
    const project = org.projectList[0];
    assert.ok(project);
    assert.equal(index.project(project.id).label, project.name);
    const key = sample.apiKeys[0];
    assert.ok(key);
    assert.equal(index.apiKey(key.id).label, key.name);
    assert.equal(index.apiKey(key.id).key, key);
    assert.deepEqual(index.apiKey('key_deleted'), { id: 'key_deleted', label: 'key_deleted', missing: 'unknown' });
    const user = sample.users[0];
    assert.ok(user);
    assert.equal(index.user(user.id).label, user.name);
    assert.deepEqual(index.unreadable, []);
  });

  it('a directory part the key may not read: IDs shown, marked unreadable, listed once', () => {
    const index = nameIndex(org.projectList, { ...names, users: { ok: false, items: [], status: 403, message: 'Missing scopes' } });
    assert.deepEqual(index.user('user_x'), { id: 'user_x', label: 'user_x', missing: 'unreadable' });
    assert.deepEqual(index.unreadable, ['users']);
    assert.equal(nameIndex([], undefined).apiKey('k').missing, 'unreadable');
  });

  it('says who owns a key', () => {
    assert.equal(keyOwner({ id: 'k', name: 'n', redactedValue: 'sk-…', owner: { type: 'service_account', name: 'ops-bot' } }), 'service account ops-bot');
    assert.equal(keyOwner({ id: 'k', name: 'n', redactedValue: 'sk-…', owner: { type: 'user', name: 'Alice' } }), 'Alice');
    assert.equal(keyOwner({ id: 'k', name: 'n', redactedValue: 'sk-…' }), undefined);
  });
});
