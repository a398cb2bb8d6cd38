// The agent tools' definitions: the manifest's language model tools declare exactly the inputs the
// tools validate, and answerTool (the LM tool's entry point) refuses what the schema refuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { BREAKDOWN_TOOL, SUMMARY_TOOL, TOOL_NAMES, answerTool } from '../../src/cli/tools';
import type { BreakdownAnswer, SummaryAnswer } from '../../src/cli/tools';
import { AGENT_TOOL_NAMES } from '../../src/cli/toolNames';
import { summarize } from '../../src/report/summary';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { addDays, dayStartOfMs } from '../../src/shared/time';

interface ManifestTool {
  name: string;
  modelDescription: string;
  inputSchema: Record<string, unknown>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { languageModelTools: ManifestTool[] } };
const NOW = Date.UTC(2026, 10, 18, 15, 30);

describe('agent tools', () => {
  it('the extension registers exactly the tools the manifest declares', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { languageModelTools: { name: string }[] } };
    assert.deepEqual([...AGENT_TOOL_NAMES].sort(), manifest.contributes.languageModelTools.map((t) => t.name).sort());
    assert.deepEqual([...AGENT_TOOL_NAMES].sort(), [...TOOL_NAMES].sort());
  });

  it('the manifest declares each tool with the schema its answer validates', () => {
    const declared = pkg.contributes.languageModelTools;
    assert.deepEqual(declared.map((t) => t.name), [...TOOL_NAMES]);
    for (const tool of [SUMMARY_TOOL, BREAKDOWN_TOOL]) {
      const d = declared.find((t) => t.name === tool.name);
      const { $schema: _ignored, ...expected } = z.toJSONSchema(tool.input) as Record<string, unknown>;
      assert.deepEqual(d?.inputSchema, expected, tool.name);
      assert.equal(d?.modelDescription, tool.description);
    }
  });

  it('answers from a snapshot, clamped to the days it holds, and refuses bad input', async () => {
    const org = createSampleOrg({ now: NOW });
    const snapshot = await loadSnapshot(org, { nowMs: NOW, rangeDays: 14 });
    const summary = answerTool(SUMMARY_TOOL.name, { days: 60 }, snapshot, NOW) as SummaryAnswer;
    assert.equal(summary.days, 14);
    assert.equal(summary.sample, true);
    assert.ok(Math.abs(summary.rangeTotal - summarize(snapshot, { nowMs: NOW, rangeDays: 14 }).rangeTotal) < 1e-6);
    // By key, from the snapshot's keyCosts, each key under its name from the directory.
    const byKey = answerTool(BREAKDOWN_TOOL.name, { by: 'key', days: 7, top: 50 }, snapshot, NOW) as BreakdownAnswer;
    const start = addDays(dayStartOfMs(NOW), -6);
    const expected = new Map<string, number>();
    for (const b of org.querySync({ endpoint: 'costs', startTime: start, endTime: addDays(dayStartOfMs(NOW), 1), groupBy: ['api_key_id'], limit: 180 })) {
      for (const r of b.rows) if (r.dims.api_key_id) expected.set(r.dims.api_key_id, (expected.get(r.dims.api_key_id) ?? 0) + (r.values.amount ?? 0));
    }
    const keyNames = new Map(org.namesSync().apiKeys.map((k) => [k.id, k.name]));
    assert.equal(byKey.items.length, expected.size);
    for (const k of byKey.items) {
      assert.ok(Math.abs((k.spend ?? NaN) - (expected.get(k.id) ?? NaN)) < 1e-5, k.id);
      assert.equal(k.name, keyNames.get(k.id), k.id);
      assert.notEqual(k.name, k.id);
    }
    assert.throws(() => answerTool(BREAKDOWN_TOOL.name, { by: 'user' }, snapshot, NOW), /Invalid input: by/);
    assert.throws(() => answerTool(SUMMARY_TOOL.name, { days: 7, apiKey: 'sk-admin-x' }, snapshot, NOW), /Invalid input/);
    assert.throws(() => answerTool('nope', {}, snapshot, NOW), /Unknown tool/);
  });
});
