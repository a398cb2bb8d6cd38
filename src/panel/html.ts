// The dashboard's HTML shell. Pure (no vscode): the host passes webview URIs as strings, so the
// CSP is unit-tested exactly as it ships.
import { randomBytes } from 'node:crypto';

export interface HtmlOptions {
  /** webview.cspSource: the only origin styles, fonts and images may come from. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** codicon.css; @vscode-elements' icons look for it by the id `vscode-codicon-stylesheet`. */
  readonly codiconUri: string;
}

/**
 * The only folders of the extension the webview may load from (`localResourceRoots`): the built
 * webview bundle and media. Paths relative to the extension root, as segments for Uri.joinPath.
 */
export const RESOURCE_ROOTS: readonly (readonly string[])[] = [['dist', 'webview'], ['media']];

/** The files the page loads, each under one of RESOURCE_ROOTS. */
export const ASSETS = {
  script: ['dist', 'webview', 'main.js'],
  codicon: ['dist', 'webview', 'codicon.css'],
  style: ['media', 'dashboard.css'],
  iconLight: ['media', 'dashboard-light.svg'],
  iconDark: ['media', 'dashboard-dark.svg'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** localResourceRoots, built with the host's path joiner (vscode.Uri.joinPath in the extension). */
export function resourceRoots<T>(join: (...segments: string[]) => T): T[] {
  return RESOURCE_ROOTS.map((segments) => join(...segments));
}

/** A fresh nonce per page load: 128 random bits, base64 without padding. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64').replace(/=+$/, '');
}

/**
 * The Content-Security-Policy: nothing by default, scripts only by nonce, styles, fonts and images
 * only from the extension's own webview resources. No 'unsafe-inline', no 'unsafe-eval': Chart.js
 * styles its canvas through the CSSOM and @vscode-elements adopts constructable stylesheets, and
 * neither is governed by style-src.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    // No <base> to redirect relative URLs, no form to post anywhere.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function dashboardHtml(o: HtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(o.codiconUri)}">
  <link rel="stylesheet" href="${attr(o.styleUri)}">
  <title>OpenAI Usage</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="boot">Loading the OpenAI usage dashboard…</p></main>
  <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
