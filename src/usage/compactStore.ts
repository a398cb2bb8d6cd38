// The on-disk layout of the snapshot (the store itself, with its cap, temp-file cleanup and
// migration, is src/usage/snapshotStore.ts). A JSON snapshot repeats every key and id on every
// row: at 100 projects × 50 models × 90 days it is 115 MB and blocks start-up for seconds; at
// 1,000 projects it cannot be written at all (the text passes V8's largest string). Here:
// - a small summary file, read first, holds what the status bar shows, so the first status text
//   never waits for the bulk data;
// - the snapshot file is a JSON header (metadata, projects, one dictionary of every id and name,
//   and every other field as plain JSON: names, namesFetchedAt, any field added later) followed
//   by numeric columns per part (costs, each usage endpoint, keyCosts, keyModels): one Float64
//   column per metric (NaN = absent), one Uint32 column per dimension and for the currency
//   (0 = absent, else 1 + dictionary index).
// Encoding and decoding run in steps (generators): the async forms yield to the event loop between
// slices of a few milliseconds, so a large snapshot never blocks the extension host for long.
// Decoding never throws (anything malformed or from another version is "nothing").

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { redact } from '../api/errors';
import { DIMENSIONS, USAGE_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, Project, UsageBucket, UsageRow } from '../shared/endpoints';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { UsageSnapshot } from '../shared/snapshot';
import type { StatusFigures } from '../views/statusText';

const MAGIC = 'OUIC2\n';

/** What the status bar needs before anything else is read: the figures of the last refresh. */
export interface StoredSummary {
  readonly version: 2;
  /** The snapshot's origin (fingerprint of host and key): the summary is shown for that one only. */
  readonly origin?: string;
  readonly figures: StatusFigures;
}

/** The snapshot fields held in the header as such, or in columns; every other field goes in `extra`. */
const COLUMN_PARTS = ['costs', 'keyCosts', 'keyModels'] as const;
const KNOWN_FIELDS = new Set<string>(['version', 'source', 'origin', 'fetchedAt', 'rangeStart', 'rangeEnd', 'costsStart', 'currency', 'projects', 'costs', 'usage', 'keyCosts', 'keyModels']);
const PART_NAMES = new Set<string>([...COLUMN_PARTS, ...USAGE_ENDPOINT_IDS]);

interface PartHeader {
  readonly name: string;
  /** [startTime, endTime, rows] of each bucket, in order. */
  readonly buckets: readonly (readonly [number, number, number])[];
  readonly valueKeys: readonly string[];
  readonly dimKeys: readonly Dimension[];
  /** The optional string fields of a row (currency, quantityUnit) that some row of the part has. */
  readonly rowStrings: readonly RowString[];
}

/** A row's optional string fields besides its dims, each stored as one more dictionary column. */
const ROW_STRINGS = ['currency', 'quantityUnit'] as const;
type RowString = (typeof ROW_STRINGS)[number];

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
  /** Every other snapshot field, as JSON (checked by the store, which knows their shapes). */
  readonly extra: Readonly<Record<string, unknown>>;
}

const align8 = (n: number): number => (n + 7) & ~7;
/** Rows handled between two checks of the clock (the async forms yield when a slice is used up). */
const STEP_ROWS = 256;

function columnBytes(part: PartHeader): number {
  const rows = part.buckets.reduce((n, b) => n + b[2], 0);
  return rows * 8 * part.valueKeys.length + align8(rows * 4 * (part.dimKeys.length + part.rowStrings.length));
}

function parts(snapshot: UsageSnapshot): [string, readonly UsageBucket[]][] {
  const out: [string, readonly UsageBucket[]][] = [['costs', snapshot.costs]];
  for (const id of USAGE_ENDPOINT_IDS) {
    const buckets = snapshot.usage[id];
    if (buckets) out.push([id, buckets]);
  }
  if (snapshot.keyCosts) out.push(['keyCosts', snapshot.keyCosts]);
  if (snapshot.keyModels) out.push(['keyModels', snapshot.keyModels]);
  return out;
}

