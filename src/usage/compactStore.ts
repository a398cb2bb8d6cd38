// A compact on-disk layout of the snapshot for large organisations (not wired yet: see
// docs/PERFORMANCE.md). The JSON store repeats every key and id on every row: at 100 projects × 50
// models × 90 days it is 115 MB and blocks start-up for seconds; at 1,000 projects it cannot be
// written at all (the JSON text passes V8's largest string). Here:
// - a small summary file, read first, holds what the status bar shows, so the first status text
//   never waits for the bulk data;
// - the snapshot file is a JSON header (metadata, projects, one dictionary of every id and name)
//   followed by numeric columns: one Float64 column per metric (NaN = absent), one Uint32
//   column per dimension and for the currency (0 = absent, else 1 + dictionary index).
// Reads never throw (anything malformed or from another version is "nothing"); writes are atomic.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { DIMENSIONS, USAGE_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, Project, UsageBucket, UsageRow } from '../shared/endpoints';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { UsageSnapshot } from '../shared/snapshot';

const MAGIC = 'OUIC1\n';
const KEY_PATTERN = /\bsk-[A-Za-z0-9_-]{8,}/g;

/** What the status bar needs before anything else is read. Amounts in `currency`. */
export interface StoredSummary {
  readonly version: 1;
  readonly fetchedAt: number;
  readonly origin?: string;
  readonly currency: string;
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
}

interface PartHeader {
  readonly name: string;
  /** [startTime, endTime, rows] of each bucket, in order. */
  readonly buckets: readonly (readonly [number, number, number])[];
  readonly valueKeys: readonly string[];
  readonly dimKeys: readonly Dimension[];
  readonly hasCurrency: boolean;
}

interface Header {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly source: 'api' | 'sample';
  readonly origin?: string;
  readonly fetchedAt: number;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly costsStart: number;
  readonly currency: string;
  readonly projects: readonly Project[];
  readonly strings: readonly string[];
  readonly parts: readonly PartHeader[];
}

const align8 = (n: number): number => (n + 7) & ~7;

function columnBytes(part: PartHeader): number {
  const rows = part.buckets.reduce((n, b) => n + b[2], 0);
  return rows * 8 * part.valueKeys.length + align8(rows * 4 * (part.dimKeys.length + (part.hasCurrency ? 1 : 0)));
}

function parts(snapshot: UsageSnapshot): [string, readonly UsageBucket[]][] {
  const out: [string, readonly UsageBucket[]][] = [['costs', snapshot.costs]];
  for (const id of USAGE_ENDPOINT_IDS) {
    const buckets = snapshot.usage[id];
    if (buckets) out.push([id, buckets]);
  }
  return out;
}

