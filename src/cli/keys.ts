// `keys`: spend by API key over the last N days, each key under its name with its owner and
// project. The figures are `keySpend` over the snapshot's keyCosts (the one engine), the names the
// snapshot's directory; a part of it that could not be read is one quiet note on stderr.
import { parseArgs } from 'node:util';
import type { UsageSnapshot } from '../shared/snapshot';
import { keySpend } from '../report/report';
import { keyLines, missingText, nameIndex, unreadableNote } from '../report/names';
import type { KeyLine } from '../report/names';
import { csvText } from '../report/exportFormat';
import { formatMoney } from '../shared/format';
import { isoDate, rangeForDays } from '../shared/time';
import { loadSnapshot } from '../usage/loader';
import type { CommandIo } from './common';
import { CommandError, argError, positiveInt, sourceFrom, withDeadline } from './common';
import * as l10n from '@vscode/l10n';

export function keysHelp(): string {
  return `  keys                    ${l10n.t('spend by API key in the range: name, owner, project (--days N, default 30)')}
      --json | --csv           ${l10n.t('machine-readable output (default: a table)')}`;
}

const m6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Spend by key in the snapshot's main currency over the last `days` days, with names. */
export function keysOf(snapshot: UsageSnapshot, nowMs: number, days: number): KeyLine[] {
  const range = rangeForDays(nowMs, days);
  return keyLines(keySpend(snapshot.keyCosts ?? [], range, snapshot.currency), nameIndex(snapshot.projects, snapshot.names));
}

/** What `summary --json` lists as `apiKeys` (SPEC §2): id, name, projectId and spend. */
export function apiKeysJson(lines: readonly KeyLine[]): { id: string; name: string; projectId: string | null; spend: number; owner?: string; nameMissing?: string }[] {
  return lines
    .filter((k) => k.id !== '')
    .map((k) => ({
      id: k.id,
      name: k.name,
      projectId: k.projectId ?? null,
      spend: m6(k.spend),
      ...(k.owner === undefined ? {} : { owner: k.owner }),
      ...(k.missing === undefined ? {} : { nameMissing: k.missing }),
    }));
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export async function runKeys(argv: readonly string[], io: CommandIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { days: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, 'base-url': { type: 'string' }, sample: { type: 'boolean' } },
    }));
  } catch (e) {
    throw argError(e);
  }
  const days = positiveInt(values.days, 'days', 30, 400);
  if (values.json && values.csv) throw new CommandError(l10n.t('Choose one of --json and --csv.'));
  const nowMs = io.now();
  const source = await sourceFrom({ baseUrl: values['base-url'], sample: values.sample }, io);
  const snapshot = await withDeadline(io.env, (signal) => loadSnapshot(source, { nowMs, rangeDays: days, signal }));
  const lines = keysOf(snapshot, nowMs, days);
  const note = unreadableNote(nameIndex(snapshot.projects, snapshot.names), ['apiKeys']);
  if (note !== undefined) io.err(l10n.t('Note: {0}', note));
  const range = rangeForDays(nowMs, days);
  const currency = snapshot.currency;
  if (values.json) {
    io.out(JSON.stringify({ currency, days, from: isoDate(range.start), to: isoDate(range.end - 1), sample: snapshot.source === 'sample', apiKeys: apiKeysJson(lines), noKeySpend: m6(lines.find((k) => k.id === '')?.spend ?? 0) }, null, 2));
    return;
  }
  if (values.csv) {
    const head = ['key', 'id', 'owner', 'project', 'project_id', `spend_${currency}`, 'name_missing'];
    io.out(csvText(head, lines.map((k) => [k.name, k.id, k.owner ?? '', k.projectName ?? '', k.projectId ?? '', m6(k.spend), k.missing ?? ''])).trimEnd());
    return;
  }
  if (!lines.length) {
    io.out(l10n.t('No spend by API key in the last {0} days.', days));
    return;
  }
  const head = [l10n.t('Key'), l10n.t('ID'), l10n.t('Owner'), l10n.t('Project'), l10n.t('Spend')];
  const rows = lines.map((k) => {
    const why = missingText(k.missing);
    return [k.missing === 'unknown' && why ? l10n.t('{0} ({1})', k.name, why) : k.name, k.id, k.owner ?? '', k.projectName ?? '', formatMoney(k.spend, currency)];
  });
  const title =
    snapshot.source === 'sample'
      ? l10n.t('Spend by API key, {0} – {1} (UTC) — SAMPLE DATA', isoDate(range.start), isoDate(range.end - 1))
      : l10n.t('Spend by API key, {0} – {1} (UTC)', isoDate(range.start), isoDate(range.end - 1));
  io.out(`${title}\n\n${table([head, ...rows], new Set([4]))}`);
}
