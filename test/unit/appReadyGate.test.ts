import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadyGate } from '../../src/app/readyGate';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Posts through the gate as the dashboard does, recording what was sent. */
function poster(gate: ReadyGate): { sent: string[]; post(m: string): void } {
  const sent: string[] = [];
  return { sent, post: (m) => void gate.wait().then((ready) => ready && sent.push(m)) };
}

describe('app/readyGate', () => {
  it('holds posts until ready, then sends them in order; later posts go at once', async () => {
    const gate = new ReadyGate();
    const p = poster(gate);
    p.post('a');
    p.post('b');
    await tick();
    assert.deepEqual(p.sent, []);
    assert.equal(gate.isOpen, false);
    gate.open();
    p.post('c');
    await tick();
    assert.deepEqual(p.sent, ['a', 'b', 'c']);
    assert.equal(gate.isOpen, true);
  });

  it('a discarded document holds posts again until the next ready', async () => {
    const gate = new ReadyGate();
    const p = poster(gate);
    gate.open();
    gate.reset();
    gate.reset();
    p.post('filter');
    await tick();
    assert.deepEqual(p.sent, []);
    gate.open();
    await tick();
    assert.deepEqual(p.sent, ['filter']);
  });

  it('closing drops what waits and everything after', async () => {
    const gate = new ReadyGate();
    const p = poster(gate);
    p.post('waiting');
    gate.close();
    gate.open();
    p.post('late');
    await tick();
    assert.deepEqual(p.sent, []);
    assert.equal(gate.isOpen, false);
    assert.equal(await gate.wait(), false);
  });
});
