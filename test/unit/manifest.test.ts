// The manifest is part of the product: SPEC §2's names, and the rules that keep the key safe.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Manifest {
  activationEvents: string[];
  contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> }; commands: { command: string; category?: string }[] };
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

describe('package.json', () => {
  it('has every SPEC §2 name (shared/tools/check-manifest.mjs)', () => {
    const out = execFileSync(process.execPath, ['../shared/tools/check-manifest.mjs'], { encoding: 'utf8' });
    assert.match(out, /manifest complete/);
  });

  it('lets no workspace choose the host the admin key is sent to', () => {
    assert.equal(pkg.contributes.configuration.properties['openaiUsage.apiBaseUrl']?.scope, 'application');
  });

  it('activates on start-up (for the status bar) and on a restored panel, never on *', () => {
    assert.deepEqual([...pkg.activationEvents].sort(), ['onStartupFinished', 'onWebviewPanel:openaiUsage.panel']);
  });

  it('puts every command in the "OpenAI Usage" category', () => {
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'OpenAI Usage', c.command);
  });
});
