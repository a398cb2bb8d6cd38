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
  /** VS Code's display language (vscode.env.language): the page's lang and the webview's number and date locale. */
  readonly locale?: string;
  /** The host's l10n bundle (vscode.l10n.bundle; undefined in English), configured in the webview before it renders. */
  readonly l10nBundle?: Readonly<Record<string, string>>;
  /** The page title and the line shown while the script loads, already translated by the host. */
  readonly title?: string;
  readonly loadingText?: string;
}

/** The `lang` of the page: a well-formed language tag, else English. */
export function pageLang(locale: string | undefined): string {
  try {
    return (locale && Intl.getCanonicalLocales(locale)[0]) || 'en';
  } catch {
    return 'en';
  }
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

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The page. The webview's words and locale travel in data attributes of #app (no inline script
 * under the CSP): webview/l10nSetup.ts reads them before anything renders.
 */
export function dashboardHtml(o: HtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="${attr(pageLang(o.locale))}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(o.codiconUri)}">
  <link rel="stylesheet" href="${attr(o.styleUri)}">
  <title>${text(o.title ?? 'OpenAI Usage')}</title>
</head>
<body>
  <main id="app" aria-busy="true" data-locale="${attr(o.locale ?? '')}" data-l10n="${attr(o.l10nBundle ? JSON.stringify(o.l10nBundle) : '')}"><p class="boot">${text(o.loadingText ?? 'Loading the OpenAI usage dashboard…')}</p></main>
  <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
