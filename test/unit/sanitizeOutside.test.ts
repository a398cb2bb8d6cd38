// Issue 8: one sanitiser for text from outside, wherever it reaches a terminal, a log line, Markdown
// or a CSV cell. Names and grouping values are cleaned where they are parsed, so nothing downstream
// sees a control character; log lines, CSV cells and the webview's error reports are cleaned again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseApiKeysPage, parseProjectsPage, parseUsagePage, parseUsersPage } from '../../src/api/schemas';
import { parseUsagePageFast } from '../../src/api/fastRows';
import { logLine } from '../../src/api/errors';
import { csvText } from '../../src/report/exportFormat';
import { handleWebviewMessage } from '../../src/panel/messages';

// C0 controls, an ESC colour sequence, a terminal title sequence (OSC … BEL), C1 (CSI, NEL),
// bidi overrides and isolates, line and paragraph separators, CR LF.
const NASTY = [
  'Evil\u001b[31mRed\u001b[0m',
  'Title\u001b]0;pwned\u0007',
  'C1\u009b2J\u0085next',
  'bidi \u202egpj.exe\u202c \u2066x\u2069',
  'line\r\nbreak\u2028and\u2029more',
  'tab\tnul\u0000del\u007f',
];
// Nothing a terminal, a log or Markdown would act on, and never more than one line.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertClean(text: string, label: string): void {
  assert.doesNotMatch(text, UNSAFE, `${label}: ${JSON.stringify(text)}`);
}

describe('names are one plain line where they are parsed', () => {
  it('project names (and an all-control name falls back to the id)', () => {
    const page = parseProjectsPage(
      { object: 'list', data: [...NASTY.map((name, i) => ({ id: `proj_${i}`, name })), { id: 'proj_blank', name: '\u001b\u0007\r\n' }], has_more: false },
      'GET /organization/projects',
    );
    for (const p of page.projects) assertClean(p.name, p.id);
    assert.equal(page.projects[0]?.name, 'Evil [31mRed [0m');
    assert.equal(page.projects.at(-1)?.name, 'proj_blank');
  });

  it('API key, owner and user names and e-mails', () => {
    const keys = parseApiKeysPage(
      {
        object: 'list',
        data: NASTY.map((name, i) => ({ id: `key_${i}`, name, redacted_value: 'sk-...abcd', owner: { type: 'user', user: { id: 'u', name, email: `${name}@x` } } })),
        has_more: false,
      },
      'GET keys',
      'proj_1',
    );
    for (const k of keys.items) {
      assertClean(k.name, k.id);
      assertClean(k.owner?.name ?? '', `${k.id} owner`);
      assertClean(k.owner?.email ?? '', `${k.id} email`);
    }
    const users = parseUsersPage({ object: 'list', data: NASTY.map((name, i) => ({ id: `user_${i}`, name, email: `${name}@x` })), has_more: false }, 'GET users');
    for (const u of users.items) {
      assertClean(u.name, u.id);
      assertClean(u.email ?? '', `${u.id} email`);
    }
  });

  it('grouping values (model, project id) in usage rows, the same through both parsers', () => {
    const body = {
      object: 'page',
      data: [
        {
          object: 'bucket',
          start_time: 86_400,
          end_time: 172_800,
          results: NASTY.map((model, i) => ({ object: 'organization.usage.completions.result', input_tokens: i, num_model_requests: 1, model, project_id: `p\u001b[2J${i}` })),
        },
      ],
      has_more: false,
      next_page: null,
    };
    const slow = parseUsagePage('completions', body, 'GET test');
    const fast = parseUsagePageFast('completions', body, 'GET test');
    assert.deepEqual(fast, slow);
    for (const row of slow.buckets[0]?.rows ?? []) for (const v of Object.values(row.dims)) assertClean(v, 'dim');
    assert.equal(slow.buckets[0]?.rows[0]?.dims.model, 'Evil [31mRed [0m');
  });
});

describe('log lines, CSV cells and webview errors', () => {
  it('every log line is one plain line, redacted', () => {
    for (const n of NASTY) assertClean(logLine(`Refresh failed: ${n}`), n);
    assert.equal(logLine('key sk-admin-test-fake-not-a-key\nnext'), 'key sk-*** next');
  });

  it('CSV cells never split a row or carry an escape sequence', () => {
    const csv = csvText(['name', 'n'], NASTY.map((n, i) => [n, i]));
    const lines = csv.split('\r\n');
    assert.equal(lines.length, NASTY.length + 2, 'header, one line per row, and the final CRLF');
    for (const l of lines) assertClean(l, 'csv line');
  });

  it("the webview's clientError reaches the log as one short plain line", () => {
    const warned: string[] = [];
    const noop = (): void => undefined;
    for (const n of NASTY) {
      handleWebviewMessage({ type: 'clientError', message: `${n} sk-admin-test-fake-not-a-key` }, { ready: noop, view: noop, retry: noop, command: noop }, { warn: (m) => warned.push(m) });
    }
    assert.equal(warned.length, NASTY.length);
    for (const w of warned) {
      assertClean(w, 'warn');
      assert.doesNotMatch(w, /not-a-key/);
    }
  });
});
