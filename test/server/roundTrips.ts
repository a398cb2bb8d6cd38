// Round trips of a run, from the fake server's request records: a request that arrived after
// another one had been answered may have waited for it (a cursor, a limiter slot, an await), so
// it is one trip later. The count is the longest such chain: 1 when everything was in flight at
// once, N for N sequential waves, whatever the latency.
import type { RequestRecord } from './fakeServer';

export function countRoundTrips(records: readonly RequestRecord[]): number {
  const done = records.filter((r) => r.endedAt !== undefined).sort((a, b) => a.startedAt - b.startedAt);
  const depth: number[] = [];
  let max = 0;
  for (let i = 0; i < done.length; i++) {
    const r = done[i] as RequestRecord;
    let d = 1;
    for (let j = 0; j < i; j++) {
      const before = done[j] as RequestRecord;
      if ((before.endedAt as number) <= r.startedAt) d = Math.max(d, (depth[j] as number) + 1);
    }
    depth.push(d);
    max = Math.max(max, d);
  }
  return max;
}
