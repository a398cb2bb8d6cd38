// Builds three bundles: the extension host (node/cjs, `vscode` external), the headless CLI
// (node/cjs) and the dashboard webview (browser/iife).
//   node esbuild.mjs               development build with sourcemaps
//   node esbuild.mjs --production  empties dist/ first, then minified, no sourcemaps
//   node esbuild.mjs --watch       rebuilds on change, prints problem-matcher lines
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints the lines the `$esbuild-watch` problem matcher looks for. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * The CLI takes the client and the proxy dispatcher from dist/network.js, as the extension does,
 * so undici (most of each bundle's weight) ships once. The imports are dynamic in src/cli.ts, so
 * `--sample` and `--help` never load it.
 */
const NETWORK_MODULES = new Set(['src/api/client', 'src/api/proxy'].map((p) => path.resolve(p)));
const cliNetwork = {
  name: 'cli-network',
  setup(build) {
    build.onResolve({ filter: /\/api\/(client|proxy)$/ }, (args) =>
      args.kind === 'dynamic-import' && NETWORK_MODULES.has(path.resolve(args.resolveDir, args.path)) ? { path: './network.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  plugins: watch ? [problemMatcher] : [],
  legalComments: 'none',
};

const configs = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // `./network.js` stays a require of dist/network.js, made below, so undici loads only when used.
    external: ['vscode', './network.js', './agentTools.js'],
    // import() becomes require(), so the external above resolves as a CommonJS file.
    supported: { 'dynamic-import': false },
  },
  {
    ...common,
    // The agent tools, loaded the first time an agent calls one (like the network layer).
    entryPoints: { agentTools: 'src/agentTools.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { network: 'src/network.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The MCP SDK and its zod are loaded from node_modules at run time: bundled beside our own zod,
    // esbuild's module order breaks zod's initialisation (and `mcp` is the only command using it).
    external: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'],
    banner: { js: '#!/usr/bin/env node' },
    // import() of ./network.js becomes require(), like the extension's.
    supported: { 'dynamic-import': false },
    plugins: [...common.plugins, cliNetwork],
  },
  {
    ...common,
    // codicon.css (+ its font) sits beside main.js so the webview loads both from one resource root.
    entryPoints: { main: 'webview/main.ts', codicon: 'webview/codicon.css' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

// A release starts from an empty dist/, so no source map or bundle from an older build can ship.
if (production) rmSync('dist', { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
