// Translated words are never lower-cased or glued into sentences in code: a chart title, a table
// caption, a breakdown row and a tool description are whole messages whose pieces are in-sentence
// words of their own (labels.ts), so a translation's casing and word order come out as given.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import ts from 'typescript';
import { sourceFiles } from '../../scripts/l10n.mjs';
import { describeCall } from '../../src/cli/tools';
import { BREAKDOWN_TOOL_NAME } from '../../src/cli/toolNames';
import { BUCKET_WIDTHS, DIMENSIONS, ENDPOINTS } from '../../src/shared/endpoints';
import { breakdownRowLabel, chartTitle, dimensionLabel, dimensionPhrase, metricInSentence, metricLabel, usageCaption, WIDTH_LABELS, widthInSentence } from '../../src/shared/labels';
import { tableCaption } from '../../webview/dataTable';

const repo = path.join(__dirname, '..', '..');

// A small German bundle. Labels and in-sentence words differ only in what the translation says:
// lower-casing "Stunde" or "API-Schlüssel" in code would be wrong in German.
const GERMAN: Record<string, string> = {
  'Input tokens': 'Eingabe-Token',
  'input tokens': 'Eingabe-Token',
  'Cached input tokens': 'Zwischengespeicherte Eingabe-Token',
  Hour: 'Stunde',
  hour: 'Stunde',
  'API key': 'API-Schlüssel',
  'by API key': 'nach API-Schlüssel',
  '{0} per {1}': '{0} pro {1}',
  '{0} per {1} {2}': '{0} pro {1} {2}',
  '{0} {1}, {2}': '{0} {1}, {2}',
  '{0} (of {1})': '{0} (von {1})',
  '{0} rows': '{0} Zeilen',
  '{0} ({1}, sorted by {2} descending)': '{0} ({1}, absteigend nach {2})',
  'Read OpenAI usage of the last {0} days {1}': 'OpenAI-Nutzung der letzten {0} Tage {1} lesen',
};

describe('in-sentence words (English)', () => {
  it('are what the labels lower-cased used to give, so the English text is unchanged', () => {
    const metrics = new Set<string>(['amount', ...Object.values(ENDPOINTS).flatMap((e) => e.metrics)]);
    assert.ok(metrics.size > 15);
    for (const m of metrics) assert.equal(metricInSentence(m), metricLabel(m).toLowerCase(), m);
    for (const d of DIMENSIONS) assert.equal(dimensionPhrase(d), `by ${dimensionLabel(d).toLowerCase().replace(/\bapi\b/, 'API')}`, d);
    for (const w of BUCKET_WIDTHS) assert.equal(widthInSentence(w), WIDTH_LABELS[w].toLowerCase(), w);
  });

  it('make the titles, captions and rows the dashboard has always shown', () => {
    assert.equal(chartTitle('input_tokens', '1h', 'none'), 'Input tokens per hour');
    assert.equal(chartTitle('input_tokens', '1d', 'api_key_id'), 'Input tokens per day by API key');
    assert.equal(chartTitle('amount', '1d', 'line_item'), 'Cost per day by line item');
    assert.equal(usageCaption('Completions', 'none', 'R'), 'Completions, R');
    assert.equal(usageCaption('Completions', 'service_tier', 'R'), 'Completions by service tier, R');
    assert.equal(breakdownRowLabel('input_cached_tokens', 'input_tokens'), 'Cached input tokens (of input tokens)');
    assert.equal(tableCaption('Costs, R', 1, undefined, ''), 'Costs, R (1 row)');
    assert.equal(tableCaption('Costs, R', 12, 'ascending', 'Cost'), 'Costs, R (12 rows, sorted by Cost ascending)');
    assert.equal(tableCaption('Costs, R', 12, 'descending', 'Cost'), 'Costs, R (12 rows, sorted by Cost descending)');
  });

  it('name the grouping of a tool call in words', () => {
    assert.equal(describeCall(BREAKDOWN_TOOL_NAME, { days: 30, by: 'key' }), 'Read OpenAI usage of the last 30 days by API key');
    assert.equal(describeCall(BREAKDOWN_TOOL_NAME, { by: 'line_item', projectId: 'proj_1' }), 'Read OpenAI usage of the last 30 days by line item for project proj_1');
    assert.equal(describeCall(BREAKDOWN_TOOL_NAME, {}), 'Read OpenAI usage of the last 30 days by project');
    // Not validated yet: an unknown grouping is not named (nor "undefined").
    assert.equal(describeCall(BREAKDOWN_TOOL_NAME, { by: 'nope' } as never), 'Read OpenAI usage of the last 30 days');
  });
});

describe('in-sentence words (a translation)', () => {
  afterEach(() => l10n.config({ contents: {} }));

  it('come out as the bundle gives them: no lower-casing, the word order the translation chose', () => {
    l10n.config({ contents: GERMAN });
    assert.equal(chartTitle('input_tokens', '1h', 'none'), 'Eingabe-Token pro Stunde');
    assert.equal(chartTitle('input_tokens', '1h', 'api_key_id'), 'Eingabe-Token pro Stunde nach API-Schlüssel');
    assert.equal(usageCaption('Completions', 'api_key_id', 'R'), 'Completions nach API-Schlüssel, R');
    assert.equal(breakdownRowLabel('input_cached_tokens', 'input_tokens'), 'Zwischengespeicherte Eingabe-Token (von Eingabe-Token)');
    assert.equal(tableCaption('Kosten, R', 12, 'descending', 'Kosten'), 'Kosten, R (12 Zeilen, absteigend nach Kosten)');
    assert.equal(describeCall(BREAKDOWN_TOOL_NAME, { days: 7, by: 'key' }), 'OpenAI-Nutzung der letzten 7 Tage nach API-Schlüssel lesen');
  });
});

describe('sources', () => {
  it('never change the case of a label or of an l10n.t message', () => {
    const labelFns = new Set(['l10n.t', 'vscode.l10n.t', 'metricLabel', 'dimensionLabel', 'metricInSentence', 'dimensionPhrase', 'widthInSentence']);
    const bad: string[] = [];
    for (const file of sourceFiles(repo)) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^to(Locale)?(Lower|Upper)Case$/.test(node.expression.name.text)) {
          const target = node.expression.expression;
          const translated =
            (ts.isCallExpression(target) && labelFns.has(target.expression.getText(source))) ||
            (ts.isElementAccessExpression(target) && target.expression.getText(source) === 'WIDTH_LABELS');
          if (translated) bad.push(`${path.relative(repo, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(bad, []);
  });
});