/** The snapshot as header + columns. Key-shaped text is redacted, as the JSON store does. */
export function encodeSnapshot(snapshot: UsageSnapshot): Buffer {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s.replace(KEY_PATTERN, 'sk-***'));
      index.set(s, i);
    }
    return i + 1;
  };
  const headers: PartHeader[] = [];
  const columns: Buffer[] = [];
  for (const [name, buckets] of parts(snapshot)) {
    const valueKeys: string[] = [];
    const dimKeys = new Set<Dimension>();
    let hasCurrency = false;
    let rows = 0;
    for (const b of buckets) {
      for (const r of b.rows) {
        for (const k of Object.keys(r.values)) if (!valueKeys.includes(k)) valueKeys.push(k);
        for (const d of Object.keys(r.dims) as Dimension[]) dimKeys.add(d);
        if (r.currency !== undefined) hasCurrency = true;
        rows++;
      }
    }
    const dims = DIMENSIONS.filter((d) => dimKeys.has(d));
    const part: PartHeader = { name, buckets: buckets.map((b) => [b.startTime, b.endTime, b.rows.length] as const), valueKeys, dimKeys: dims, hasCurrency };
    const buf = Buffer.alloc(columnBytes(part));
    const f64 = new Float64Array(buf.buffer, buf.byteOffset, rows * valueKeys.length);
    const u32 = new Uint32Array(buf.buffer, buf.byteOffset + rows * 8 * valueKeys.length, rows * (dims.length + (hasCurrency ? 1 : 0)));
    let i = 0;
    for (const b of buckets) {
      for (const r of b.rows) {
        valueKeys.forEach((k, c) => (f64[c * rows + i] = r.values[k] ?? Number.NaN));
        dims.forEach((d, c) => {
          const v = r.dims[d];
          u32[c * rows + i] = v === undefined ? 0 : intern(v);
        });
        if (hasCurrency) u32[dims.length * rows + i] = r.currency === undefined ? 0 : intern(r.currency);
        i++;
      }
    }
    headers.push(part);
    columns.push(buf);
  }
  const header: Header = {
    version: snapshot.version,
    source: snapshot.source,
    ...(snapshot.origin !== undefined ? { origin: snapshot.origin } : {}),
    fetchedAt: snapshot.fetchedAt,
    rangeStart: snapshot.rangeStart,
    rangeEnd: snapshot.rangeEnd,
    costsStart: snapshot.costsStart,
    currency: snapshot.currency,
    projects: snapshot.projects.map((p) => ({ ...p, name: p.name.replace(KEY_PATTERN, 'sk-***') })),
    strings,
    parts: headers,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = Buffer.alloc(align8(MAGIC.length + 4 + json.length));
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt32LE(json.length, MAGIC.length);
  json.copy(lead, MAGIC.length + 4);
  return Buffer.concat([lead, ...columns]);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function validHeader(h: unknown): h is Header {
  if (typeof h !== 'object' || h === null) return false;
  const x = h as Record<string, unknown>;
  return (
    x.version === SNAPSHOT_VERSION &&
    (x.source === 'api' || x.source === 'sample') &&
    (x.origin === undefined || typeof x.origin === 'string') &&
    typeof x.fetchedAt === 'number' &&
    isInt(x.rangeStart) &&
    isInt(x.rangeEnd) &&
    isInt(x.costsStart) &&
    typeof x.currency === 'string' &&
    x.currency.length > 0 &&
    Array.isArray(x.projects) &&
    x.projects.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as Project).id === 'string' && typeof (p as Project).name === 'string' && typeof (p as Project).status === 'string') &&
    Array.isArray(x.strings) &&
    x.strings.every((s) => typeof s === 'string') &&
    Array.isArray(x.parts) &&
    x.parts.every((p: unknown) => {
      const q = p as PartHeader;
      return (
        typeof p === 'object' &&
        p !== null &&
        (q.name === 'costs' || (USAGE_ENDPOINT_IDS as readonly string[]).includes(q.name)) &&
        Array.isArray(q.buckets) &&
        q.buckets.every((b) => Array.isArray(b) && b.length === 3 && isInt(b[0]) && isInt(b[1]) && isInt(b[2]) && b[2] >= 0) &&
        Array.isArray(q.valueKeys) &&
        q.valueKeys.every((k) => typeof k === 'string') &&
        Array.isArray(q.dimKeys) &&
        q.dimKeys.every((d) => (DIMENSIONS as readonly string[]).includes(d)) &&
        typeof q.hasCurrency === 'boolean'
      );
    })
  );
}

