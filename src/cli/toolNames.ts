// The agent tools' names, apart from their code: the extension registers them at activation
// without loading the tools (or zod) until one is called.
export const SUMMARY_TOOL_NAME = 'openai_usage_summary';
export const BREAKDOWN_TOOL_NAME = 'openai_usage_breakdown';
export const AGENT_TOOL_NAMES = [SUMMARY_TOOL_NAME, BREAKDOWN_TOOL_NAME] as const;
