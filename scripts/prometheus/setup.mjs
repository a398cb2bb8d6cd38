// Installs Debian's Prometheus for test/unit/prometheus.test.ts (a real server scraping the team
// server). Idempotent: with the binary present it only says so.
//   node scripts/prometheus/setup.mjs [--quiet]      PROMETHEUS_PATH overrides /usr/bin/prometheus
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const prometheusPath = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

const log = (msg) => console.log(`[prometheus setup] ${msg}`);

function run(cmd, args, env) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (res.error) throw new Error(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

/** Makes sure Prometheus is installed; returns its path. */
export function ensurePrometheus(quiet = false) {
  if (existsSync(prometheusPath)) {
    if (!quiet) log(`prometheus present (${prometheusPath})`);
    return prometheusPath;
  }
  if (process.env.PROMETHEUS_PATH) throw new Error(`PROMETHEUS_PATH=${prometheusPath} does not exist`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${prometheusPath} is missing and installing it needs root. Run as root, or: sudo apt-get update && sudo apt-get install -y prometheus`);
  }
  log("installing Debian's prometheus with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], env);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], env);
  if (!existsSync(prometheusPath)) throw new Error(`apt-get installed prometheus but ${prometheusPath} is missing`);
  log('prometheus installed');
  return prometheusPath;
}

if (import.meta.url === `file://${process.argv[1]}`) ensurePrometheus(process.argv.includes('--quiet'));
