// Benchmarks, run on demand (`npm run bench`, after `npm run build`): each figure is printed beside
// a peer measured in the same run, on the same machine, so the comparison means something.
//   1. Activation: loading dist/extension.js (network layer lazy) vs. loading it with the network
//      layer eagerly, as a single bundle would.
//   2. A 90-day refresh of all nine endpoints and the project names against the loopback fake API
//      with 40 ms of latency per request: our client (windows in parallel, limit at the maximum)
//      vs. a naive client (no limit, so 7 buckets a page, cursors walked one by one).
//   3. Memory: heap held by a 90-day snapshot and its summary.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ENDPOINT_IDS, ENDPOINTS } from '../src/shared/endpoints';
import { UsageClient } from '../src/api/client';
import { summarize } from '../src/report/summary';
import { loadSnapshot } from '../src/usage/loader';
import { createSampleOrg } from '../src/usage/sample';
import { addDays, dayStartOfMs } from '../src/shared/time';
import { FAKE_ADMIN_KEY, startFakeServer } from '../test/server/fakeServer';

const RUNS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function row(label: string, ours: string, peer: string, note = ''): void {
  console.log(`${label.padEnd(34)} ${ours.padStart(14)} ${peer.padStart(14)}  ${note}`);
}

function loadTimeMs(script: string): number {
  // A fresh process each time: module caches would hide the cost otherwise.
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

const STUB_VSCODE = `const M=require('module');const o=M._load;M._load=function(r,...a){if(r==='vscode')return new Proxy({}, {get:()=>function(){}});return o.call(this,r,...a)};`;

async function activation(): Promise<void> {
  if (!existsSync('dist/extension.js')) throw new Error('run npm run build first');
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(loadTimeMs(`${STUB_VSCODE}const t=performance.now();require('./dist/extension.js');console.log(performance.now()-t)`));
    peer.push(loadTimeMs(`${STUB_VSCODE}const t=performance.now();require('./dist/extension.js');require('./dist/network.js');console.log(performance.now()-t)`));
  }
  row('load extension bundle (median ms)', median(ours).toFixed(1), median(peer).toFixed(1), 'ours: network lazy | peer: network eager');
}

/** The naive client: no `limit` (the API then pages 7 buckets), cursors followed one at a time. */
async function naiveFetchAll(baseUrl: string, path: string, start: number, end: number, extra: string): Promise<number> {
  let page: string | undefined;
  let requests = 0;
  do {
    const url = `${baseUrl}${path}?start_time=${start}&end_time=${end}${extra}${page ? `&page=${encodeURIComponent(page)}` : ''}`;
    const res = await fetch(url, { headers: { Authorization: `Bearer ${FAKE_ADMIN_KEY}` } });
    requests++;
    const body = (await res.json()) as { has_more: boolean; next_page: string | null };
    page = body.has_more && body.next_page ? body.next_page : undefined;
  } while (page);
  return requests;
}

async function refresh(): Promise<void> {
  const now = Date.now();
  const server = await startFakeServer({ now: () => now });
  server.faults.delayMs = 40;
  try {
    const end = addDays(dayStartOfMs(now), 1);
    const start = addDays(end, -90);
    const ours: number[] = [];
    const peer: number[] = [];
    let ourRequests = 0;
    let peerRequests = 0;
    for (let i = 0; i < 3; i++) {
      const client = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY });
      server.resetStats();
      const before = server.requests.length;
      let t = performance.now();
      await loadSnapshot(client, { nowMs: now, rangeDays: 90 });
      ours.push(performance.now() - t);
      ourRequests = server.requests.length - before;

      const beforePeer = server.requests.length;
      t = performance.now();
      for (const id of ENDPOINT_IDS) {
        const groupBy = ENDPOINTS[id].groupBy.filter((d) => d === 'project_id' || d === 'model' || (id === 'costs' && d === 'line_item'));
        await naiveFetchAll(server.url, ENDPOINTS[id].path, start, end, `&bucket_width=1d${groupBy.map((g) => `&group_by=${g}`).join('')}`);
      }
      await naiveFetchAll(server.url, '/organization/projects', 0, 0, '&include_archived=true');
      peer.push(performance.now() - t);
      peerRequests = server.requests.length - beforePeer;
    }
    row('90-day refresh, 40 ms latency (ms)', median(ours).toFixed(0), median(peer).toFixed(0), `requests: ours ${ourRequests}, peer ${peerRequests}`);
  } finally {
    await server.close();
  }
}

async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    row('90-day snapshot heap (MB)', 'n/a', 'n/a', 'run with node --expose-gc');
    return;
  }
  const now = Date.now();
  const org = createSampleOrg({ now });
  gc();
  const base = process.memoryUsage().heapUsed;
  const snapshot = await loadSnapshot(org, { nowMs: now, rangeDays: 90 });
  const summary = summarize(snapshot, { nowMs: now, rangeDays: 90 });
  gc();
  const held = process.memoryUsage().heapUsed - base;
  const json = JSON.stringify(snapshot).length;
  row('90-day snapshot heap (MB)', (held / 1e6).toFixed(1), (json / 1e6).toFixed(1), `peer: its JSON on disk (MB); ${summary.projects.length} projects`);
}

console.log(`${'benchmark'.padEnd(34)} ${'ours'.padStart(14)} ${'peer'.padStart(14)}`);
void (async (): Promise<void> => {
  await activation();
  await refresh();
  await memory();
})().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
