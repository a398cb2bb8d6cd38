// Small measuring helpers of the benchmark: medians, heap, event-loop blocking, a child's peak RSS.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Full collections with a turn of the loop between: sockets and buffers freed by finalizers go too. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: () => void }).gc === 'function';
}

/** Heap held by what `build` returns (kept alive until measured), in bytes; NaN without --expose-gc. */
export async function heapHeld<T>(build: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  await settle();
  const before = process.memoryUsage().heapUsed;
  const value = await build();
  await settle();
  const bytes = hasGc() ? process.memoryUsage().heapUsed - before : Number.NaN;
  return { value, bytes };
}

/** Runs `work` and reports its time and the longest stretch the event loop was blocked meanwhile. */
export async function timeAndBlocking<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; maxBlockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // A timer beside the histogram: the gap between its ticks is the blocking stretch, ±1 ms.
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
  }, 1);
  const t0 = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - t0;
    // Let the timer see the end of the last stretch.
    await new Promise((r) => setTimeout(r, 5));
    return { value, ms, maxBlockMs: Math.max(maxGap - 1, h.max / 1e6 - 1) };
  } finally {
    clearInterval(tick);
    h.disable();
  }
}

const RSS_PRELOAD = `process.on('exit',()=>{process.stderr.write('\\n@@maxrss '+process.resourceUsage().maxRSS+'\\n')})`;

/** Runs node with `args` and reports wall time, exit code and peak RSS (bytes). Asynchronous: the fake server stays responsive. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; maxRss: number; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'data:text/javascript,' + encodeURIComponent(RSS_PRELOAD), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /@@maxrss (\d+)/.exec(stderr);
      resolve({ ms: performance.now() - t0, code, maxRss: rss ? Number(rss[1]) * 1024 : Number.NaN, stderr: stderr.replace(/\n?@@maxrss \d+\n?/, '').trim(), stdout });
    });
  });
}
