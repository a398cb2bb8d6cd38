// The agent tools of src/cli/tools.ts as VS Code language model tools (`vscode.lm.registerTool`),
// answered from the snapshot the extension already shows: no request of their own, except the
// by-key breakdown, which asks the extension's source for costs grouped by key when it can. The
// input names no key and the answer holds figures, names and ids only.
import * as vscode from 'vscode';
import type * as AgentTools from '../agentTools';
import type { BreakdownInput } from '../cli/tools';
import type { UsageSnapshot } from '../shared/snapshot';
import { AGENT_TOOL_NAMES } from '../cli/toolNames';


export interface UsageToolDeps {
  /** The snapshot shown now (undefined before the first load or without a key). */
  snapshot(): UsageSnapshot | undefined;
  now(): number;
  /** Loads the tools' code (dist/agentTools.js) on first use. */
  tools(): Promise<typeof AgentTools>;
}

class UsageTool implements vscode.LanguageModelTool<Record<string, unknown>> {
  constructor(
    private readonly name: string,
    private readonly deps: UsageToolDeps,
  ) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Record<string, unknown>>): Promise<vscode.PreparedToolInvocation> {
    const { describeCall } = await this.deps.tools();
    const what = describeCall(this.name, options.input as Partial<BreakdownInput>);
    return {
      invocationMessage: vscode.l10n.t('{0}…', what),
      confirmationMessages: {
        title: vscode.l10n.t('Read OpenAI usage'),
        message: new vscode.MarkdownString(
          vscode.l10n.t('{0}, from the data OpenAI Usage Insight has loaded. The answer holds spend, tokens, requests, names and ids — never the admin key.', what),
        ),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Record<string, unknown>>): Promise<vscode.LanguageModelToolResult> {
    const snapshot = this.deps.snapshot();
    if (!snapshot) {
      // For the model, not the user (like the tools' JSON answers): kept in English.
      return text('OpenAI Usage Insight has no usage data yet: the user can set an admin key ("OpenAI Usage: Set Admin Key") or try the sample data.');
    }
    const { answerTool } = await this.deps.tools();
    // Spend by key comes from the snapshot's costs grouped by key: no request of the tool's own.
    return text(JSON.stringify(answerTool(this.name, options.input, snapshot, this.deps.now(), {})));
  }
}

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

/** Registers both tools; dispose the result to unregister them. */
export function registerUsageTools(deps: UsageToolDeps): vscode.Disposable {
  // dist/agentTools.js bundles its own @vscode/l10n: configured with VS Code's bundle once loaded.
  let loaded: Promise<typeof AgentTools> | undefined;
  const tools = (): Promise<typeof AgentTools> =>
    (loaded ??= deps.tools().then(
      (m) => {
        if (vscode.l10n.bundle) m.configureL10n({ contents: vscode.l10n.bundle });
        return m;
      },
      (e: unknown) => {
        loaded = undefined;
        throw e;
      },
    ));
  const withTools: UsageToolDeps = { ...deps, tools };
  return vscode.Disposable.from(
    ...AGENT_TOOL_NAMES.map((name) => vscode.lm.registerTool(name, new UsageTool(name, withTools))),
  );
}
