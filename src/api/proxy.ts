// The proxy dispatcher built from VS Code's `http.proxy`, `http.noProxy` and `http.proxyStrictSSL`
// settings. The extension reads the settings and hands them in, so this file never imports vscode.

import { EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { ApiError } from './errors';

/** VS Code's proxy settings (read in src/config.ts) or the CLI's proxy environment. */
export interface ProxySettings {
  /** `http://host:port` (or https://); empty or undefined = no proxy. */
  readonly proxy?: string | undefined;
  /** Hosts that bypass the proxy (`example.com`, `.example.com`, `*.example.com`, `host:port`). */
  readonly noProxy?: readonly string[];
  /** Verify TLS certificates (of the API through the tunnel and of an https proxy). Default true. */
  readonly strictSSL?: boolean;
}

/** An undici dispatcher that sends requests through the proxy, or undefined when there is none. */
export function createProxyDispatcher(settings: ProxySettings): Dispatcher | undefined {
  const proxy = settings.proxy?.trim();
  if (!proxy) return undefined;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    // Never repeated: a proxy URL may carry a password.
    throw new ApiError('proxy', 'proxy URL refused: not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('proxy', `proxy URL refused: ${url.protocol} is not http: or https:`);
  }
  const rejectUnauthorized = settings.strictSSL ?? true;
  // EnvHttpProxyAgent does the NO_PROXY matching; the options override the environment, so an
  // empty noProxy means "none" rather than falling back to process.env.NO_PROXY.
  const noProxy = (settings.noProxy ?? []).map((h) => h.trim().replace(/^\*\./, '.')).filter((h) => h !== '');
  return new EnvHttpProxyAgent({
    httpProxy: url.toString(),
    httpsProxy: url.toString(),
    noProxy: noProxy.join(','),
    requestTls: { rejectUnauthorized },
    proxyTls: { rejectUnauthorized },
  });
}
