import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable, Listeners, toDisposable } from '../../src/app/disposable';

describe('app/disposable: Disposable', () => {
  it('disposes what it registered in reverse order, once', () => {
    const order: string[] = [];
    const owner = new Disposable();
    for (const name of ['a', 'b', 'c']) owner.register(toDisposable(() => order.push(name)));
    assert.equal(owner.isDisposed, false);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.equal(owner.isDisposed, true);
  });

  it('register returns what it was given, and after disposal disposes it at once', () => {
    const owner = new Disposable();
    const first = { disposed: 0, dispose(): void { this.disposed++; } };
    assert.equal(owner.register(first), first);
    owner.dispose();
    const late = { disposed: 0, dispose(): void { this.disposed++; } };
    owner.register(late);
    assert.equal(late.disposed, 1, 'a late registration does not leak');
    owner.dispose();
    assert.equal(first.disposed, 1);
    assert.equal(late.disposed, 1);
  });

  it('one failing disposal does not stop the others; the first failure is thrown after', () => {
    const order: string[] = [];
    const owner = new Disposable();
    owner.register(toDisposable(() => order.push('a')));
    owner.register(toDisposable(() => { throw new Error('first'); }));
    owner.register(toDisposable(() => { throw new Error('second'); }));
    owner.register(toDisposable(() => order.push('d')));
    assert.throws(() => owner.dispose(), /second/);
    assert.deepEqual(order, ['d', 'a']);
  });

  it('toDisposable runs its function once', () => {
    let runs = 0;
    const d = toDisposable(() => runs++);
    d.dispose();
    d.dispose();
    assert.equal(runs, 1);
  });
});

describe('app/disposable: Listeners', () => {
  it('fires each listener in order until it is removed, and none once disposed', () => {
    const seen: string[] = [];
    const listeners = new Listeners<number>();
    const a = listeners.add((n) => seen.push(`a${n}`));
    listeners.add((n) => seen.push(`b${n}`));
    listeners.fire(1);
    a.dispose();
    listeners.fire(2);
    listeners.dispose();
    listeners.fire(3);
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
  });
});
