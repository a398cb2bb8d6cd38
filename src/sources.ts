import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ApiError } from './api/errors';
import { requireWithCodeCache } from './codeCache';
import type * as Network from './network';
import type { Log } from './log';
import { readProxySettings, readSettings } from './config';
import type { AdminKeyStore, TeamTokenStore } from './secrets';
import type { Mode } from './state';
import type { UsageSource } from './usage/source';

type NetworkModule = typeof Network;

let network: Promise<NetworkModule> | undefined;
let codeCacheDir: string | undefined;

/** Where V8's code cache of the network bundle is kept (the extension's global storage). */
export function useCodeCache(dir: string | undefined): void {
  codeCacheDir = dir;
}

/** The network layer (dist/network.js beside this bundle), loaded once, with V8's code cache. */
function loadNetwork(): Promise<NetworkModule> {
  network ??= (async (): Promise<NetworkModule> => {
    const built = path.join(__dirname, 'network.js');
    // From the sources (tests) there is no built file beside this one: a plain import.
    if (!existsSync(built)) return import('./network.js');
    return requireWithCodeCache<NetworkModule>(built, codeCacheDir).exports;
  })();
  return network;
}

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
  const { UsageClient, validateBaseUrl, createProxyDispatcher } = await loadNetwork();
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
  const { TeamServerSource, validateBaseUrl, createProxyDispatcher } = await loadNetwork();
  const proxy = readProxySettings();
  return new TeamServerSource({ serverUrl: validateBaseUrl(serverUrl), ...(token ? { token } : {}), http: { dispatcher: createProxyDispatcher(proxy) } });
}
