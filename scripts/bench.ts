// The benchmark, run on demand (`npm run bench`; not a test: its figures depend on the machine).
// Every figure of ours sits beside a peer measured in the same run, interleaved, as the median of
// several repetitions:
//   1. Refresh: a 90-day refresh of all nine endpoints and the names, grouped as the views need,
//      against the loopback fake API with 50 and 150 ms per answer: the official SDK as its docs
//      show it (one endpoint after another), the SDK used carefully (in parallel, limit at the
//      maximum), plain fetch with every request at once (the floor), and ours. Time, requests,
//      round trips (sequential waves seen by the fake server).
//   2. Row handling: one page of dense completions, parsed and checked by our guard, by the zod
//      reference, and with JSON.parse included.
//   3. Scale: 10, 100 and 1,000 projects × 50 models × 90 days (scripts/bench/denseOrg.ts):
//      refresh, rows/s, heap held, the store's write and read (time, longest blocking stretch),
//      the summary-first start-up, activate() → first status text (the built extension under a
//      stub of the vscode API, with a stored summary), the JSON store of earlier versions as the
//      peer, CLI summary time and RSS.
//   4. Activation: loading the extension bundle (network layer lazy) vs. loading it eagerly.
// Options (environment): BENCH_REPS (default 5), BENCH_SCALES (default "10,100,1000"),
// BENCH_SECTIONS (default "refresh,rows,scale,activation").
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageClient } from '../src/api/client';
import { tryParseUsagePage } from '../src/api/fastRows';
import { parseUsagePage } from '../src/api/schemas';
import { summarize, summarizeSliced } from '../src/report/summary';
import type { UsageSnapshot } from '../src/shared/snapshot';
import { loadSnapshot } from '../src/usage/loader';
import { createSampleOrg } from '../src/usage/sample';
import { dataOrigin } from '../src/app/mode';
import { storedSummaryOf } from '../src/app/presenter';
import { readLegacySnapshot, readStore, readSummary, storeFiles, writeStore } from '../src/usage/snapshotStore';
import { FAKE_ADMIN_KEY, startFakeServer } from '../test/server/fakeServer';
import { countRoundTrips } from '../test/server/roundTrips';
import { createDenseOrg } from '../test/server/denseOrg';
import { gc, heapHeld, median, runNode, timeAndBlocking } from './bench/measure';
import { PEERS } from './bench/peers';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const SCALES = (process.env.BENCH_SCALES ?? '10,100,1000').split(',').map(Number);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'refresh,rows,scale,activation').split(','));
const MODELS = 50;
const DAYS = 90;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const line = (cells: readonly (string | number)[], widths: readonly number[]): void =>
  console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 10) : String(c).padStart(widths[i] ?? 10))).join(' '));

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${mb(totalmem())} MB RAM, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`;
}

async function refreshPeers(): Promise<void> {
  const now = Date.now();
  const server = await startFakeServer({ now: () => now, data: createSampleOrg({ now: () => now }), cacheBodies: true });
  try {
    for (const latency of [50, 150]) {
      server.faults.delayMs = latency;
      const plan = { baseUrl: server.url, nowMs: now, rangeDays: DAYS };
      const times = new Map<string, number[]>(PEERS.map(([name]) => [name, []]));
      const shape = new Map<string, string>();
      for (const [, peer] of PEERS) await peer(plan); // warm-up: fills the fake's cache, JITs every path
      for (let rep = 0; rep < REPS; rep++) {
        // Interleaved, the order rotated each repetition: no peer always runs first or last.
        for (let k = 0; k < PEERS.length; k++) {
          const [name, peer] = PEERS[(rep + k) % PEERS.length] as (typeof PEERS)[number];
          server.resetStats();
          const t0 = performance.now();
          await peer(plan);
          times.get(name)?.push(performance.now() - t0);
          shape.set(name, `${server.requests.length} | ${countRoundTrips(server.requests)}`);
        }
      }
      const oursMs = median(times.get('ours') ?? []);
      console.log(`\n## Refresh, 90 days, ${latency} ms per answer (median of ${REPS})\n`);
      line(['peer', 'ms', 'requests | round trips', 'vs ours'], [34, 8, 24, 8]);
      for (const [name] of PEERS) {
        const ms = median(times.get(name) ?? []);
        line([name, ms.toFixed(0), shape.get(name) ?? '', `${(ms / oursMs).toFixed(2)}×`], [34, 8, 24, 8]);
      }
    }
  } finally {
    await server.close();
  }
}

