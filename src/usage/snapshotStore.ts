// The last good snapshot on disk (globalStorage), shown at start-up before any request.
// Reads never throw: a missing, corrupt, older-version or surprising file is simply "nothing".
// Writes are atomic (temp file in the same directory, fsync, rename), so a crash mid-write leaves
// the previous file intact; the temp file such a crash leaves behind is removed by the next read.
//
// Size cap (issue 8, bounded resources): a snapshot over MAX_SNAPSHOT_BYTES (64 MiB) is neither
// read nor written. The biggest organisations' snapshots are tens of MB of JSON; 64 MiB leaves
// room for them while keeping the start-up read (string + parse, a few times the file size in
// memory) well inside what an extension host can afford. Anything that is not a regular file
// (a FIFO would block the read forever) is refused the same way, by a stat before any read.

import { redact } from '../api/errors';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
// zod/mini: the snapshot is read on the activation path, and full zod costs ~40 ms to load.
import * as z from 'zod/mini';
import { DIMENSIONS, ENDPOINT_IDS } from '../shared/endpoints';
import { ERROR_CODES } from '../shared/errorCode';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { UsageSnapshot } from '../shared/snapshot';

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


/** The largest snapshot file read or written: 64 MiB (see the top of this file). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

// A temp file written after this long ago belongs to no write still under way.
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface SnapshotStoreOptions {
  /** Overrides MAX_SNAPSHOT_BYTES (tests). */
  maxBytes?: number;
  /** Told why a snapshot that exists was not read (too big, not a file); never told its content. */
  log?: (message: string) => void;
}

/**
 * The snapshot kept in `file`, or undefined when there is none or it cannot be trusted.
 * Also removes temp files left in the folder by writes that were killed (see removeStrayTemps).
 */
export async function readSnapshot(file: string, options: SnapshotStoreOptions = {}): Promise<UsageSnapshot | undefined> {
  await removeStrayTemps(file);
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      options.log?.(`The stored snapshot ${file} is not a regular file; it was not read.`);
      return undefined;
    }
    if (info.size > maxBytes) {
      options.log?.(`The stored snapshot is ${formatMiB(info.size)}, over the ${formatMiB(maxBytes)} limit; it was not read. The next refresh fetches fresh data.`);
      return undefined;
    }
    const text = await readFile(file, 'utf8');
    // The file may have grown between the stat and the read.
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

/** Serialises a snapshot as stored: validated, unknown fields dropped, key-shaped text redacted. */
export function serializeSnapshot(snapshot: UsageSnapshot): string {
  const clean = snapshotSchema.parse(snapshot);
  // The snapshot never holds a key, but if anything key-shaped ever slipped into a name it must
  // not reach the disk (redact keeps the JSON valid: it never touches a quote).
  return redact(JSON.stringify(clean));
}

/**
 * Replaces `file` with the snapshot atomically. Rejects (leaving the old file) on any failure,
 * and for a snapshot over the size cap, which the next start-up would refuse to read.
 */
export async function writeSnapshot(file: string, snapshot: UsageSnapshot, options: Pick<SnapshotStoreOptions, 'maxBytes'> = {}): Promise<void> {
  const text = serializeSnapshot(snapshot);
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new Error(`The snapshot is ${formatMiB(bytes)}, over the ${formatMiB(maxBytes)} limit of the store; it was not saved.`);
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
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
