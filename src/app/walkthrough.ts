// The "Get Started with OpenAI Usage Insight" walkthrough opens by itself once, on the first
// start after install, and never again. activate() passes in the parts of the VS Code API this
// needs (they are structural types below, so this also runs, and is tested, in plain Node).

/** `contributes.walkthroughs[0].id` in package.json. */
export const WALKTHROUGH_ID = 'openaiUsage.gettingStarted';

/** The globalState key that remembers the walkthrough was offered (on this machine). */
export const WALKTHROUGH_SEEN_KEY = 'openaiUsage.walkthroughOffered';

/** VS Code's own switch for walkthroughs opening on install; a user who turned it off sees none. */
const OPEN_ON_INSTALL = 'workbench.welcomePage.walkthroughs.openOnInstall';

/** What is used of `vscode.ExtensionContext`. */
export interface WalkthroughContext {
  readonly globalState: {
    get(key: string): unknown;
    update(key: string, value: unknown): Thenable<void>;
  };
  readonly extension: { readonly id: string };
}

/** What is used of the `vscode` namespace: pass `vscode` itself. */
export interface WalkthroughApi {
  readonly commands: { executeCommand(command: string, ...args: unknown[]): Thenable<unknown> };
  readonly workspace: { getConfiguration(): { get(key: string): unknown } };
}

/**
 * Opens the walkthrough if it has never been offered here, and remembers that it was (before
 * opening, so two windows starting together do not both open it). Resolves to whether it opened.
 * From activate(): `void openWalkthroughOnce(context, vscode);`
 */
export async function openWalkthroughOnce(context: WalkthroughContext, api: WalkthroughApi): Promise<boolean> {
  if (context.globalState.get(WALKTHROUGH_SEEN_KEY) === true) return false;
  await context.globalState.update(WALKTHROUGH_SEEN_KEY, true);
  if (api.workspace.getConfiguration().get(OPEN_ON_INSTALL) === false) return false;
  try {
    // `false`: in the active editor group, not to the side.
    await api.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
    return true;
  } catch {
    // A host without the Welcome page (some web embeddings): nothing to open, nothing to report.
    return false;
  }
}
