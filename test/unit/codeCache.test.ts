// src/codeCache.ts: our bundle loaded with V8's code cache gives the same module as a plain
// require; the cache is made once, used after, rebuilt when V8 rejects it or the file changes, and
// a cache that cannot be written changes nothing but speed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { requireWithCodeCache } from '../../src/codeCache';

const CODE_CACHE = path.resolve('src/codeCache.ts');

/** Loads `file` in a fresh process (a fresh V8: nothing compiled yet), as a new session does. */
function loadFresh(file: string, cache: string): { cache: string; answer: number } {
  const script = `const { requireWithCodeCache } = require(${JSON.stringify(CODE_CACHE)}); const r = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cache)}); console.log(JSON.stringify({ cache: r.cache, answer: r.exports.answer }));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }).trim()) as { cache: string; answer: number };
}

const dir = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function bundle(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
}

const SOURCE = `'use strict';
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
exports.answer = fib(20);
exports.where = path.basename(__filename) + ' in ' + path.basename(__dirname);
module.exports.loaded = (module.exports.loaded || 0) + 1;
`;

describe('codeCache: requireWithCodeCache', () => {
  it('makes the cache once, then loads with it; the module is the same as a plain require', () => {
    const file = bundle('a.js', SOURCE);
    const cache = path.join(dir, 'cache-a');
    const first = requireWithCodeCache<{ answer: number; where: string; loaded: number }>(file, cache);
    assert.equal(first.cache, 'made');
    assert.deepEqual(readdirSync(cache).filter((f) => f.endsWith('.v8cache')).length, 1);
    const second = requireWithCodeCache<{ answer: number; where: string; loaded: number }>(file, cache);
    assert.equal(second.cache, 'hit');
    const plain = requireWithCodeCache<{ answer: number; where: string; loaded: number }>(file, undefined);
    assert.equal(plain.cache, 'plain');
    for (const r of [first, second]) assert.deepEqual({ ...r.exports }, { ...plain.exports });
    assert.equal(second.exports.answer, 6765);
    assert.equal(second.exports.where, `a.js in ${path.basename(dir)}`);
  });

  it('in a new process: the cache is used; a damaged one is rejected by V8 and made again; a changed file gets its own', () => {
    const file = bundle('b.js', SOURCE);
    const cache = path.join(dir, 'cache-b');
    assert.deepEqual(loadFresh(file, cache), { cache: 'made', answer: 6765 });
    assert.deepEqual(loadFresh(file, cache), { cache: 'hit', answer: 6765 });
    const [name] = readdirSync(cache).filter((f) => f.endsWith('.v8cache'));
    assert.ok(name);
    writeFileSync(path.join(cache, name), Buffer.from('not a code cache at all, just bytes'));
    assert.deepEqual(loadFresh(file, cache), { cache: 'made', answer: 6765 }, 'rejected, compiled, made again');
    assert.deepEqual(loadFresh(file, cache), { cache: 'hit', answer: 6765 }, 'the cache made again is used');
    writeFileSync(file, SOURCE.replace('fib(20)', 'fib(10)'));
    assert.deepEqual(loadFresh(file, cache), { cache: 'made', answer: 55 });
  });

  it('a cache folder that cannot be made: the module still loads, every time', () => {
    const file = bundle('c.js', SOURCE);
    // A folder under a file: no one, root included, can make it.
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'a file where a folder would be');
    const cache = path.join(blocker, 'cache-c');
    for (let i = 0; i < 2; i++) {
      const r = requireWithCodeCache<{ answer: number }>(file, cache);
      assert.equal(r.cache, 'made');
      assert.equal(r.exports.answer, 6765);
    }
  });
});
