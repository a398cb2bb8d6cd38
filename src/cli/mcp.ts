// `openai-usage-insight mcp`: a Model Context Protocol server on stdio with the agent tools of
// src/cli/tools.ts over the same loader and report as everything else. stdout carries protocol
// only: nothing here writes to it but the SDK's transport; diagnostics go to stderr.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { UsageSnapshot } from '../shared/snapshot';
import type { UsageSource } from '../usage/source';
import { loadSnapshot } from '../usage/loader';
import { BREAKDOWN_TOOL, MAX_TOOL_DAYS, SUMMARY_TOOL, answerBreakdown, answerSummary, keyCostsQuery } from './tools';
import type { CommandIo } from './common';
import * as l10n from '@vscode/l10n';
import { errorLine } from './common';

/** A snapshot younger than this answers the next call; older ones are loaded again (reusing settled days). */
export const SNAPSHOT_TTL_MS = 60_000;

export interface SnapshotCache {
  get(): Promise<UsageSnapshot>;
}

/** One snapshot of the last MAX_TOOL_DAYS days, loaded on first use and kept for a minute. */
export function createSnapshotCache(source: UsageSource, now: () => number, ttlMs = SNAPSHOT_TTL_MS): SnapshotCache {
  let last: UsageSnapshot | undefined;
  let pending: Promise<UsageSnapshot> | undefined;
  return {
    get(): Promise<UsageSnapshot> {
      if (last && now() - last.fetchedAt < ttlMs) return Promise.resolve(last);
      pending ??= loadSnapshot(source, { nowMs: now(), rangeDays: MAX_TOOL_DAYS, previous: last })
        .then((s) => {
          last = s;
          return s;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}

export function createMcpServer(source: UsageSource, io: Pick<CommandIo, 'env' | 'now'>, version: string): McpServer {
  const server = new McpServer({ name: 'openai-usage-insight', version });
  const cache = createSnapshotCache(source, io.now);
  const text = (value: unknown): { content: { type: 'text'; text: string }[] } => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });
  const failure = (e: unknown): { content: { type: 'text'; text: string }[]; isError: true } => ({
    content: [{ type: 'text', text: errorLine(e, io.env) }],
    isError: true,
  });
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    SUMMARY_TOOL.name,
    { title: SUMMARY_TOOL.title, description: SUMMARY_TOOL.description, inputSchema: SUMMARY_TOOL.input, annotations: readOnly },
    async (input) => {
      try {
        return text(answerSummary(await cache.get(), input, io.now()));
      } catch (e) {
        return failure(e);
      }
    },
  );
  server.registerTool(
    BREAKDOWN_TOOL.name,
    { title: BREAKDOWN_TOOL.title, description: BREAKDOWN_TOOL.description, inputSchema: BREAKDOWN_TOOL.input, annotations: readOnly },
    async (input) => {
      try {
        const snapshot = await cache.get();
        const keyQuery = keyCostsQuery(input, io.now());
        const keyCosts = keyQuery ? await source.query(keyQuery) : undefined;
        return text(answerBreakdown(snapshot, input, io.now(), keyCosts ? { keyCosts } : {}));
      } catch (e) {
        return failure(e);
      }
    },
  );
  return server;
}

/** Serves until stdin closes. */
export async function runMcp(source: UsageSource, io: CommandIo, version: string): Promise<void> {
  const server = createMcpServer(source, io, version);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  io.err(`openai-usage-insight: ${l10n.t('MCP server ready on stdio')}`);
  await closed;
  await server.close();
}