/** The snapshot in `data`, or undefined when anything about it is wrong. Never throws. */
export function decodeSnapshot(data: Buffer): UsageSnapshot | undefined {
  try {
    if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const jsonLength = data.readUInt32LE(MAGIC.length);
    const header: unknown = JSON.parse(data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength));
    if (!validHeader(header)) return undefined;
    // Typed arrays need aligned offsets: copy when the buffer does not start on an 8-byte boundary.
    const buf = data.byteOffset % 8 === 0 ? data : Buffer.from(data);
    let offset = align8(MAGIC.length + 4 + jsonLength);
    const decoded = new Map<string, UsageBucket[]>();
    for (const part of header.parts) {
      const rows = part.buckets.reduce((n, b) => n + b[2], 0);
      const bytes = columnBytes(part);
      if (offset + bytes > buf.length) return undefined;
      const f64 = new Float64Array(buf.buffer, buf.byteOffset + offset, rows * part.valueKeys.length);
      const u32 = new Uint32Array(buf.buffer, buf.byteOffset + offset + rows * 8 * part.valueKeys.length, rows * (part.dimKeys.length + (part.hasCurrency ? 1 : 0)));
      offset += bytes;
      const str = (code: number): string | undefined | null => (code === 0 ? undefined : (header.strings[code - 1] ?? null));
      const buckets: UsageBucket[] = [];
      let i = 0;
      for (const [startTime, endTime, count] of part.buckets) {
        const list: UsageRow[] = new Array<UsageRow>(count);
        for (let n = 0; n < count; n++, i++) {
          const values: Record<string, number> = {};
          for (let c = 0; c < part.valueKeys.length; c++) {
            const v = f64[c * rows + i] as number;
            if (v === v) values[part.valueKeys[c] as string] = v;
          }
          const dims: Partial<Record<Dimension, string>> = {};
          for (let c = 0; c < part.dimKeys.length; c++) {
            const s = str(u32[c * rows + i] as number);
            if (s === null) return undefined;
            if (s !== undefined) dims[part.dimKeys[c] as Dimension] = s;
          }
          const currency = part.hasCurrency ? str(u32[part.dimKeys.length * rows + i] as number) : undefined;
          if (currency === null) return undefined;
          list[n] = currency === undefined ? { values, dims } : { values, dims, currency };
        }
        buckets.push({ startTime, endTime, rows: list });
      }
      decoded.set(part.name, buckets);
    }
    if (offset !== buf.length) return undefined;
    const usage: Partial<Record<(typeof USAGE_ENDPOINT_IDS)[number], UsageBucket[]>> = {};
    for (const id of USAGE_ENDPOINT_IDS) {
      const b = decoded.get(id);
      if (b) usage[id] = b;
    }
    return {
      version: header.version,
      source: header.source,
      ...(header.origin !== undefined ? { origin: header.origin } : {}),
      fetchedAt: header.fetchedAt,
      rangeStart: header.rangeStart,
      rangeEnd: header.rangeEnd,
      costsStart: header.costsStart,
      currency: header.currency,
      projects: header.projects,
      costs: decoded.get('costs') ?? [],
      usage,
    };
  } catch {
    return undefined;
  }
}

/** Replaces `file` with `data` atomically (temp file, fsync, rename). Rejects, leaving the old file. */
async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes the snapshot, then its summary (so a summary never describes data that is not on disk). */
export async function writeCompact(file: string, summaryFile: string, snapshot: UsageSnapshot, summary: StoredSummary): Promise<void> {
  await writeAtomic(file, encodeSnapshot(snapshot));
  await writeAtomic(summaryFile, JSON.stringify(summary));
}

export async function readCompact(file: string): Promise<UsageSnapshot | undefined> {
  try {
    return decodeSnapshot(await readFile(file));
  } catch {
    return undefined;
  }
}

/** The stored summary, or undefined when missing or malformed. A few hundred bytes: read first at start-up. */
export async function readStoredSummary(file: string): Promise<StoredSummary | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof v !== 'object' || v === null) return undefined;
    const s = v as Record<string, unknown>;
    const finite = (k: string): boolean => typeof s[k] === 'number' && Number.isFinite(s[k]);
    if (s.version !== 1 || !finite('fetchedAt') || !finite('today') || !finite('yesterday') || !finite('monthToDate')) return undefined;
    if (typeof s.currency !== 'string' || !/^[a-z]{3}$/.test(s.currency)) return undefined;
    if (s.origin !== undefined && typeof s.origin !== 'string') return undefined;
    return v as StoredSummary;
  } catch {
    return undefined;
  }
}
