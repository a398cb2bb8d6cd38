// The dashboard webview gets the host's words and locale: the panel puts its l10n bundle and
// display language in the page (no inline script), and the webview configures @vscode/l10n and the
// formatters from them before anything renders; a missing or broken bundle is English.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import { dashboardHtml, pageLang } from '../../src/panel/html';
import { formatMoney, setDisplayLocale } from '../../src/shared/format';
import { applyBootL10n } from '../../webview/l10nSetup';

const repo = join(__dirname, '..', '..');
const BUNDLE = { Refresh: 'Aktualisieren', 'Last {0} days': 'Letzte {0} Tage', 'Say "<hi>" & go': 'Sag "<hallo>" & geh' };

const page = (o: { locale?: string; l10nBundle?: Record<string, string> }): string =>
  dashboardHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'N0NCE', scriptUri: 'https://x/main.js', styleUri: 'https://x/d.css', codiconUri: 'https://x/c.css', title: 'OpenAI-Nutzung', loadingText: 'Wird geladen…', ...o });

/** The data attributes of #app, decoded as the browser would. */
function appData(html: string): Record<string, string> {
  const tag = /<main id="app"[^>]*>/.exec(html)?.[0] ?? '';
  const out: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/data-([a-z0-9-]+)="([^"]*)"/g)) {
    out[name ?? ''] = (value ?? '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return out;
}

describe('webview localisation', () => {
  afterEach(() => {
    l10n.config({ contents: {} });
    setDisplayLocale(undefined);
  });

  it('the page carries the host bundle and language in #app, its lang, title and loading line', () => {
    const html = page({ locale: 'de', l10nBundle: BUNDLE });
    const data = appData(html);
    assert.equal(data.locale, 'de');
    assert.deepEqual(JSON.parse(data.l10n ?? ''), BUNDLE);
    assert.match(html, /<html lang="de">/);
    assert.match(html, /<title>OpenAI-Nutzung<\/title>/);
    assert.match(html, /<p class="boot">Wird geladen…<\/p>/);
    // Still one script, by nonce; the bundle's quotes and brackets cannot leave the attribute.
    assert.deepEqual(html.match(/<script\b[^>]*>/g), ['<script nonce="N0NCE" src="https://x/main.js">']);
    assert.doesNotMatch(html, /<hi>|<hallo>/);
  });

  it('in English the page has no bundle and is lang="en"', () => {
    const html = page({ locale: 'en' });
    assert.equal(appData(html).l10n, '');
    assert.match(html, /<html lang="en">/);
    assert.equal(pageLang(undefined), 'en');
    assert.equal(pageLang('not a locale'), 'en');
    assert.equal(pageLang('zh-cn'), 'zh-CN');
  });

  it('the webview configures @vscode/l10n and the formatters from what the page carries', () => {
    assert.equal(l10n.t('Refresh'), 'Refresh');
    const data = appData(page({ locale: 'de-DE', l10nBundle: BUNDLE }));
    assert.equal(applyBootL10n({ locale: data.locale, l10n: data.l10n }), 'de-DE');
    assert.equal(l10n.t('Refresh'), 'Aktualisieren');
    assert.equal(l10n.t('Last {0} days', 7), 'Letzte 7 Tage');
    assert.equal(l10n.t('Not in the bundle'), 'Not in the bundle');
    assert.equal(formatMoney(1234.5, 'usd').replace(/\u00a0/g, ' '), '1.234,50 $');
  });

  it('no bundle, or a broken one, is English with en-US numbers; never a throw', () => {
    for (const boot of [{}, { locale: '', l10n: '' }, { locale: 'en', l10n: '{not json' }, { locale: 'qps-ploc', l10n: '[1,2]' }]) {
      applyBootL10n({ locale: 'de', l10n: JSON.stringify(BUNDLE) });
      assert.equal(applyBootL10n(boot), 'en-US', JSON.stringify(boot));
      assert.equal(l10n.t('Refresh'), 'Refresh');
      assert.equal(formatMoney(1234.5, 'usd'), '$1,234.50');
    }
  });

  it('the webview says its words through l10n.t, where the bundle exporter finds them', async () => {
    const dir = join(repo, 'webview');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => ({ extension: '.ts', contents: readFileSync(join(dir, f), 'utf8') }));
    const keys = Object.keys(await getL10nJson(files));
    for (const key of ['No Admin key set', 'Last {0} days', 'Daily spend', 'Sort by {0}', 'Input (uncached)', 'Cache-hit rate', 'Spend by API key', 'Updated {0} (your time)']) {
      assert.ok(keys.includes(key), key);
    }
  });
});
