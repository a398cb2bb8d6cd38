// Builds dist/ (node esbuild.mjs) once for the test files that run dist/cli.js. The suite runs
// files in parallel: one build under a lock, and none when dist/cli.js is newer than every source,
// so no test ever starts dist/cli.js while another file is rewriting it.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';

const LOCK = path.join('dist', '.test-build.lock');
const CLI = path.join('dist', 'cli.js');

function newestSource(): number {
  let newest = Math.max(statSync('package.json').mtimeMs, statSync('esbuild.mjs').mtimeMs);
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk('src');
  walk('webview');
  return newest;
}

function fresh(): boolean {
  try {
    return statSync(CLI).mtimeMs > newestSource();
  } catch {
    return false;
  }
}

export async function buildDistOnce(): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    if (fresh()) return;
    let fd: number | undefined;
    try {
      mkdirSync('dist', { recursive: true });
      fd = openSync(LOCK, 'wx');
    } catch {
      // Another test file is building: wait for it, then look again.
      if (Date.now() > until) throw new Error(`${LOCK} held for too long; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!fresh()) execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
      return;
    } finally {
      closeSync(fd);
      unlinkSync(LOCK);
    }
  }
}
