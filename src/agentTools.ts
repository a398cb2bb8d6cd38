// The agent tools (src/cli/tools.ts) as their own bundle, dist/agentTools.js, loaded the first time
// an agent calls one: activation neither parses nor runs them (nor the full zod they validate with).
import './zodSetup';
export { BREAKDOWN_TOOL, SUMMARY_TOOL, answerTool, breakdownInput, describeCall } from './cli/tools';
// Its own copy of @vscode/l10n (a bundle of its own): the host hands it VS Code's bundle on load,
// so words made here (describeCall) are in the display language like the rest.
export { config as configureL10n } from '@vscode/l10n';
