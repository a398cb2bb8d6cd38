// The agent tools (src/cli/tools.ts) as their own bundle, dist/agentTools.js, loaded the first time
// an agent calls one: activation neither parses nor runs them (nor the full zod they validate with).
import './zodSetup';
export { BREAKDOWN_TOOL, SUMMARY_TOOL, answerTool, breakdownInput, describeCall } from './cli/tools';
