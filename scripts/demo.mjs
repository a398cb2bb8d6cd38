// `npm run demo`: the extension running on sample data in a real VS Code (code-server), in the
// browser of your choice. One command on a fresh machine: installs what it needs the first time
// (npm ci if needed, Node 24 and code-server into .cache/e2e/), builds and packages the extension,
// installs it into a fresh code-server profile, serves it and runs until Ctrl-C.
//   npm run demo [-- --port 8080] [--host 127.0.0.1] [--folder DIR]
/* global fetch, AbortSignal */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cacheDir,
  codeServerEntry,
  codeServerFlags,
  node24,
  quietSettings,
  repoRoot,
  vsixPath,
} from './e2e/paths.mjs';

const log = (msg) => console.log(`[demo] ${msg}`);

function fail(msg) {
  console.error(`[demo] ${msg}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    folder: { type: 'string' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a port number, got ${values.port}`);

function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...options });
  if (res.error) fail(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal})`);
}

// A fresh clone has no node_modules: esbuild and vsce come from there.
if (!existsSync(join(repoRoot, 'node_modules', '.bin', 'vsce'))) run('npm', ['ci', '--no-audit', '--no-fund']);
run(process.execPath, [join(repoRoot, 'scripts', 'e2e', 'setup.mjs'), '--no-chromium']);
run('npm', ['run', '--silent', 'package']);
if (!existsSync(vsixPath)) fail(`packaging produced no ${vsixPath}`);

// A fresh profile every run, so the demo always starts as a first-time user would see it.
const demoDir = join(cacheDir, 'demo');
rmSync(demoDir, { recursive: true, force: true });
const userDataDir = join(demoDir, 'user-data');
const extensionsDir = join(demoDir, 'extensions');
const folder = values.folder ? resolve(values.folder) : join(demoDir, 'workspace');
for (const dir of [join(userDataDir, 'User'), extensionsDir, folder]) mkdirSync(dir, { recursive: true });
writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(quietSettings, null, 2));
const configFile = join(demoDir, 'config.yaml');
writeFileSync(configFile, 'auth: none\ncert: false\n'); // never touch ~/.config/code-server
const common = ['--config', configFile, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];

run(node24, [codeServerEntry, ...common, '--install-extension', vsixPath]);

const logFile = join(demoDir, 'code-server.log');
const out = createWriteStream(logFile);
const child = spawn(node24, [codeServerEntry, ...common, ...codeServerFlags, '--bind-addr', `${values.host}:${port}`, folder], {
  // Its own process group, so Ctrl-C also ends the extension host it starts.
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  // The extension starts in sample mode: no admin key, no network.
  env: { ...process.env, OPENAI_USAGE_INSIGHT_SAMPLE: '1' },
});
child.stdout.pipe(out);
child.stderr.pipe(out);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping code-server');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    process.exit(code);
  }, 3000).unref();
  child.once('exit', () => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('exit', () => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
});
child.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[demo] code-server exited (${code ?? signal}); its log: ${logFile}`);
  process.exit(1);
});

// Ready when /healthz answers; the URL opens the folder directly.
const shownHost = values.host === '0.0.0.0' ? '127.0.0.1' : values.host;
const url = `http://${shownHost}:${port}/?folder=${encodeURIComponent(folder)}`;
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const res = await fetch(`http://${shownHost}:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (res.ok) break;
  } catch {
    // Not listening yet.
  }
  if (Date.now() > deadline) {
    console.error(`[demo] code-server did not answer on port ${port} within 60 s; its log: ${logFile}`);
    stop(1);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
if (!stopping) {
  console.log('');
  console.log(`  OpenAI Usage Insight demo (sample data) is running:`);
  console.log(`  ${url}`);
  console.log('');
  console.log(`  code-server log: ${logFile}`);
  console.log('  Press Ctrl-C to stop.');
}