async function rowHandling(): Promise<void> {
  const org = createDenseOrg({ projects: 100, models: MODELS });
  const server = await startFakeServer({ data: org });
  try {
    const end = Math.floor(Date.now() / 86_400_000) * 86_400;
    const url = `${server.url}/organization/usage/completions?start_time=${end - 31 * 86_400}&end_time=${end}&bucket_width=1d&limit=31&group_by=project_id&group_by=model`;
    const text = await (await fetch(url, { headers: { authorization: `Bearer ${FAKE_ADMIN_KEY}` } })).text();
    const body: unknown = JSON.parse(text);
    const rows = 31 * org.rowsPerDay('completions');
    // CPU time of this thread's work: on a shared machine wall time also counts other processes.
    const run = (f: () => unknown, reps: number): number => {
      const t: number[] = [];
      for (let i = 0; i < reps; i++) {
        const c0 = process.cpuUsage();
        f();
        const c = process.cpuUsage(c0);
        t.push((c.user + c.system) / 1000);
      }
      return median(t);
    };
    const fast = run(() => tryParseUsagePage('completions', body), REPS + 2);
    const parseAndFast = run(() => tryParseUsagePage('completions', JSON.parse(text)), REPS);
    const zod = run(() => parseUsagePage('completions', body, 'bench'), 3);
    const parseOnly = run(() => JSON.parse(text), REPS);
    console.log(`\n## Row handling: one page, ${rows.toLocaleString('en')} completions rows, ${mb(text.length)} MB of JSON (median CPU time)\n`);
    line(['path', 'CPU ms', 'rows/s'], [40, 8, 14]);
    const rate = (ms: number): string => Math.round((rows / ms) * 1000).toLocaleString('en');
    line(['ours: fast guard (parsed JSON)', fast.toFixed(1), rate(fast)], [40, 8, 14]);
    line(['zod reference (parsed JSON)', zod.toFixed(1), rate(zod)], [40, 8, 14]);
    line(['ours: JSON.parse + fast guard', parseAndFast.toFixed(1), rate(parseAndFast)], [40, 8, 14]);
    line(['JSON.parse alone', parseOnly.toFixed(1), rate(parseOnly)], [40, 8, 14]);
  } finally {
    await server.close();
  }
}

function rowCount(s: UsageSnapshot): number {
  let n = 0;
  for (const b of s.costs) n += b.rows.length;
  for (const buckets of Object.values(s.usage)) for (const b of buckets ?? []) n += b.rows.length;
  return n;
}