/** The snapshot as header + columns, in steps. Key-shaped text anywhere in the header is redacted. */
function* encodeSteps(snapshot: UsageSnapshot): Generator<void, Buffer> {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i + 1;
  };
  const headers: PartHeader[] = [];
  const columns: Buffer[] = [];
  for (const [name, buckets] of parts(snapshot)) {
    const valueKeys: string[] = [];
    const dimKeys = new Set<Dimension>();
    const rowStringKeys = new Set<RowString>();
    let rows = 0;
    for (const b of buckets) {
      for (const r of b.rows) {
        for (const k in r.values) if (!valueKeys.includes(k)) valueKeys.push(k);
        for (const d in r.dims) dimKeys.add(d as Dimension);
        for (const k of ROW_STRINGS) if (r[k] !== undefined) rowStringKeys.add(k);
        if (++rows % STEP_ROWS === 0) yield;
      }
    }
    const dims = DIMENSIONS.filter((d) => dimKeys.has(d));
    const rowStrings = ROW_STRINGS.filter((k) => rowStringKeys.has(k));
    const part: PartHeader = { name, buckets: buckets.map((b) => [b.startTime, b.endTime, b.rows.length] as const), valueKeys, dimKeys: dims, rowStrings };
    const buf = Buffer.alloc(columnBytes(part));
    const f64 = new Float64Array(buf.buffer, buf.byteOffset, rows * valueKeys.length);
    const u32 = new Uint32Array(buf.buffer, buf.byteOffset + rows * 8 * valueKeys.length, rows * (dims.length + rowStrings.length));
    let i = 0;
    for (const b of buckets) {
      for (const r of b.rows) {
        for (let c = 0; c < valueKeys.length; c++) f64[c * rows + i] = r.values[valueKeys[c] as string] ?? Number.NaN;
        for (let c = 0; c < dims.length; c++) {
          const v = r.dims[dims[c] as Dimension];
          u32[c * rows + i] = v === undefined ? 0 : intern(v);
        }
        for (let c = 0; c < rowStrings.length; c++) {
          const v = r[rowStrings[c] as RowString];
          u32[(dims.length + c) * rows + i] = v === undefined ? 0 : intern(v);
        }
        if (++i % STEP_ROWS === 0) yield;
      }
    }
    headers.push(part);
    columns.push(buf);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(snapshot)) if (!KNOWN_FIELDS.has(k) && v !== undefined) extra[k] = v;
  const header: Header = {
    version: snapshot.version,
    source: snapshot.source,
    ...(snapshot.origin !== undefined ? { origin: snapshot.origin } : {}),
    fetchedAt: snapshot.fetchedAt,
    rangeStart: snapshot.rangeStart,
    rangeEnd: snapshot.rangeEnd,
    costsStart: snapshot.costsStart,
    currency: snapshot.currency,
    projects: snapshot.projects,
    strings,
    parts: headers,
    extra,
  };
  if (!validHeader(header)) throw new Error('The snapshot is not valid; it was not saved.');
  // The snapshot never holds a key, but if anything key-shaped ever slipped into a name or an id
  // it must not reach the disk (redact keeps the JSON valid: it never touches a quote).
  const json = Buffer.from(redact(JSON.stringify(header)), 'utf8');
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
    Number.isFinite(x.fetchedAt) &&
    isInt(x.rangeStart) &&
    isInt(x.rangeEnd) &&
    isInt(x.costsStart) &&
    typeof x.currency === 'string' &&
    x.currency.length > 0 &&
    typeof x.extra === 'object' &&
    x.extra !== null &&
    !Array.isArray(x.extra) &&
    Array.isArray(x.projects) &&
    x.projects.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as Project).id === 'string' && typeof (p as Project).name === 'string' && typeof (p as Project).status === 'string') &&
    Array.isArray(x.strings) &&
    x.strings.every((s) => typeof s === 'string') &&
    Array.isArray(x.parts) &&
    new Set(x.parts.map((p: unknown) => (p as PartHeader | null)?.name)).size === x.parts.length &&
    x.parts.every((p: unknown) => {
      const q = p as PartHeader;
      return (
        typeof p === 'object' &&
        p !== null &&
        PART_NAMES.has(q.name) &&
        Array.isArray(q.buckets) &&
        q.buckets.every((b) => Array.isArray(b) && b.length === 3 && isInt(b[0]) && isInt(b[1]) && isInt(b[2]) && b[2] >= 0) &&
        Array.isArray(q.valueKeys) &&
        q.valueKeys.every((k) => typeof k === 'string') &&
        Array.isArray(q.dimKeys) &&
        q.dimKeys.every((d) => (DIMENSIONS as readonly string[]).includes(d)) &&
        Array.isArray(q.rowStrings) &&
        q.rowStrings.every((k) => (ROW_STRINGS as readonly string[]).includes(k)) &&
        new Set(q.rowStrings).size === q.rowStrings.length
      );
    })
  );
}

