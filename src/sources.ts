import { ApiError } from './api/errors';
import type { Log } from './log';
import { readProxySettings, readSettings } from './config';
import type { AdminKeyStore, TeamTokenStore } from './secrets';
import type { Mode } from './state';
import type { UsageSource } from './usage/source';

/** Builds the data source for a mode. The network layer is imported here, off the activation path. */
export async function createSource(mode: Exclude<Mode, 'none'>, keys: AdminKeyStore, log: Log, team?: TeamTokenStore): Promise<UsageSource> {
  if (mode === 'sample') {
    const { createSampleOrg } = await import('./usage/sample');
    return createSampleOrg();
  }
  if (mode === 'team') return createTeamSource(readSettings().teamServerUrl, await team?.get());
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

/**
 * A source over a team server: its URL under the same rules as the API's (https, or http to a
 * loopback host; no user-info, query or fragment), and only its read token is sent to it.
 */
export async function createTeamSource(serverUrl: string, token: string | undefined): Promise<UsageSource> {
  const { TeamServerSource, validateBaseUrl, createProxyDispatcher } = await import('./network.js');
  const proxy = readProxySettings();
  return new TeamServerSource({ serverUrl: validateBaseUrl(serverUrl), ...(token ? { token } : {}), http: { dispatcher: createProxyDispatcher(proxy) } });
}
