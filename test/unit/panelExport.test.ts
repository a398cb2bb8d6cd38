// Export Usage… formats (CSV escaping, JSON shape) and the webview's HTML shell and CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, dashboardHtml, makeNonce } from '../../src/panel/html';
import { csvField, toCsv, toJson } from '../../src/report/exportFormat';
import type { DataTable } from '../../src/report/table';

const table: DataTable = {
  columns: [
    { id: 'date', label: 'Date (UTC)', kind: 'day' },
    { id: 'project', label: 'Project, name', kind: 'text' },
    { id: 'amount', label: 'Cost (USD)', kind: 'money' },
  ],
  rows: [
    [0, 'Plain', 1.5],
    [86_400, 'Say "hi", then\nleave', -2],
    [172_800, '=HYPERLINK("http://x")', 0],
  ],
  currency: 'usd',
  width: '1d',
};

describe('panel/exportFormat: CSV', () => {
  it('quotes fields with commas, quotes, CR or LF and doubles quotes', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(''), '');
  });
  it('numbers are written plainly (negative numbers are not formulas)', () => {
    assert.equal(csvField(-2.5), '-2.5');
    assert.equal(csvField(1e21), '1e+21');
    assert.equal(csvField(Number.NaN), '');
  });
  it('text a spreadsheet would run as a formula is defused', () => {
    assert.equal(csvField('=1+1'), "'=1+1");
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('-cmd'), "'-cmd");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('=A1,B1'), `"'=A1,B1"`);
  });
  it('a table: header of labels, CRLF rows, days as ISO dates, every cell one plain line', () => {
    const csv = toCsv(table);
    assert.equal(
      csv,
      [
        'Date (UTC),"Project, name",Cost (USD)',
        '1970-01-01,Plain,1.5',
        // The line break inside the name is a space: a row is always one line (issue 8).
        '1970-01-02,"Say ""hi"", then leave",-2',
        `1970-01-03,"'=HYPERLINK(""http://x"")",0`,
        '',
      ].join('\r\n'),
    );
  });
  it('writes the rows it is given, in that order', () => {
    const csv = toCsv(table, [table.rows[2]!, table.rows[0]!]);
    assert.deepEqual(csv.trim().split('\r\n').map((l) => l.slice(0, 10)), ['Date (UTC)', '1970-01-03', '1970-01-01']);
  });
});

describe('panel/exportFormat: JSON', () => {
  it('has the context and one object per row keyed by column id', () => {
    const meta = { view: 'costs', source: 'sample' as const, start: '1970-01-01T00:00:00Z', end: '1970-01-04T00:00:00Z', bucketWidth: '1d', currency: 'usd', exportedAt: 'now' };
    const parsed = JSON.parse(toJson(meta, table)) as { view: string; columns: unknown[]; rows: Record<string, unknown>[] };
    assert.equal(parsed.view, 'costs');
    assert.equal(parsed.columns.length, 3);
    assert.deepEqual(parsed.rows[1], { date: '1970-01-02', project: 'Say "hi", then\nleave', amount: -2 });
  });
});

describe('panel/html: CSP', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'N0NCE');
  it('denies by default, scripts by nonce only, no unsafe-inline or unsafe-eval', () => {
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-N0NCE'(;|$)/);
    assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net(;|$)/);
    assert.match(csp, /font-src https:\/\/x\.vscode-cdn\.net(;|$)/);
    assert.match(csp, /img-src https:\/\/x\.vscode-cdn\.net(;|$)/);
    assert.doesNotMatch(csp, /unsafe-|\*|data:|http:/);
    // Nothing may redirect relative URLs (<base>) or post a form anywhere.
    assert.match(csp, /(^|; )base-uri 'none'(;|$)/);
    assert.match(csp, /(^|; )form-action 'none'(;|$)/);
  });
  it('the page carries the CSP, the nonce on its only script, and no inline style or script', () => {
    const html = dashboardHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'N0NCE', scriptUri: 'https://x/main.js', styleUri: 'https://x/d.css', codiconUri: 'https://x/c.css' });
    assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="N0NCE" src="https://x/main.js">']);
    assert.doesNotMatch(html, /<style|style=/);
    assert.match(html, /id="vscode-codicon-stylesheet"/);
  });
  it('nonces are fresh and long enough', () => {
    const a = makeNonce();
    assert.notEqual(a, makeNonce());
    assert.ok(a.length >= 20);
    assert.match(a, /^[A-Za-z0-9+/]+$/);
  });
});
