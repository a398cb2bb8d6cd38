import { ApiError } from './api/errors';
import type { Log } from './log';
import { readProxySettings, readSettings } from './config';
import type { AdminKeyStore } from './secrets';
import type { Mode } from './state';
import type { UsageSource } from './usage/source';

/** Builds the data source for a mode. The network layer is imported here, off the activation path. */
export async function createSource(mode: Exclude<Mode, 'none'>, keys: AdminKeyStore, log: Log): Promise<UsageSource> {
  if (mode === 'sample') {
    const { createSampleOrg } = await import('./usage/sample');
    return createSampleOrg();
  }
  const apiKey = await keys.get();
  if (!apiKey) throw new ApiError('no_key', 'no admin key in secret storage');
  return createApiClient(apiKey, log);
}

/** A live client for the key, with the current base URL and proxy settings. */
export async function createApiClient(apiKey: string, log: Log): Promise<UsageSource> {
  const { UsageClient, validateBaseUrl, createProxyDispatcher } = await import('./network.js');
  const settings = readSettings();
  const proxy = readProxySettings();
  return new UsageClient({
    baseUrl: validateBaseUrl(settings.apiBaseUrl),
    apiKey,
    dispatcher: createProxyDispatcher(proxy),
    onRequest: (e) =>
      log.info(`${e.method} ${e.path} ${e.status ?? e.error ?? 'failed'} ${e.ms} ms${e.attempt ? ` (retry ${e.attempt})` : ''}`),
  });
}
