// The getting-started walkthrough's manifest: one action per step, each step completed by its own
// command, themeable images, the welcome view's words. VS Code itself opens it once after an
// install (its workbench.welcomePage.walkthroughs.openOnInstall setting), so no code of ours does.
const WALKTHROUGH_ID = 'openaiUsage.gettingStarted';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(__dirname, '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; image?: unknown; markdown?: string; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  publisher: string;
  name: string;
  contributes: {
    commands: { command: string; title: string }[];
    walkthroughs?: { id: string; title: string; description: string; steps: Step[] }[];
    viewsWelcome: { view: string; contents: string }[];
  };
}

/** package.json with any %placeholder% resolved from package.nls.json (once strings are localised). */
function manifest(): Manifest {
  const nlsFile = join(repo, 'package.nls.json');
  const nls = existsSync(nlsFile) ? (JSON.parse(readFileSync(nlsFile, 'utf8')) as Record<string, string>) : {};
  const text = readFileSync(join(repo, 'package.json'), 'utf8');
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && /^%[^%]+%$/.test(v) ? (nls[v.slice(1, -1)] ?? v) : v)) as Manifest;
}

/** A memento and a VS Code API that record what was done. */
describe('the walkthrough in package.json', () => {
  const pkg = manifest();
  const walkthrough = pkg.contributes.walkthroughs?.find((w) => w.id === WALKTHROUGH_ID);
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));
  /** The buttons of a step or welcome view: markdown links alone on their line. */
  const buttons = (text: string): { label: string; target: string }[] =>
    text
      .split('\n')
      .map((line) => /^\s*\[([^\]]+)\]\(([^)\s]+)\)\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ label: m[1] ?? '', target: m[2] ?? '' }));

  it('is "Get Started with OpenAI Usage Insight" (SPEC §2)', () => {
    assert.ok(walkthrough, 'walkthrough openaiUsage.gettingStarted');
    assert.equal(walkthrough.title, 'Get Started with OpenAI Usage Insight');
    assert.ok(walkthrough.description.length > 0);
  });

  it('has one action per step; a command step is completed by that command, which exists', () => {
    for (const step of walkthrough?.steps ?? []) {
      const actions = buttons(step.description);
      assert.equal(actions.length, 1, `${step.id}: ${JSON.stringify(actions)}`);
      const target = actions[0]?.target ?? '';
      const events = step.completionEvents ?? [];
      if (target.startsWith('command:')) {
        const command = target.slice('command:'.length).split('?')[0] ?? '';
        if (command.startsWith('openaiUsage.')) assert.ok(commands.has(command), `${step.id}: ${command} is contributed`);
        assert.ok(events.includes(`onCommand:${command}`), `${step.id} completes on ${command}: ${events.join(', ')}`);
      } else {
        assert.match(target, /^https:\/\//, step.id);
        assert.ok(events.includes(`onLink:${target}`), `${step.id} completes on its link: ${events.join(', ')}`);
      }
    }
  });

  it('walks through the key (what it is, set it, or sample data), the dashboard, a budget and where the numbers come from', () => {
    const targets = (walkthrough?.steps ?? []).map((s) => buttons(s.description)[0]?.target ?? '');
    for (const t of [
      'https://platform.openai.com/settings/organization/admin-keys',
      'command:openaiUsage.setAdminKey',
      'command:openaiUsage.useSampleData',
      'command:openaiUsage.show',
      'command:openaiUsage.setBudget',
    ]) {
      assert.ok(targets.includes(t), `a step with ${t}`);
    }
    const all = (walkthrough?.steps ?? []).map((s) => s.description).join('\n');
    for (const words of [/UTC day/, /arrives late|late/, /estimate/i, /Owner/]) assert.match(all, words);
  });

  it('shows a themeable SVG with alt text in every step (theme colours, no fixed fill or stroke)', () => {
    for (const step of walkthrough?.steps ?? []) {
      const svg = step.media.svg ?? '';
      assert.ok(svg.startsWith('media/walkthrough/') && svg.endsWith('.svg'), `${step.id}: ${svg}`);
      assert.ok((step.media.altText ?? '').length > 10, `${step.id} alt text`);
      const text = readFileSync(join(repo, svg), 'utf8');
      assert.match(text, /="var\(--vscode-foreground/, `${svg} follows the theme`);
      assert.doesNotMatch(text, /\s(fill|stroke|color)="#/, `${svg}: a colour fixed outside the theme`);
      // VS Code shows the picture in a webview whose CSP allows styles by nonce only: a <style>
      // or a style attribute is dropped (everything turns black). Presentation attributes apply.
      assert.doesNotMatch(text, /<style|\sstyle="/, `${svg}: styles are refused there; use attributes`);
      assert.match(text, /<title[^>]*>[^<]{10,}<\/title>/, `${svg} has a title`);
    }
  });

  it('says what the welcome view says: the same buttons, the same admin key page, the same words', () => {
    const welcome = pkg.contributes.viewsWelcome.find((v) => v.view === 'openaiUsage.projects')?.contents ?? '';
    const steps = (walkthrough?.steps ?? []).map((s) => s.description).join('\n');
    const stepButtons = (walkthrough?.steps ?? []).flatMap((s) => buttons(s.description));
    for (const b of buttons(welcome)) {
      assert.ok(
        stepButtons.some((s) => s.label === b.label && s.target === b.target),
        `the walkthrough has the welcome view's button [${b.label}](${b.target})`,
      );
    }
    assert.ok(welcome.includes('https://platform.openai.com/settings/organization/admin-keys'));
    for (const words of ['sk-admin-…', 'organization Owner', "kept in VS Code's secret storage and sent only to the OpenAI API"]) {
      assert.ok(welcome.includes(words), `welcome: ${words}`);
      assert.ok(steps.includes(words), `walkthrough: ${words}`);
    }
  });
});