async function scale(projects: number, dir: string): Promise<void> {
  const org = createDenseOrg({ projects, models: MODELS });
  const now = Date.now();
  // At 1,000 projects a 31-day page of completions (1.5 M rows) would pass V8's largest string:
  // the fake serves one day a page there, which our client follows by its cursor.
  const huge = projects >= 1000;
  const server = await startFakeServer({ now: () => now, data: org, cacheBodies: !huge });
  server.faults.delayMs = 50;
  if (huge) server.faults.pageSize = 1;
  const out: string[] = [];
  const note = (k: string, v: string): void => void out.push(`${k.padEnd(44)} ${v}`);
  try {
    let snapshot: UsageSnapshot | undefined;
    try {
      // Warm-up, not measured: the fake builds and keeps its answers, so the run below measures the client.
      if (!huge) await loadSnapshot(new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY, maxRetries: 0 }), { nowMs: now, rangeDays: DAYS });
      gc();
      server.resetStats();
      const client = new UsageClient({ baseUrl: server.url, apiKey: FAKE_ADMIN_KEY });
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const held = await heapHeld(() => loadSnapshot(client, { nowMs: now, rangeDays: DAYS }));
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      snapshot = held.value;
      const rows = rowCount(snapshot);
      note(huge ? 'refresh over HTTP, 50 ms, 1 day a page, fake CPU included' : 'refresh over HTTP, 50 ms latency', `${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU), ${server.requests.length} requests, ${countRoundTrips(server.requests)} round trips`);
      note('rows, rows/s end to end (wall | per CPU s)', `${rows.toLocaleString('en')}, ${Math.round((rows / ms) * 1000).toLocaleString('en')}/s | ${Math.round((rows / cpuMs) * 1000).toLocaleString('en')}/s`);
      note('heap held by the snapshot', `${mb(held.bytes)} MB`);
      if (!huge) {
        // A scheduled full refresh with the same client: the window sizes that fit the body cap are known.
        // Twice: the first fills the fake's cache for the new windows (its CPU is not the client's).
        const again = (): Promise<UsageSnapshot> => loadSnapshot(client, { nowMs: now, rangeDays: DAYS, previous: { ...(snapshot as UsageSnapshot), rangeStart: 0, rangeEnd: 0, costsStart: 0, fetchedAt: now - 3_600_000 } });
        await again();
        server.resetStats();
        const t1 = performance.now();
        await again();
        note('full refresh again, same client', `${(performance.now() - t1).toFixed(0)} ms, ${server.requests.length} requests, ${countRoundTrips(server.requests)} round trips`);
      }
    } catch (e) {
      note('refresh over HTTP', `FAILED: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
      // The rest still measured, on the same data loaded without HTTP.
      const held = await heapHeld(() => loadSnapshot(org, { nowMs: now, rangeDays: DAYS }));
      snapshot = held.value;
      note('same snapshot loaded in memory: rows, heap', `${rowCount(snapshot).toLocaleString('en')}, ${mb(held.bytes)} MB`);
    }

    // The store (src/usage/snapshotStore.ts over the compact layout), as the extension uses it.
    const files = storeFiles(path.join(dir, `store-${projects}`));
    try {
      const stored = snapshot;
      const summaryFile = await storedSummaryOf(stored, 30);
      const write = await timeAndBlocking(() => writeStore(files, stored, summaryFile));
      const size = (await stat(files.snapshot)).size;
      note('store write (compact), file', `${write.ms.toFixed(0)} ms, longest blocking ${write.maxBlockMs.toFixed(0)} ms, ${mb(size)} MB`);
      const first = await timeAndBlocking(() => readSummary(files));
      note('start-up: stored summary → status figures', `${first.ms.toFixed(1)} ms, longest blocking ${first.maxBlockMs.toFixed(0)} ms${first.value ? '' : ' (READ FAILED)'}`);
      const read = await timeAndBlocking(() => readStore(files));
      note('store read (compact, sliced)', `${read.ms.toFixed(0)} ms, longest blocking ${read.maxBlockMs.toFixed(0)} ms${read.value ? '' : ' (READ FAILED)'}`);
      // As the extension does it: the store read in slices, then the views' summary in slices.
      const full = await timeAndBlocking(async () => {
        const c = await readStore(files);
        return c ? summarizeSliced(c, { nowMs: now, rangeDays: 30 }) : undefined;
      });
      note('start-up: stored snapshot → summary (sliced)', `${full.ms.toFixed(0)} ms, longest blocking ${full.maxBlockMs.toFixed(0)} ms`);
      // As the CLI does it: the summary at once, one synchronous stretch (a fresh read: nothing kept).
      const once = await readStore(files);
      const atOnce = once ? await timeAndBlocking(async () => summarize(once, { nowMs: now, rangeDays: 30 })) : undefined;
      note('peer: the same summary at once (as the CLI)', atOnce ? `${atOnce.ms.toFixed(0)} ms, one stretch` : 'READ FAILED');
      snapshot = undefined;
      gc();
      const held = await heapHeld(() => readStore(files));
      note('heap held by the snapshot read from the store', `${mb(held.bytes)} MB`);
      if (projects <= 100 && existsSync('dist/extension.js')) {
        const key = 'sk-admin-FAKE-bench-00';
        // The refresh activate() starts goes to a closed local port: it fails at once, offline.
        const base = 'http://127.0.0.1:9';
        await writeStore(files, { ...stored, origin: dataOrigin(base, key) }, { ...summaryFile, origin: dataOrigin(base, key) });
        const probe = await runNode(['--expose-gc', 'scripts/bench/activateProbe.cjs', 'dist/extension.js', path.dirname(files.snapshot), key, base], process.env);
        const r = JSON.parse(probe.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number | undefined>;
        const f = (v: number | undefined, d = 0): string => (v === undefined ? '?' : v.toFixed(d));
        note(
          'activate() → first status text (summary)',
          probe.code === 0 ? `${f(r.firstMs, 1)} ms (activate() itself ${f(r.activateMs, 1)} ms; longest blocking before it ${f(r.blockBeforeFirstMs)} ms)` : `FAILED (exit ${probe.code}): ${probe.stderr.slice(0, 200)}`,
        );
        if (probe.code === 0) {
          note('activate() → the stored snapshot\'s figures', `${f(r.dataMs)} ms; heap after ${f(r.heapMB)} MB`);
          note('activation: longest blocking in all', `${f(r.maxBlockMs)} ms, from ${f(r.maxBlockStartedAtMs)} ms`);
        }
      }
    } catch (e) {
      note('store', `FAILED: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
    }

    // The JSON store of earlier versions, as the peer (10 and 100 projects: at 1,000 the text is too long to exist).
    if (projects <= 100) {
      const legacy = path.join(dir, `legacy-${projects}.json`);
      const stored = (await readStore(files)) as UsageSnapshot;
      const write = await timeAndBlocking(() => writeFile(legacy, JSON.stringify(stored)));
      const read = await timeAndBlocking(async () => {
        const s = await readLegacySnapshot(legacy, { maxBytes: 2 ** 30 });
        return s ? summarize(s, { nowMs: now, rangeDays: 30 }) : undefined;
      });
      note('peer: JSON store write | read + summary', `${write.ms.toFixed(0)} ms (blocking ${write.maxBlockMs.toFixed(0)}) | ${read.ms.toFixed(0)} ms (blocking ${read.maxBlockMs.toFixed(0)}), ${mb((await stat(legacy)).size)} MB`);
      await rm(legacy, { force: true });
    }
    snapshot = undefined;
    gc();

    if (existsSync('dist/cli.js')) {
      const cli = await runNode(['dist/cli.js', 'summary', '--json', '--days', String(DAYS), '--base-url', server.url], {
        ...process.env,
        OPENAI_ADMIN_KEY: FAKE_ADMIN_KEY,
        // The default overall deadline is 60 s; an organisation this large needs longer (documented).
        ...(huge ? { OPENAI_USAGE_INSIGHT_DEADLINE_MS: '900000' } : {}),
      });
      note('CLI summary --json --days 90 (50 ms latency)', cli.code === 0 ? `${cli.ms.toFixed(0)} ms, peak RSS ${mb(cli.maxRss)} MB` : `FAILED (exit ${cli.code}): ${cli.stderr.slice(0, 120)}`);
    }
  } finally {
    await server.close();
  }
  console.log(`\n### ${projects.toLocaleString('en')} projects × ${MODELS} models × ${DAYS} days (completions ${(projects * MODELS).toLocaleString('en')} rows a day)\n`);
  for (const l of out) console.log(l);
}

