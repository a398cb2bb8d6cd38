// The model wired to VS Code: its source (sample or the live client), the snapshot kept in the
// extension's global storage (with the small summary the status bar is painted from first), the
// settings and the log.
import * as vscode from 'vscode';
import { readSettings } from '../config';
import { describeError } from '../userText';
import type { Log } from '../log';
import { UsageModel } from '../model';
import type { AdminKeyStore, TeamTokenStore } from '../secrets';
import { createSource } from '../sources';
import { loadSnapshot } from '../usage/loader';
import type { StoredSummary } from '../usage/compactStore';
import { clearStore, readStore, readSummary, storeFiles, writeStore } from '../usage/snapshotStore';
import { storedSummaryOf } from './presenter';

export function createUsageModel(context: vscode.ExtensionContext, keys: AdminKeyStore, log: Log, team?: TeamTokenStore): UsageModel {
  const files = storeFiles(context.globalStorageUri.fsPath);
  // Read at once, while the key is read from the secret store: the first status text waits for neither.
  let early: Promise<StoredSummary | undefined> | undefined = readSummary(files);
  return new UsageModel({
    createSource: (mode) => createSource(mode, keys, log, team),
    load: (source, options) => loadSnapshot(source, { ...options, budgets: true }),
    readStoredSummary: () => {
      const summary = early ?? readSummary(files);
      early = undefined;
      return summary;
    },
    readStored: () => readStore(files, { log: (message) => log.warn(message) }),
    writeStored: async (snapshot) => {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await writeStore(files, snapshot, await storedSummaryOf(snapshot, readSettings().defaultRangeDays));
    },
    clearStored: () => clearStore(files),
    rangeDays: () => readSettings().defaultRangeDays,
    now: () => Date.now(),
    describeError,
    log: (level, message) => log[level](message),
  });
}
