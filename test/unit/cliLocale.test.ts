// The CLI's language and number formats: the locale from --locale, OPENAI_USAGE_LOCALE or the
// terminal (LC_ALL, LC_MESSAGES, LANG), the bundle beside the package, English when there is none.
// The built dist/cli.js is run from a copy beside a pseudo-localised bundle of the CLI's own
// strings, so a translation is shown to take effect exactly as it would ship.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as l10n from '@vscode/l10n';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { bundleNames, cliLocale, configureCliLocale, localeTag, takeLocaleFlag } from '../../src/cli/locale';
import { runCli } from '../../src/cli';
import { formatMoney, setDisplayLocale } from '../../src/shared/format';
import { buildDistOnce } from './distCli';

const exec = promisify(execFile);
const repo = join(__dirname, '..', '..');
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

describe('CLI locale: which one', () => {
  it('reads POSIX names and BCP 47 tags; C and POSIX are none', () => {
    assert.equal(localeTag('de_DE.UTF-8'), 'de-DE');
    assert.equal(localeTag('sr_RS@latin'), 'sr-RS');
    assert.equal(localeTag('pt-BR'), 'pt-BR');
    assert.equal(localeTag('C'), undefined);
    assert.equal(localeTag('C.UTF-8'), undefined);
    assert.equal(localeTag('POSIX'), undefined);
    assert.equal(localeTag(''), undefined);
  });

  it('takes --locale, then OPENAI_USAGE_LOCALE, then LC_ALL, LC_MESSAGES, LANG', () => {
    const env = { OPENAI_USAGE_LOCALE: 'fr', LC_ALL: 'it_IT.UTF-8', LC_MESSAGES: 'es_ES', LANG: 'de_DE.UTF-8' };
    assert.equal(cliLocale('ja', env), 'ja');
    assert.equal(cliLocale(undefined, env), 'fr');
    assert.equal(cliLocale(undefined, { ...env, OPENAI_USAGE_LOCALE: '' }), 'it-IT');
    assert.equal(cliLocale(undefined, { LC_MESSAGES: 'es_ES', LANG: 'de_DE.UTF-8' }), 'es-ES');
    assert.equal(cliLocale(undefined, { LANG: 'de_DE.UTF-8' }), 'de-DE');
    // LC_ALL=C overrides LANG: English, as every other program in that terminal.
    assert.equal(cliLocale(undefined, { LC_ALL: 'C', LANG: 'de_DE.UTF-8' }), undefined);
    assert.equal(cliLocale(undefined, {}), undefined);
  });

  it('takes the flag out of the arguments wherever it is', () => {
    assert.deepEqual(takeLocaleFlag(['summary', '--locale', 'de', '--sample']), { argv: ['summary', '--sample'], locale: 'de', missing: false });
    assert.deepEqual(takeLocaleFlag(['--locale=fr-FR', 'daily']), { argv: ['daily'], locale: 'fr-FR', missing: false });
    assert.deepEqual(takeLocaleFlag(['summary', '--locale']), { argv: ['summary'], locale: undefined, missing: true });
    assert.deepEqual(takeLocaleFlag(['summary', '--locale', '--json']), { argv: ['summary', '--json'], locale: undefined, missing: true });
    assert.deepEqual(takeLocaleFlag(['summary']), { argv: ['summary'], locale: undefined, missing: false });
  });

  it('looks for the regional bundle, then the language’s', () => {
    assert.deepEqual(bundleNames('pt-BR'), ['bundle.l10n.pt-br.json', 'bundle.l10n.pt.json']);
    assert.deepEqual(bundleNames('de'), ['bundle.l10n.de.json']);
    assert.deepEqual(bundleNames('../x'), []);
  });
});

describe('CLI locale: the bundle', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oui-l10n-'));
    writeFileSync(join(dir, 'bundle.l10n.de.json'), JSON.stringify({ Yesterday: 'Gestern' }));
    writeFileSync(join(dir, 'bundle.l10n.fr.json'), '{ not json');
    mkdirSync(join(dir, 'bundle.l10n.it.json'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => configureCliLocale(undefined, dir));

  it('a bundle for the language is used, for a regional locale too; numbers follow the locale', () => {
    assert.deepEqual(configureCliLocale('de-AT', dir), { locale: 'de-AT', translated: true });
    assert.equal(l10n.t('Yesterday'), 'Gestern');
    // Austrian German puts the sign first.
    assert.equal(plain(formatMoney(1234.5, 'usd')), '$ 1.234,50');
  });

  it('no bundle, a malformed one or an unreadable one is English, never a throw', () => {
    for (const locale of ['fr', 'it', 'es', 'qps-ploc']) {
      configureCliLocale('de', dir);
      assert.equal(configureCliLocale(locale, dir).translated, false, locale);
      assert.equal(l10n.t('Yesterday'), 'Yesterday', locale);
    }
    assert.deepEqual(configureCliLocale(undefined, join(dir, 'nowhere')), { locale: 'en-US', translated: false });
    assert.equal(formatMoney(1234.5, 'usd'), '$1,234.50');
  });

  it('runCli sets the locale per run and goes back to English after', async () => {
    const run = async (argv: string[], env: Record<string, string>): Promise<string> => {
      let out = '';
      const code = await runCli(argv, { env, out: (t) => (out += t), now: () => Date.UTC(2026, 10, 23, 12) }, () => undefined);
      assert.equal(code, 0);
      return out;
    };
    const german = await run(['summary', '--sample', '--days', '3'], { LANG: 'de_DE.UTF-8' });
    assert.match(plain(german), /\d+,\d\d \$/);
    const english = await run(['summary', '--sample', '--days', '3'], {});
    assert.match(english, /\$\d+\.\d\d/);
    assert.doesNotMatch(plain(english), /\d+,\d\d \$/);
    setDisplayLocale(undefined);
  });
});

