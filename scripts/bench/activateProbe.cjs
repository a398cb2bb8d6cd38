// Runs the built extension's activate() under a stub of the vscode API (no extension host here)
// and reports when the status bar item first gets a text, and when it first shows the stored
// snapshot's figures, both in ms from the activate() call, with the longest stretch the event loop
// was blocked meanwhile and the heap held afterwards. Run by scripts/bench.ts:
//   node --expose-gc activateProbe.cjs <dist/extension.js> <globalStorage dir> <key> <base URL>
/* global process, require, global, setInterval, setTimeout, clearInterval, clearTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script, run by node without a loader */
'use strict';
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const [bundle, storage, key, baseUrl] = process.argv.slice(2);

const texts = [];
/** When the network bundle was loaded (ms from activate()) and how long that took. */
let networkAt;
let t0 = 0;
// Any property, call or construction gives another stub; awaiting one gives the stub itself.
function universal() {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, p) {
      if (p === 'then') return undefined;
      if (p === Symbol.toPrimitive) return () => '';
      if (!cache.has(p)) cache.set(p, universal());
      return cache.get(p);
    },
    set: () => true,
    apply: () => universal(),
    construct: () => universal(),
  });
}
function statusItem() {
  const item = universal();
  return new Proxy(item, {
    set(_t, p, v) {
      if (p === 'text') texts.push([performance.now() - t0, v]);
      return true;
    },
  });
}
// The bundle copies the module's own keys (esbuild's ESM interop), under minified names: give it
// every property name the bundle uses anywhere.
const used = new Set([...require('node:fs').readFileSync(bundle, 'utf8').matchAll(/\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
const vscode = {};
for (const name of used) vscode[name] = universal();
vscode.window = new Proxy(vscode.window ?? universal(), {
  get: (w, q) => (q === 'createStatusBarItem' ? () => statusItem() : q === 'state' ? { focused: false } : w[q]),
});
vscode.workspace = new Proxy(vscode.workspace ?? universal(), {
  get: (w, q) =>
    q === 'getConfiguration' ? () => ({ get: () => undefined, inspect: (k) => (k === 'apiBaseUrl' ? { globalValue: baseUrl } : undefined) }) : w[q],
});
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (!/network\.js$/.test(request) || networkAt) return load.call(this, request, ...rest);
  const t = performance.now();
  const m = load.call(this, request, ...rest);
  networkAt = [t - t0, performance.now() - t];
  return m;
};

const ext = require(require('node:path').resolve(bundle));
const context = {
  subscriptions: [],
  secrets: { get: async () => key, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) },
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  globalStorageUri: { fsPath: storage, scheme: 'file', path: storage },
  extensionUri: universal(),
  extensionPath: storage,
};
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let last = performance.now();
let maxGap = 0;
let gapAt = 0;
const gaps = [];
const tick = setInterval(() => {
  const t = performance.now();
  if (t - last > maxGap) { maxGap = t - last; gapAt = t - t0; }
  if (t - last > 2) gaps.push([Math.round(t - t0), Math.round(t - last)]);
  last = t;
}, 1);
t0 = performance.now();
last = t0;
ext.activate(context);
const activateMs = performance.now() - t0;
const deadline = setTimeout(() => finish(), 120_000);
const poll = setInterval(() => {
  if (texts.some(([, v]) => !String(v).startsWith('$(sync~spin)'))) finish();
}, 1);
function finish() {
  clearInterval(poll);
  clearInterval(tick);
  clearTimeout(deadline);
  global.gc?.();
  const first = texts[0];
  const data = texts.find(([, v]) => !String(v).startsWith('$(sync~spin)'));
  process.stdout.write(
    JSON.stringify({
      activateMs,
      firstMs: first?.[0],
      firstText: first?.[1],
      dataMs: data?.[0],
      dataText: data?.[1],
      texts: process.env.PROBE_TEXTS ? texts : undefined,
      // The longest stretches the loop was blocked: before the first status text, and in all
      // (with where it started: the first refresh loads the network bundle synchronously).
      blockBeforeFirstMs: Math.max(0, ...gaps.filter(([end]) => end <= (first?.[0] ?? 0) + 1).map(([, len]) => len - 1)),
      maxBlockMs: maxGap - 1,
      maxBlockStartedAtMs: gapAt - maxGap,
      networkLoadAtMs: networkAt?.[0],
      networkLoadMs: networkAt?.[1],
      heapMB: (process.memoryUsage().heapUsed - heapBefore) / 1e6,
    }) + '\n',
  );
  process.exit(0);
}
