// The webview's ready handshake as a promise: every post awaits it, so nothing is sent to a
// document that is not listening yet (first load, or shown again after being discarded while
// hidden). No vscode: unit-tested.

export class ReadyGate {
  private pending: { promise: Promise<boolean>; resolve: (ready: boolean) => void } | undefined;
  private closed = false;

  constructor() {
    this.pending = ReadyGate.deferred();
  }

  private static deferred(): { promise: Promise<boolean>; resolve: (ready: boolean) => void } {
    let resolve!: (ready: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    return { promise, resolve };
  }

  get isOpen(): boolean {
    return !this.closed && this.pending === undefined;
  }

  /** Resolves true once the document is ready (at once if it is), false if the gate closed for good. */
  wait(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.pending ? this.pending.promise : Promise.resolve(true);
  }

  /** The document said `ready`: everything waiting goes, in the order it was posted. */
  open(): void {
    if (this.closed || !this.pending) return;
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve(true);
  }

  /** The document was discarded: posts wait for the next `ready`. */
  reset(): void {
    if (this.closed || this.pending) return;
    this.pending = ReadyGate.deferred();
  }

  /** The panel is gone: waiting posts are dropped (their wait resolves false). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending?.resolve(false);
    this.pending = undefined;
  }
}