describe('CLI locale: the built dist/cli.js with a translated bundle', () => {
  let root: string;
  let pseudo: Record<string, string>;
  before(async () => {
    await buildDistOnce();
    // The CLI's own strings, as `npm run l10n` exports them, pseudo-localised.
    const sources = [join(repo, 'src', 'cli.ts'), ...readdirSync(join(repo, 'src', 'cli')).map((f) => join(repo, 'src', 'cli', f)), join(repo, 'src', 'shared', 'format.ts')];
    const english = await getL10nJson(sources.filter((f) => f.endsWith('.ts')).map((f) => ({ extension: '.ts', contents: readFileSync(f, 'utf8') })));
    pseudo = getL10nPseudoLocalized(english) as Record<string, string>;
    root = mkdtempSync(join(tmpdir(), 'oui-cli-'));
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'l10n'));
    copyFileSync(join(repo, 'dist', 'cli.js'), join(root, 'dist', 'cli.js'));
    writeFileSync(join(root, 'l10n', 'bundle.l10n.de.json'), JSON.stringify(pseudo));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const cli = (args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> =>
    exec(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env } });

  it('the pseudo bundle holds the CLI’s words', () => {
    for (const key of ['Yesterday', 'Month to date', 'Commands:', 'Note: {0}']) assert.ok(pseudo[key] && pseudo[key] !== key, key);
  });

  it('--locale shows the translated words and the locale’s numbers', async () => {
    const { stdout } = await cli(['summary', '--sample', '--locale', 'de']);
    assert.ok(stdout.includes(pseudo['Yesterday'] ?? '?'), stdout);
    assert.ok(stdout.includes(pseudo['Month to date'] ?? '?'));
    assert.doesNotMatch(stdout, /Yesterday|Month to date/);
    assert.match(plain(stdout), /\d+,\d\d \$/);
  });

  it('OPENAI_USAGE_LOCALE and LANG do the same; LC_ALL=C and no locale are English', async () => {
    for (const env of [{ OPENAI_USAGE_LOCALE: 'de' }, { LANG: 'de_DE.UTF-8' }, { LC_MESSAGES: 'de_AT.UTF-8' }] as Record<string, string>[]) {
      const { stdout } = await cli(['summary', '--sample'], env);
      assert.ok(stdout.includes(pseudo['Yesterday'] ?? '?'), JSON.stringify(env));
    }
    for (const env of [{ LC_ALL: 'C', LANG: 'de_DE.UTF-8' }, {}, { LANG: 'fr_FR.UTF-8' }] as Record<string, string>[]) {
      const { stdout } = await cli(['summary', '--sample'], env);
      assert.match(stdout, /^Yesterday /m, JSON.stringify(env));
    }
  });

  it('help and error lines are translated too; machine output is not', async () => {
    const help = await cli(['--help', '--locale', 'de']);
    assert.ok(help.stdout.includes(pseudo['Commands:'] ?? '?'));
    assert.match(help.stdout, /--locale TAG/);
    await assert.rejects(cli(['summary', '--sample', '--days', '0', '--locale', 'de']), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.ok(e.stderr.includes(pseudo['--days must be a whole number from 1 to 400, not "{0}".']?.replace('{0}', '0') ?? '?'), e.stderr);
      return true;
    });
    const json = JSON.parse((await cli(['summary', '--sample', '--json', '--locale', 'de'])).stdout) as Record<string, unknown>;
    assert.equal(typeof json.monthToDate, 'number');
    const csv = (await cli(['daily', '--sample', '--csv', '--days', '2', '--locale', 'de'])).stdout;
    assert.match(csv, /^day,spend_usd,input_tokens,output_tokens,cached_tokens,requests\r?\n/);
  });

  it('a missing --locale value is one translated error line', async () => {
    await assert.rejects(cli(['summary', '--sample', '--locale']), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /^openai-usage-insight: --locale needs a language tag/);
      return true;
    });
  });
});
