// The commands of issue 13 beside the CLI's own: agents (mcp), terminals (daily, monthly,
// statusline) and teams (serve). src/cli.ts hands these over whole, with their own options.
import { version } from '../../package.json';
import type { CommandIo } from './common';
import { errorLine, sourceFrom, argError } from './common';
import { parseArgs } from 'node:util';
import * as l10n from '@vscode/l10n';

export const EXTRA_COMMANDS = ['mcp', 'serve', 'statusline', 'daily', 'monthly', 'keys'] as const;
export type ExtraCommand = (typeof EXTRA_COMMANDS)[number];

export function isExtraCommand(name: string | undefined): name is ExtraCommand {
  return EXTRA_COMMANDS.some((c) => c === name);
}

/** Runs one of EXTRA_COMMANDS; returns the exit code. Errors become one key-free line on `err`. */
export async function runExtraCommand(command: ExtraCommand, argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(await helpOf(command));
      return 0;
    }
    if (command === 'mcp') {
      let values;
      try {
        ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { 'base-url': { type: 'string' }, sample: { type: 'boolean' } } }));
      } catch (e) {
        throw argError(e);
      }
      const source = await sourceFrom({ baseUrl: values['base-url'], sample: values.sample }, io);
      const { runMcp } = await import('./mcp');
      await runMcp(source, io, version);
    } else if (command === 'serve') {
      const { runServe } = await import('./serve');
      await runServe(argv, io);
    } else if (command === 'statusline') {
      const { runStatusline } = await import('./statusline');
      await runStatusline(argv, io);
    } else if (command === 'keys') {
      const { runKeys } = await import('./keys');
      await runKeys(argv, io);
    } else {
      const { runReport } = await import('./reports');
      await runReport(command, argv, io);
    }
    return 0;
  } catch (e) {
    io.err(`openai-usage-insight: ${errorLine(e, io.env)}`);
    return 1;
  }
}

const mcpHelp = (): string => `  mcp                     ${l10n.t('a Model Context Protocol server on stdio (for Claude Desktop, VS Code, any MCP client)')}
                           ${l10n.t('tools: {0}; stdout carries protocol only', 'openai_usage_summary, openai_usage_breakdown')}`;

async function helpOf(command: ExtraCommand): Promise<string> {
  const text =
    command === 'mcp'
      ? mcpHelp()
      : command === 'serve'
        ? (await import('./serve')).serveHelp()
        : command === 'statusline'
          ? (await import('./statusline')).statuslineHelp()
          : command === 'keys'
            ? (await import('./keys')).keysHelp()
            : (await import('./reports')).reportsHelp();
  return [
    l10n.t('Usage: openai-usage-insight {0} [options]', command),
    '',
    text,
    `      --base-url URL           ${l10n.t('API base URL (default: $OPENAI_BASE_URL)')}`,
    `      --sample                 ${l10n.t('the built-in sample organisation; no key needed')}`,
    `      --locale TAG             ${l10n.t('language and number formats (default: {0}, else LC_ALL, LC_MESSAGES, LANG)', '$OPENAI_USAGE_LOCALE')}`,
    '',
    l10n.t('The admin key is read from OPENAI_ADMIN_KEY.'),
  ].join('\n');
}
