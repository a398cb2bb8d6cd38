// The agent tools of src/cli/tools.ts as VS Code language model tools (`vscode.lm.registerTool`),
// answered from the snapshot the extension already shows: no request of their own, except the
// by-key breakdown, which asks the extension's source for costs grouped by key when it can. The
// input names no key and the answer holds figures, names and ids only.
import * as vscode from 'vscode';
import type { UsageBucket, UsageQuery } from '../shared/endpoints';
import type { UsageSnapshot } from '../shared/snapshot';
import { BREAKDOWN_TOOL, SUMMARY_TOOL, answerTool, breakdownInput, describeCall, keyCostsQuery } from '../cli/tools';
import type { BreakdownInput } from '../cli/tools';

export interface UsageToolDeps {
  /** The snapshot shown now (undefined before the first load or without a key). */
  snapshot(): UsageSnapshot | undefined;
  now(): number;
  /** Answers a query with the extension's own source; absent = by-key breakdowns are not offered. */
  query?(query: UsageQuery, signal: AbortSignal): Promise<UsageBucket[]>;
}

class UsageTool implements vscode.LanguageModelTool<Record<string, unknown>> {
  constructor(
    private readonly name: string,
    private readonly deps: UsageToolDeps,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Record<string, unknown>>): vscode.PreparedToolInvocation {
    const what = describeCall(this.name, options.input as Partial<BreakdownInput>);
    return {
      invocationMessage: `${what}…`,
      confirmationMessages: {
        title: 'Read OpenAI usage',
        message: new vscode.MarkdownString(`${what}, from the data OpenAI Usage Insight has loaded. The answer holds spend, tokens, requests, project names and ids — never the admin key.`),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Record<string, unknown>>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const snapshot = this.deps.snapshot();
    if (!snapshot) {
      return text('OpenAI Usage Insight has no usage data yet: the user can set an admin key ("OpenAI Usage: Set Admin Key") or try the sample data.');
    }
    const nowMs = this.deps.now();
    let keyCosts: UsageBucket[] | undefined;
    if (this.name === BREAKDOWN_TOOL.name) {
      const parsed = breakdownInput.safeParse(options.input);
      const q = parsed.success ? keyCostsQuery(parsed.data, nowMs) : undefined;
      if (q && !this.deps.query) return text('A breakdown by API key is not available here: ask by project, model or line_item.');
      if (q && this.deps.query) {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          keyCosts = await this.deps.query(q, abort.signal);
        } finally {
          sub.dispose();
        }
      }
    }
    return text(JSON.stringify(answerTool(this.name, options.input, snapshot, nowMs, keyCosts ? { keyCosts } : {})));
  }
}

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

/** Registers both tools; dispose the result to unregister them. */
export function registerUsageTools(deps: UsageToolDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.lm.registerTool(SUMMARY_TOOL.name, new UsageTool(SUMMARY_TOOL.name, deps)),
    vscode.lm.registerTool(BREAKDOWN_TOOL.name, new UsageTool(BREAKDOWN_TOOL.name, deps)),
  );
}
