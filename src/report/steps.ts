// One computation, two ways to run it. The engine's long passes (report.ts, estimate.ts,
// finite.ts) are generators that yield now and then between rows; `runSteps` runs one through at
// once (the CLI, the tests, small data), `runSliced` in slices that give the event loop back every
// few milliseconds (the extension host with a large organisation: no stretch blocks it).
// Browser-safe: no Node built-ins.

/** A computation that yields (nothing) when it may be paused, and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Rows between two points where a computation may pause (a power of two, minus one: a mask). */
export const PAUSE_MASK = 0x7ff;

/** Runs `steps` through at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export interface SliceOptions {
  /** Longest stretch before the event loop is given back (ms). Default 8. */
  readonly sliceMs?: number;
  /** How the loop is given back; default a zero-delay timer. */
  readonly pause?: () => Promise<void>;
  /** Stops between slices (the result is no longer wanted): the promise rejects with its reason. */
  readonly signal?: AbortSignal;
}

const timer = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs `steps` in slices of at most about `sliceMs`, giving the event loop back between them. */
export async function runSliced<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 8;
  const pause = options.pause ?? timer;
  let until = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() >= until) {
      await pause();
      options.signal?.throwIfAborted();
      until = performance.now() + sliceMs;
    }
  }
}
