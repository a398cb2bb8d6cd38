// The one table of error words: every code has words on both surfaces, each surface names only
// what its user can act on, and outside text reaches it as one clean line.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors';
import { ADMIN_KEYS_URL, ERROR_CODES, isErrorCode } from '../../src/shared/errorCode';
import { sanitizeLine, sanitizeShort } from '../../src/shared/sanitize';
import { describeError, describeKeyCheckFailure, errorCodeOf } from '../../src/userText';

describe('describeError', () => {
  it('has words for every code on both surfaces, and keeps the code as the kind', () => {
    for (const code of ERROR_CODES) {
      const e = new ApiError(code, 'technical detail');
      for (const surface of ['vscode', 'cli'] as const) {
        const { message, kind } = describeError(e, surface);
        assert.equal(kind, code);
        assert.ok(message.length > 5, `${surface}/${code}`);
        assert.doesNotMatch(message, /\n/);
      }
    }
  });

  it('VS Code words name the commands and settings; CLI words name the environment and flags', () => {
    const auth = new ApiError('auth', 'HTTP 401: Incorrect API key provided');
    assert.match(describeError(auth).message, /Run "OpenAI Usage: Set Admin Key"/);
    assert.match(describeError(auth, 'cli').message, /OPENAI_ADMIN_KEY/);
    const perm = new ApiError('permission', 'HTTP 403');
    assert.ok(describeError(perm).message.includes(ADMIN_KEYS_URL));
    assert.ok(describeError(perm, 'cli').message.includes(ADMIN_KEYS_URL));
    for (const code of ['network', 'base_url', 'redirect', 'timeout'] as const) {
      assert.match(describeError(new ApiError(code, 'x'), 'cli').message, /--base-url or OPENAI_BASE_URL/, code);
      assert.match(describeError(new ApiError(code, 'x')).message, /openaiUsage\.apiBaseUrl|"OpenAI Usage: Refresh"/, code);
    }
    for (const code of ERROR_CODES) {
      const cli = describeError(new ApiError(code, 'x'), 'cli').message;
      assert.doesNotMatch(cli, /Set Admin Key|OpenAI Usage:|openaiUsage\.|http\.proxy/, `${code}: ${cli}`);
    }
  });

  it('anything that is not an ApiError is `unknown`, shown redacted on one line', () => {
    const d = describeError(new Error('disk full\nat sk-admin-abcdefghijklmnop'));
    assert.equal(d.kind, 'unknown');
    assert.equal(d.message, 'disk full at sk-***.');
    assert.match(describeError('boom', 'cli').message, /^Unexpected error: boom\.$/);
    // A class name is no code: only the brand counts.
    const impostor = Object.assign(new Error('x'), { name: 'ApiError', code: 'auth' });
    assert.equal(errorCodeOf(impostor), 'unknown');
  });

  it('the key check says what failed and whether to offer to create a key', () => {
    assert.equal(describeKeyCheckFailure(new ApiError('permission', 'HTTP 403')).offerCreateKey, true);
    assert.equal(describeKeyCheckFailure(new ApiError('auth', 'HTTP 401')).offerCreateKey, true);
    const net = describeKeyCheckFailure(new ApiError('network', 'no answer from api.openai.com'));
    assert.equal(net.offerCreateKey, false);
    assert.match(net.message, /^Could not check the key: Could not reach .* Nothing was stored\.$/);
  });

  it('isErrorCode accepts the codes only', () => {
    assert.ok(ERROR_CODES.every(isErrorCode));
    for (const bad of ['AuthError', 'PermissionError', '', 1, undefined]) assert.equal(isErrorCode(bad), false);
  });
});

describe('sanitizeLine', () => {
  it('removes C0/C1 controls, line breaks and bidi controls, leaving one trimmed line', () => {
    assert.equal(sanitizeLine('a\r\nb\tc\u0000d\u001b[31me\u007f\u0085f\u2028g\u202eh  '), 'a b c d [31me f g h');
    assert.equal(sanitizeLine('plain'), 'plain');
    assert.equal(sanitizeLine('\n\n'), '');
  });

  it('sanitizeShort cuts to a length with an ellipsis', () => {
    assert.equal(sanitizeShort('x'.repeat(10), 5), 'xxxx…');
    assert.equal(sanitizeShort('ok\n', 5), 'ok');
  });
});
