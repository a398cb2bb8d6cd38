// Loads one of our own bundles (dist/network.js: undici and the client, ~100 ms to compile) with
// V8's code cache kept in the extension's storage, so only the first session after an install or
// an update pays for compiling it: later ones load it in a fraction of that, and the first refresh
// no longer holds the extension host for a tenth of a second. Node's own compile cache
// (module.enableCompileCache) would apply to every extension in the shared extension host; this
// applies to our file alone. A cache V8 rejects (another V8, other flags, a changed file) is
// rebuilt; any failure means a plain require.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export interface CodeCacheResult<T> {
  readonly exports: T;
  /** 'hit': loaded with the cache; 'made': compiled, cache written; 'plain': a plain require. */
  readonly cache: 'hit' | 'made' | 'plain';
}

/** `require(file)` with V8's code cache in `cacheDir` (undefined: a plain require). */
export function requireWithCodeCache<T>(file: string, cacheDir: string | undefined): CodeCacheResult<T> {
  const plain = (): CodeCacheResult<T> => ({ exports: Module.createRequire(file)(file) as T, cache: 'plain' });
  if (!cacheDir) return plain();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return plain();
  }
  // The file's content and the V8 version name the cache: an update or another runtime makes a new one.
  const id = createHash('sha256').update(process.versions.v8).update('\0').update(source).digest('hex').slice(0, 16);
  const cacheFile = path.join(cacheDir, `${path.basename(file)}.${id}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  run(module.exports, Module.createRequire(file), module, file, path.dirname(file));
  if (cachedData && !script.cachedDataRejected) return { exports: module.exports as T, cache: 'hit' };
  try {
    // After the first run: the functions compiled meanwhile are in the cache too.
    const data = script.createCachedData();
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, cacheFile);
    if (cachedData) rmSync(cacheFile + '.rejected', { force: true });
  } catch {
    // No cache this time (a read-only disk, say): nothing else changes.
  }
  return { exports: module.exports as T, cache: 'made' };
}
