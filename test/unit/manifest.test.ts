// The manifest is part of the product: SPEC §2's names, and the rules that keep the key safe.
// The names are copied here from SPEC §2 on purpose: the test runs from a clone with nothing
// beside the repository, and a rename of anything users or tests rely on must fail here first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Command {
  command: string;
  title: string;
  category?: string;
}
interface Setting {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  scope?: string;
}
interface Manifest {
  name: string;
  displayName: string;
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, Setting> };
    commands: Command[];
    views?: Record<string, { id: string }[]>;
    viewsContainers?: { activitybar?: { id: string }[] };
    viewsWelcome?: { view: string; contents: string }[];
    walkthroughs?: { id: string; title: string }[];
  };
}
/** package.json as VS Code shows it in English: each `%key%` resolved from package.nls.json. */
const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8'), (_k, v: unknown) =>
  typeof v === 'string' && /^%[^%]+%$/.test(v) ? (nls[v.slice(1, -1)] ?? v) : v,
) as Manifest;

/** SPEC §2: command id → title (users find them by typing the title in the palette). */
const SPEC_COMMANDS: Record<string, string> = {
  'openaiUsage.show': 'Show OpenAI Usage',
  'openaiUsage.refresh': 'Refresh',
  'openaiUsage.setAdminKey': 'Set Admin Key',
  'openaiUsage.clearAdminKey': 'Clear Admin Key',
  'openaiUsage.useSampleData': 'Try with Sample Data',
  'openaiUsage.export': 'Export Usage…',
  'openaiUsage.setBudget': 'Set Monthly Budget',
  // Added with the 2026 surface.
  'openaiUsage.setSpendLimit': 'Set Spend Limit…',
  'openaiUsage.manageSpendAlerts': 'Manage Spend Alerts…',
};

/** SPEC §2: settings with their type and, where the spec gives one, their default. */
const SPEC_SETTINGS: Record<string, Setting> = {
  'openaiUsage.apiBaseUrl': { type: 'string', default: 'https://api.openai.com/v1', scope: 'application' },
  'openaiUsage.refreshIntervalMinutes': { type: 'number', default: 15 },
  'openaiUsage.monthlyBudget': { type: 'number', default: 0 },
  'openaiUsage.budgetWarningPercent': { type: 'number', default: 80 },
  'openaiUsage.statusBar.enabled': { type: 'boolean', default: true },
  'openaiUsage.statusBar.show': { type: 'string', enum: ['today', 'month', 'todayAndMonth'] },
  'openaiUsage.defaultRangeDays': { type: 'number', default: 30 },
  // Added with the 2026 surface.
  'openaiUsage.statusBar.estimateToday': { type: 'boolean', default: true },
  'openaiUsage.alerts.enabled': { type: 'boolean', default: true },
  'openaiUsage.alerts.spikeFactor': { type: 'number', default: 3 },
};

const SPEC_CONTAINER = 'openaiUsage';
const SPEC_VIEW = 'openaiUsage.projects';
const SPEC_WALKTHROUGH = 'openaiUsage.gettingStarted';
const SPEC_STATUS_ITEM = 'openaiUsage.status';

describe('package.json', () => {
  it('is named as SPEC §2 says', () => {
    assert.equal(pkg.name, 'openai-usage-insight');
    assert.equal(pkg.displayName, 'OpenAI Usage Insight');
  });

  it('has every SPEC §2 command, with its title', () => {
    const byId = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
    for (const [id, title] of Object.entries(SPEC_COMMANDS)) {
      assert.equal(byId.get(id)?.title, title, id);
    }
  });

  it('has every SPEC §2 setting, with its type and default', () => {
    const props = pkg.contributes.configuration.properties;
    for (const [key, want] of Object.entries(SPEC_SETTINGS)) {
      const got = props[key];
      assert.ok(got, `setting ${key}`);
      assert.equal(got.type, want.type, `${key} type`);
      if ('default' in want) assert.deepEqual(got.default, want.default, `${key} default`);
      if (want.enum) assert.deepEqual(got.enum, want.enum, `${key} values`);
      if (want.scope) assert.equal(got.scope, want.scope, `${key} scope`);
    }
    // 0 = only on demand, 0 = no budget: both must be allowed values.
    assert.equal((props['openaiUsage.refreshIntervalMinutes'] as { minimum?: number }).minimum, 0);
    assert.equal((props['openaiUsage.monthlyBudget'] as { minimum?: number }).minimum, 0);
  });

  it('has the activity bar container, its projects view and the welcome content', () => {
    assert.ok((pkg.contributes.viewsContainers?.activitybar ?? []).some((c) => c.id === SPEC_CONTAINER), 'container');
    assert.ok((pkg.contributes.views?.[SPEC_CONTAINER] ?? []).some((v) => v.id === SPEC_VIEW), 'view in the container');
    const welcome = (pkg.contributes.viewsWelcome ?? []).find((w) => w.view === SPEC_VIEW);
    assert.ok(welcome, 'welcome content');
    assert.match(welcome.contents, /command:openaiUsage\.setAdminKey/);
    assert.match(welcome.contents, /command:openaiUsage\.useSampleData/);
  });

  it('has the getting-started walkthrough', () => {
    assert.ok((pkg.contributes.walkthroughs ?? []).some((w) => w.id === SPEC_WALKTHROUGH), SPEC_WALKTHROUGH);
  });

  it('creates the status bar item under its SPEC §2 id', () => {
    const source = readFileSync('src/views/statusBar.ts', 'utf8');
    assert.match(source, new RegExp(`createStatusBarItem\\(\\s*'${SPEC_STATUS_ITEM.replace('.', '\\.')}'`));
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