const STUB_VSCODE = `const M=require('module');const o=M._load;M._load=function(r,...a){if(r==='vscode')return new Proxy({}, {get:()=>function(){}});return o.call(this,r,...a)};`;

function activation(): void {
  if (!existsSync('dist/extension.js')) {
    console.log('\n(activation skipped: run npm run build first)');
    return;
  }
  const load = (script: string): number => Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
  const ours: number[] = [];
  const eager: number[] = [];
  for (let i = 0; i < REPS; i++) {
    ours.push(load(`${STUB_VSCODE}const t=performance.now();require('./dist/extension.js');console.log(performance.now()-t)`));
    eager.push(load(`${STUB_VSCODE}const t=performance.now();require('./dist/extension.js');require('./dist/network.js');console.log(performance.now()-t)`));
  }
  console.log(`\n## Activation: loading the bundle (median of ${REPS})\n`);
  console.log(`ours (network layer lazy)   ${median(ours).toFixed(1)} ms`);
  console.log(`peer (network layer eager)  ${median(eager).toFixed(1)} ms`);
}

void (async (): Promise<void> => {
  console.log(`# npm run bench — ${new Date().toISOString()}\n\n${machine()}`);
  if (SECTIONS.has('refresh')) await refreshPeers();
  if (SECTIONS.has('rows')) await rowHandling();
  if (SECTIONS.has('scale')) {
    console.log('\n## Scale');
    const dir = await mkdtemp(path.join(tmpdir(), 'usage-bench-'));
    try {
      for (const p of SCALES) await scale(p, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (SECTIONS.has('activation')) activation();
})().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
