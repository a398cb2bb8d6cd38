// The last good snapshot on disk (globalStorage), shown at start-up before any request, and the
// small summary beside it that the status bar is painted from first. The layout is the compact one
// of compactStore.ts (header + numeric columns); the JSON file of earlier versions is read once, as
// a migration, and deleted by the next write.
// Reads never throw: a missing, corrupt, older-version or surprising file is simply "nothing".
// Writes are atomic (temp file in the same directory, fsync, rename), so a crash mid-write leaves
// the previous file intact; the temp file such a crash leaves behind is removed by the next read.
// Reads and writes of the snapshot yield to the event loop every few milliseconds.
//
// Size cap (issue 8, bounded resources): a snapshot over MAX_SNAPSHOT_BYTES (1 GiB) is neither
// read nor written. 100 projects × 50 models × 90 days is ~62 MB in this layout, so 1,000 projects
// is ~620 MB; the cap leaves room above that (the largest organisation must be kept) and
// still keeps a damaged or foreign file from being read whole. The old JSON file
// keeps its own cap (64 MiB). Anything that is not a regular file (a FIFO would block the read
// forever) is refused the same way, by a stat before any read.

import { readFile, readdir, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
// zod/mini: the snapshot is read on the activation path, and full zod costs ~40 ms to load.
import * as z from 'zod/mini';
import { DIMENSIONS, ENDPOINT_IDS } from '../shared/endpoints';
import { ERROR_CODES } from '../shared/errorCode';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { UsageSnapshot } from '../shared/snapshot';
import { decodeSnapshotSliced, encodeSnapshot, encodeSnapshotSliced, readStoredSummary, writeAtomic, writeStoredSummary } from './compactStore';
import type { StoredSummary } from './compactStore';

const rowSchema = z.object({
  values: z.record(z.string(), z.number()),
  dims: z.partialRecord(z.enum(DIMENSIONS), z.string()),
  currency: z.optional(z.string()),
  quantityUnit: z.optional(z.string()),
});

const bucketSchema = z.object({
  startTime: z.int(),
  endTime: z.int(),
  rows: z.array(rowSchema),
});

const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  createdAt: z.optional(z.number()),
});

const limitReadingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('set'), limit: z.object({ thresholdCents: z.number(), currency: z.string(), enforcing: z.boolean() }) }),
  z.object({ kind: z.literal('unreadable'), reason: z.string() }),
]);

const budgetsSchema = z.object({
  organization: limitReadingSchema,
  projects: z.record(z.string(), limitReadingSchema),
  projectsReadAt: z.optional(z.number()),
});

/** The on-disk shape; unknown fields are dropped on read and on write. */
const keyOwnerSchema = z.object({ type: z.string(), id: z.optional(z.string()), name: z.optional(z.string()), email: z.optional(z.string()) });
const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  redactedValue: z.string(),
  projectId: z.optional(z.string()),
  owner: z.optional(keyOwnerSchema),
  createdAt: z.optional(z.number()),
  lastUsedAt: z.optional(z.number()),
});
const userSchema = z.object({ id: z.string(), name: z.string(), email: z.optional(z.string()) });
function namePart<T extends z.ZodMiniType>(item: T) {
  return z.union([
    z.object({ ok: z.literal(true), items: z.array(item) }),
    z.object({ ok: z.literal(false), items: z.array(item), status: z.optional(z.number()), message: z.string() }),
  ]);
}
const namesSchema = z.object({ apiKeys: namePart(apiKeySchema), adminKeys: namePart(apiKeySchema), users: namePart(userSchema) });

/** The JSON shape of earlier versions (the migration); unknown fields are dropped. */
export const snapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  source: z.enum(['api', 'sample']),
  origin: z.optional(z.string()),
  fetchedAt: z.number(),
  rangeStart: z.int(),
  rangeEnd: z.int(),
  costsStart: z.int(),
  currency: z.string().check(z.minLength(1)),
  projects: z.array(projectSchema),
  costs: z.array(bucketSchema),
  usage: z.partialRecord(z.enum(ENDPOINT_IDS.filter((e) => e !== 'costs')), z.array(bucketSchema)),
  keyCosts: z.optional(z.array(bucketSchema)),
  keyModels: z.optional(z.array(bucketSchema)),
  names: z.optional(namesSchema),
  namesFetchedAt: z.optional(z.number()),
  budgets: z.optional(budgetsSchema),
  partial: z.optional(
    z.array(z.object({ endpoint: z.enum(ENDPOINT_IDS.filter((e) => e !== 'costs')), code: z.enum(ERROR_CODES), message: z.string(), since: z.number() })),
  ),
});


/** The largest snapshot file read or written: 1 GiB (see the top of this file). */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;
/** The largest JSON snapshot of earlier versions read for the migration. */
export const MAX_LEGACY_BYTES = 64 * 1024 * 1024;

// A temp file written after this long ago belongs to no write still under way.
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface SnapshotStoreOptions {
  /** Overrides MAX_SNAPSHOT_BYTES (or MAX_LEGACY_BYTES for the old JSON file) (tests). */
  maxBytes?: number;
  /** Told why a snapshot that exists was not read (too big, not a file); never told its content. */
  log?: (message: string) => void;
}

/** The store's files in a folder (the extension's global storage). */
export interface StoreFiles {
  readonly snapshot: string;
  readonly summary: string;
  /** The JSON snapshot of earlier versions: read once if no compact snapshot exists, then deleted. */
  readonly legacy: string;
}

export function storeFiles(dir: string): StoreFiles {
  return { snapshot: path.join(dir, 'snapshot.bin'), summary: path.join(dir, 'summary.json'), legacy: path.join(dir, 'snapshot.json') };
}

