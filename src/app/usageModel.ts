// The model wired to VS Code: its source (sample or the live client), the snapshot kept in the
// extension's global storage, the settings and the log.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../config';
import { describeError } from '../userText';
import type { Log } from '../log';
import { UsageModel } from '../model';
import type { AdminKeyStore, TeamTokenStore } from '../secrets';
import { createSource } from '../sources';
import { loadSnapshot } from '../usage/loader';
import { readSnapshot, writeSnapshot } from '../usage/snapshotStore';

export function createUsageModel(context: vscode.ExtensionContext, keys: AdminKeyStore, log: Log, team?: TeamTokenStore): UsageModel {
  const snapshotFile = path.join(context.globalStorageUri.fsPath, 'snapshot.json');
  return new UsageModel({
    createSource: (mode) => createSource(mode, keys, log, team),
    load: (source, options) => loadSnapshot(source, { ...options, budgets: true }),
    readStored: () => readSnapshot(snapshotFile, { log: (message) => log.warn(message) }),
    writeStored: async (snapshot) => {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await writeSnapshot(snapshotFile, snapshot);
    },
    clearStored: async () => {
      await vscode.workspace.fs.delete(vscode.Uri.file(snapshotFile)).then(undefined, () => undefined);
    },
    rangeDays: () => readSettings().defaultRangeDays,
    now: () => Date.now(),
    describeError,
    log: (level, message) => log[level](message),
  });
}
