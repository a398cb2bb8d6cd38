// The last good snapshot on disk (globalStorage), shown at start-up before any request.
// Reads never throw: a missing, corrupt, older-version or surprising file is simply "nothing".
// Writes are atomic (temp file in the same directory, fsync, rename), so a crash mid-write leaves
// the previous file intact.

import { redact } from '../api/errors';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
// zod/mini: the snapshot is read on the activation path, and full zod costs ~40 ms to load.
import * as z from 'zod/mini';
import { DIMENSIONS, ENDPOINT_IDS } from '../shared/endpoints';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { UsageSnapshot } from '../shared/snapshot';

const rowSchema = z.object({
  values: z.record(z.string(), z.number()),
  dims: z.partialRecord(z.enum(DIMENSIONS), z.string()),
  currency: z.optional(z.string()),
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

/** The on-disk shape; unknown fields are dropped on read and on write. */
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
});


/** The snapshot kept in `file`, or undefined when there is none or it cannot be trusted. */
export async function readSnapshot(file: string): Promise<UsageSnapshot | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Serialises a snapshot as stored: validated, unknown fields dropped, key-shaped text redacted. */
export function serializeSnapshot(snapshot: UsageSnapshot): string {
  const clean = snapshotSchema.parse(snapshot);
  // The snapshot never holds a key, but if anything key-shaped ever slipped into a name it must
  // not reach the disk (redact keeps the JSON valid: it never touches a quote).
  return redact(JSON.stringify(clean));
}

/** Replaces `file` with the snapshot atomically. Rejects (leaving the old file) on any failure. */
export async function writeSnapshot(file: string, snapshot: UsageSnapshot): Promise<void> {
  const text = serializeSnapshot(snapshot);
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