/** Thrown inside decodeSteps for damaged data; turned into "nothing" by the callers. */
class Damaged extends Error {}

/**
 * The snapshot in `data`, in steps. Rows with the same dimensions share one frozen `dims` object
 * (a project × model pair recurs every day): far fewer objects held than one per row.
 */
function* decodeSteps(data: Buffer): Generator<void, UsageSnapshot> {
  if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Damaged();
  const jsonLength = data.readUInt32LE(MAGIC.length);
  if (MAGIC.length + 4 + jsonLength > data.length) throw new Damaged();
  const header: unknown = JSON.parse(data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength));
  if (!validHeader(header)) throw new Damaged();
  // Typed arrays need aligned offsets: copy when the buffer does not start on an 8-byte boundary.
  const buf = data.byteOffset % 8 === 0 ? data : Buffer.from(data);
  let offset = align8(MAGIC.length + 4 + jsonLength);
  const decoded = new Map<string, UsageBucket[]>();
  const strings = header.strings;
  for (const part of header.parts) {
    const rows = part.buckets.reduce((n, b) => n + b[2], 0);
    const bytes = columnBytes(part);
    if (offset + bytes > buf.length) throw new Damaged();
    const nValues = part.valueKeys.length;
    const nDims = part.dimKeys.length;
    const nStrings = part.rowStrings.length;
    const f64 = new Float64Array(buf.buffer, buf.byteOffset + offset, rows * nValues);
    const u32 = new Uint32Array(buf.buffer, buf.byteOffset + offset + rows * 8 * nValues, rows * (nDims + nStrings));
    offset += bytes;
    // One dims object per distinct combination of codes; the key is exact (mixed radix) while it
    // fits in a double, else a string.
    const radix = strings.length + 1;
    const numericKey = Math.pow(radix, nDims) < Number.MAX_SAFE_INTEGER;
    const shared = new Map<number | string, Readonly<Partial<Record<Dimension, string>>>>();
    const templates = new Map<number, Record<string, number>>();
    const buckets: UsageBucket[] = [];
    let i = 0;
    for (const [startTime, endTime, count] of part.buckets) {
      const list: UsageRow[] = new Array<UsageRow>(count);
      for (let n = 0; n < count; n++, i++) {
        // Which metrics the row has (NaN = absent), as a bit mask: the row's values are a copy of
        // one template per mask, so they share a hidden class and hold their fields in-object.
        let mask = 0;
        for (let c = 0; c < nValues && nValues <= 30; c++) {
          const v = f64[c * rows + i] as number;
          if (v === v) mask += 2 ** c;
        }
        let template = templates.get(mask);
        if (template === undefined) {
          template = {};
          for (let c = 0; c < nValues; c++) if (Math.floor(mask / 2 ** c) % 2 === 1) template[part.valueKeys[c] as string] = 0;
          templates.set(mask, template);
        }
        const values: Record<string, number> = { ...template };
        for (let c = 0; c < nValues; c++) {
          const v = f64[c * rows + i] as number;
          if (v === v) values[part.valueKeys[c] as string] = v;
        }
        let key: number | string = numericKey ? 0 : '';
        for (let c = 0; c < nDims; c++) {
          const code = u32[c * rows + i] as number;
          if (code > strings.length) throw new Damaged();
          key = numericKey ? (key as number) * radix + code : `${key as string},${code}`;
        }
        let dims = shared.get(key);
        if (dims === undefined) {
          const d: Partial<Record<Dimension, string>> = {};
          for (let c = 0; c < nDims; c++) {
            const code = u32[c * rows + i] as number;
            if (code !== 0) d[part.dimKeys[c] as Dimension] = strings[code - 1] as string;
          }
          dims = Object.freeze(d);
          shared.set(key, dims);
        }
        if (nStrings === 0) {
          list[n] = { values, dims };
        } else {
          const row: { values: Record<string, number>; dims: typeof dims; currency?: string; quantityUnit?: string } = { values, dims };
          for (let c = 0; c < nStrings; c++) {
            const code = u32[(nDims + c) * rows + i] as number;
            if (code > strings.length) throw new Damaged();
            if (code !== 0) row[part.rowStrings[c] as RowString] = strings[code - 1] as string;
          }
          list[n] = row;
        }
        if ((i + 1) % STEP_ROWS === 0) yield;
      }
      buckets.push({ startTime, endTime, rows: list });
    }
    decoded.set(part.name, buckets);
  }
  if (offset !== buf.length) throw new Damaged();
  const usage: Partial<Record<(typeof USAGE_ENDPOINT_IDS)[number], UsageBucket[]>> = {};
  for (const id of USAGE_ENDPOINT_IDS) {
    const b = decoded.get(id);
    if (b) usage[id] = b;
  }
  const keyCosts = decoded.get('keyCosts');
  const keyModels = decoded.get('keyModels');
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(header.extra)) if (!KNOWN_FIELDS.has(k)) extra[k] = v;
  return {
    ...extra,
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
    ...(keyCosts ? { keyCosts } : {}),
    ...(keyModels ? { keyModels } : {}),
  };
}

