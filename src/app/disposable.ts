// The one disposal helper (STYLE: every registration is disposed). No vscode: a vscode.Disposable
// fits `DisposableLike`, and so does anything else with a dispose().

export interface DisposableLike {
  dispose(): unknown;
}

/** A disposable that runs `fn` once. */
export function toDisposable(fn: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/**
 * A base for anything that owns registrations: `register` keeps one, `dispose` undoes them all in
 * reverse order (the last made leans on the earlier ones), once. Registering after disposal
 * disposes at once, so a late async registration cannot leak.
 */
export class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  register<T extends DisposableLike>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Every registration is undone even if one throws; the first failure is reported after.
    let failure: { error: unknown } | undefined;
    for (let d = this.owned.pop(); d; d = this.owned.pop()) {
      try {
        d.dispose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

/** A set of listeners, fired in order; each `add` returns its own removal; disposing drops them all. */
export class Listeners<T> implements DisposableLike {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): DisposableLike {
    this.set.add(listener);
    return toDisposable(() => this.set.delete(listener));
  }

  fire(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }

  dispose(): void {
    this.set.clear();
  }
}
