import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDisposable } from '../../src/app/disposable';
import { RefreshScheduler, TICK_MS } from '../../src/app/scheduler';
import type { Timers, Trigger } from '../../src/app/scheduler';

const MINUTE = 60_000;

/** A clock that moves only when told, running what falls due in time order. */
class FakeTimers implements Timers {
  private tasks: { at: number; every: number | undefined; run: () => void; live: boolean }[] = [];
  constructor(public nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  setInterval(run: () => void, ms: number): { dispose(): void } {
    return this.add(run, ms, ms);
  }
  setTimeout(run: () => void, ms: number): { dispose(): void } {
    return this.add(run, ms, undefined);
  }
  private add(run: () => void, ms: number, every: number | undefined): { dispose(): void } {
    const task = { at: this.nowMs + ms, every, run, live: true };
    this.tasks.push(task);
    return toDisposable(() => (task.live = false));
  }
  get pending(): number {
    return this.tasks.filter((t) => t.live).length;
  }
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const next = this.tasks.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.nowMs = next.at;
      if (next.every === undefined) next.live = false;
      else next.at += next.every;
      next.run();
    }
    this.nowMs = end;
  }
}

/** A trigger the test fires by hand (window focus, a view shown). */
function manualTrigger(): { trigger: Trigger; fire(): void; listeners: number } {
  const listeners = new Set<() => void>();
  const t = {
    trigger: (l: () => void) => {
      listeners.add(l);
      return toDisposable(() => listeners.delete(l));
    },
    fire: () => [...listeners].forEach((l) => l()),
    get listeners() {
      return listeners.size;
    },
  };
  return t;
}

function harness(options: { start?: number; interval?: number; focused?: boolean } = {}) {
  const timers = new FakeTimers(options.start ?? Date.UTC(2025, 2, 15, 10, 0));
  const h = {
    timers,
    interval: options.interval ?? 15,
    focused: options.focused ?? true,
    lastTry: undefined as number | undefined,
    refreshes: [] as number[],
    renders: [] as number[],
    focus: manualTrigger(),
    shown: manualTrigger(),
    scheduler: undefined as unknown as RefreshScheduler,
  };
  h.scheduler = new RefreshScheduler({
    timers,
    intervalMinutes: () => h.interval,
    focused: () => h.focused,
    msSinceLastTry: () => (h.lastTry === undefined ? Number.POSITIVE_INFINITY : timers.now() - h.lastTry),
    refresh: () => {
      h.refreshes.push(timers.now());
      h.lastTry = timers.now();
    },
    rerender: () => h.renders.push(timers.now()),
    triggers: [h.focus.trigger, h.shown.trigger],
  });
  return h;
}

describe('app/scheduler: RefreshScheduler', () => {
  it('refreshes each interval while focused, checked every minute', () => {
    const h = harness({ interval: 15 });
    h.lastTry = h.timers.now();
    h.timers.advance(14 * MINUTE);
    assert.equal(h.refreshes.length, 0);
    h.timers.advance(MINUTE);
    assert.equal(h.refreshes.length, 1);
    h.timers.advance(15 * MINUTE);
    assert.equal(h.refreshes.length, 2);
    assert.equal(h.refreshes[1]! - h.refreshes[0]!, 15 * MINUTE);
  });

  it('never refreshes by the clock while the window has no focus', () => {
    const h = harness({ focused: false });
    h.timers.advance(60 * MINUTE);
    assert.deepEqual(h.refreshes, []);
  });

  it('focus and a view coming into view refresh only when the last try is an interval old', () => {
    const h = harness({ interval: 10, focused: false });
    h.focus.fire();
    assert.equal(h.refreshes.length, 1, 'never tried: due');
    h.timers.advance(5 * MINUTE);
    h.focus.fire();
    h.shown.fire();
    assert.equal(h.refreshes.length, 1, 'five minutes after a try: not due');
    h.timers.advance(5 * MINUTE);
    h.shown.fire();
    assert.equal(h.refreshes.length, 2);
  });

  it('0 minutes: only on demand (no tick, focus or view refresh)', () => {
    const h = harness({ interval: 0 });
    h.focus.fire();
    h.shown.fire();
    h.timers.advance(120 * MINUTE);
    assert.deepEqual(h.refreshes, []);
    assert.equal(h.scheduler.isDue(), false);
  });

  it('after each UTC midnight: re-renders, then refreshes (unless on demand only)', () => {
    const start = Date.UTC(2025, 2, 15, 23, 58, 30);
    const h = harness({ start, interval: 0 });
    h.timers.advance(2 * MINUTE);
    assert.deepEqual(h.renders, [Date.UTC(2025, 2, 16, 0, 0, 1)]);
    assert.deepEqual(h.refreshes, [], 'interval 0: no refresh at midnight');
    h.interval = 24 * 60; // a day: the clock tick is never due in between
    h.lastTry = h.timers.now();
    h.timers.advance(24 * 60 * MINUTE);
    assert.deepEqual(h.renders, [Date.UTC(2025, 2, 16, 0, 0, 1), Date.UTC(2025, 2, 17, 0, 0, 1)]);
    assert.deepEqual(h.refreshes, [Date.UTC(2025, 2, 17, 0, 0, 1)], 'the new day is fetched at midnight');
  });

  it('disposing stops the clock, midnight and every trigger', () => {
    const h = harness();
    assert.equal(h.timers.pending, 2);
    assert.equal(h.focus.listeners, 1);
    h.scheduler.dispose();
    assert.equal(h.timers.pending, 0);
    assert.equal(h.focus.listeners, 0);
    assert.equal(h.shown.listeners, 0);
    h.timers.advance(2 * 24 * 60 * MINUTE);
    assert.deepEqual(h.refreshes, []);
    assert.deepEqual(h.renders, []);
    assert.equal(TICK_MS, MINUTE);
  });
});