function runSync<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Longest stretch the async forms run before yielding to the event loop. */
const SLICE_MS = 8;

async function runSliced<T>(steps: Generator<void, T>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The snapshot as stored. Throws for a snapshot that is not valid (a NaN time, no currency). */
export function encodeSnapshot(snapshot: UsageSnapshot): Buffer {
  return runSync(encodeSteps(snapshot));
}

/** As encodeSnapshot, yielding to the event loop every few milliseconds. */
export function encodeSnapshotSliced(snapshot: UsageSnapshot): Promise<Buffer> {
  return runSliced(encodeSteps(snapshot));
}

/** The snapshot in `data`, or undefined when anything about it is wrong. Never throws. */
export function decodeSnapshot(data: Buffer): UsageSnapshot | undefined {
  try {
    return runSync(decodeSteps(data));
  } catch {
    return undefined;
  }
}

/** As decodeSnapshot, yielding to the event loop every few milliseconds. Never rejects. */
export async function decodeSnapshotSliced(data: Buffer): Promise<UsageSnapshot | undefined> {
  try {
    return await runSliced(decodeSteps(data));
  } catch {
    return undefined;
  }
}

/** Replaces `file` with `data` atomically (temp file, fsync, rename). Rejects, leaving the old file. */
export async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
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
  await syncDirectory(dir);
}

/** Makes the rename durable where the platform allows it (not on Windows: ignored). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

/** Writes the summary file (after the snapshot, so a summary never describes data not on disk). */
export async function writeStoredSummary(file: string, summary: StoredSummary): Promise<void> {
  await writeAtomic(file, redact(JSON.stringify(summary)));
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const currencyCode = (v: unknown): v is string => typeof v === 'string' && /^[a-z]{3}$/.test(v);
const moneyFigures = (f: Record<string, unknown>): boolean =>
  currencyCode(f.currency) && finite(f.today) && finite(f.yesterday) && finite(f.monthToDate) && finite(f.forecastMonthEnd);

function validFigures(v: unknown): v is StatusFigures {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    moneyFigures(f) &&
    finite(f.fetchedAt) &&
    Array.isArray(f.topProjectsToday) &&
    f.topProjectsToday.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { name: unknown }).name === 'string' && finite((p as { spend: unknown }).spend)) &&
    (f.otherCurrencies === undefined ||
      (Array.isArray(f.otherCurrencies) && f.otherCurrencies.every((c: unknown) => typeof c === 'object' && c !== null && moneyFigures(c as Record<string, unknown>)))) &&
    f.asOfDay === undefined
  );
}

/** The stored summary, or undefined when missing or malformed. A few hundred bytes: read first at start-up. */
export async function readStoredSummary(file: string): Promise<StoredSummary | undefined> {
  try {
    // Never more than a small file's worth, and never a FIFO (opening one would wait for a writer).
    const info = await stat(file);
    if (!info.isFile() || info.size > 64 * 1024) return undefined;
    const handle = await open(file, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      if (bytesRead === buf.length) return undefined;
      text = buf.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const s = v as Record<string, unknown>;
    if (s.version !== 2 || !validFigures(s.figures)) return undefined;
    if (s.origin !== undefined && typeof s.origin !== 'string') return undefined;
    return { version: 2, ...(s.origin !== undefined ? { origin: s.origin } : {}), figures: s.figures };
  } catch {
    return undefined;
  }
}