/** The stored snapshot: the compact file, else (once, a migration) the old JSON file. Never rejects. */
export async function readStore(files: StoreFiles, options: SnapshotStoreOptions = {}): Promise<UsageSnapshot | undefined> {
  await removeStrayTemps(files.summary);
  const snapshot = await readSnapshot(files.snapshot, options);
  if (snapshot) return snapshot;
  const { maxBytes, ...rest } = options;
  return readLegacySnapshot(files.legacy, { ...rest, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}

/**
 * Replaces the stored snapshot and its summary; deletes the old JSON file (the migration is done).
 * The summary is removed first and written last, so it never describes data that is not on disk.
 */
export async function writeStore(files: StoreFiles, snapshot: UsageSnapshot, summary: StoredSummary | undefined, options: Pick<SnapshotStoreOptions, 'maxBytes'> = {}): Promise<void> {
  await unlink(files.summary).catch(() => undefined);
  await writeSnapshot(files.snapshot, snapshot, options);
  if (summary) await writeStoredSummary(files.summary, summary);
  await unlink(files.legacy).catch(() => undefined);
}

/** Deletes every file of the store (the key was cleared). */
export async function clearStore(files: StoreFiles): Promise<void> {
  for (const file of [files.summary, files.snapshot, files.legacy]) await unlink(file).catch(() => undefined);
}

/** The stored summary (what the status bar shows first), or undefined. Never rejects. */
export function readSummary(files: StoreFiles): Promise<StoredSummary | undefined> {
  return readStoredSummary(files.summary);
}

/** Fields carried through the compact layout as JSON: checked here, as the JSON store did. */
const extraSchema = z.looseObject({
  names: z.optional(namesSchema),
  namesFetchedAt: z.optional(z.number()),
});

/** Stat checks before any read: a regular file, under the cap. */
async function checkFile(file: string, maxBytes: number, what: string, log?: (message: string) => void): Promise<boolean> {
  const info = await stat(file);
  if (!info.isFile()) {
    log?.(`The stored ${what} ${file} is not a regular file; it was not read.`);
    return false;
  }
  if (info.size > maxBytes) {
    log?.(`The stored ${what} is ${formatMiB(info.size)}, over the ${formatMiB(maxBytes)} limit; it was not read. The next refresh fetches fresh data.`);
    return false;
  }
  return true;
}

/**
 * The compact snapshot kept in `file`, or undefined when there is none or it cannot be trusted.
 * Decoded in slices that yield to the event loop. Also removes temp files left in the folder by
 * writes that were killed (see removeStrayTemps).
 */
export async function readSnapshot(file: string, options: SnapshotStoreOptions = {}): Promise<UsageSnapshot | undefined> {
  await removeStrayTemps(file);
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  try {
    if (!(await checkFile(file, maxBytes, 'snapshot', options.log))) return undefined;
    const data = await readFile(file);
    // The file may have grown between the stat and the read.
    if (data.length > maxBytes) return undefined;
    const snapshot = await decodeSnapshotSliced(data);
    if (!snapshot) return undefined;
    return extraSchema.safeParse(snapshot).success ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON snapshot of earlier versions in `file`, checked whole, or undefined. Never rejects. */
export async function readLegacySnapshot(file: string, options: SnapshotStoreOptions = {}): Promise<UsageSnapshot | undefined> {
  await removeStrayTemps(file);
  const maxBytes = options.maxBytes ?? MAX_LEGACY_BYTES;
  try {
    if (!(await checkFile(file, maxBytes, 'snapshot', options.log))) return undefined;
    const text = await readFile(file, 'utf8');
    if (text.length > maxBytes) return undefined;
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deletes the temp files of `file`'s writes that can no longer finish: their writer process is
 * gone (SIGKILL, crash, power loss), or they are over an hour old. A temp file of a live process
 * (another VS Code window shares globalStorage) is left alone, so its rename still succeeds.
 * Returns the names removed. Never throws.
 */
export async function removeStrayTemps(file: string, nowMs: number = Date.now()): Promise<string[]> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const temp = path.join(dir, name);
    try {
      const info = await stat(temp);
      if (!info.isFile()) continue;
      if (isAlive(Number(match[1])) && nowMs - info.mtimeMs < STALE_TEMP_MS) continue;
      await unlink(temp);
      removed.push(name);
    } catch {
      // Gone already (its writer renamed it), or not ours to delete: either way, nothing to do.
    }
  }
  return removed;
}

/** Whether a process with this id exists (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The snapshot as stored (compact layout, key-shaped text redacted). Throws for an invalid one. */
export function serializeSnapshot(snapshot: UsageSnapshot): Buffer {
  checkExtras(snapshot);
  return encodeSnapshot(snapshot);
}

function checkExtras(snapshot: UsageSnapshot): void {
  if (!extraSchema.safeParse(snapshot).success) throw new Error('The snapshot is not valid (its names); it was not saved.');
}

/**
 * Replaces `file` with the snapshot atomically. Rejects (leaving the old file) on any failure,
 * and for a snapshot over the size cap, which the next start-up would refuse to read.
 */
export async function writeSnapshot(file: string, snapshot: UsageSnapshot, options: Pick<SnapshotStoreOptions, 'maxBytes'> = {}): Promise<void> {
  checkExtras(snapshot);
  const data = await encodeSnapshotSliced(snapshot);
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  if (data.length > maxBytes) throw new Error(`The snapshot is ${formatMiB(data.length)}, over the ${formatMiB(maxBytes)} limit of the store; it was not saved.`);
  await writeAtomic(file, data);
}
