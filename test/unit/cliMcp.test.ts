// `openai-usage-insight mcp` driven by a client of the official MCP SDK over stdio, against the
// loopback fake API: the tools are listed, each is called, and the figures match the report.
import assert from 'node:assert/strict';
import { buildDistOnce } from './distCli';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { UsageClient } from '../../src/api/client';
import { summarize } from '../../src/report/summary';
import { createSampleOrg } from '../../src/usage/sample';
import { loadSnapshot } from '../../src/usage/loader';
import { addDays, dayStartOfMs } from '../../src/shared/time';
import { startFakeServer, type FakeServer } from '../server/fakeServer';
import { BREAKDOWN_TOOL, SUMMARY_TOOL } from '../../src/cli/tools';

const KEY = 'sk-admin-FAKE-mcp-0000';
// One fixed instant of the real current day: the CLI runs on the real clock, the data stands still.
const NOW = Date.now();

interface TextResult {
  content: { type: string; text: string }[];
  isError?: boolean;
}

describe('mcp (stdio, official SDK client)', () => {
  let server: FakeServer;
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';
  const protocolErrors: Error[] = [];
  const org = createSampleOrg({ now: NOW });

  before(async () => {
    await buildDistOnce();
    server = await startFakeServer({ data: org, adminKeys: [KEY], now: () => NOW });
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/cli.js', 'mcp'],
      env: { PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: KEY, OPENAI_BASE_URL: server.url },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'test', version: '1.0.0' });
    // Anything on stdout that is not protocol makes the transport report an error here.
    client.onerror = (e): void => void protocolErrors.push(e);
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    await server?.close();
  });

  const call = async (name: string, args: Record<string, unknown>): Promise<{ result: TextResult; value: Record<string, unknown> }> => {
    const result = (await client.callTool({ name, arguments: args })) as TextResult;
    const text = result.content[0]?.text ?? '';
    assert.ok(!text.includes(KEY));
    return { result, value: result.isError ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };

  const reportOf = async (days: number) => {
    const source = new UsageClient({ baseUrl: server.url, apiKey: KEY, now: () => NOW });
    const snapshot = await loadSnapshot(source, { nowMs: NOW, rangeDays: 90 });
    return summarize(snapshot, { nowMs: NOW, rangeDays: days });
  };

  it('lists the two read-only tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [BREAKDOWN_TOOL.name, SUMMARY_TOOL.name].sort());
    const breakdown = tools.find((t) => t.name === BREAKDOWN_TOOL.name);
    assert.deepEqual(breakdown?.inputSchema.required, ['by']);
    assert.ok(Object.keys(breakdown?.inputSchema.properties ?? {}).includes('projectId'));
    for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true);
  });

  it('summary: the figures of the report', async () => {
    const { result, value } = await call(SUMMARY_TOOL.name, { days: 7 });
    assert.ok(!result.isError, JSON.stringify(result));
    const s = await reportOf(7);
    const near = (a: unknown, b: number): void => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-5, `${String(a)} ≈ ${b}`);
    near((value.today as { billed: number }).billed, s.today);
    near(value.yesterday, s.yesterday);
    near(value.monthToDate, s.monthToDate);
    near(value.rangeTotal, s.rangeTotal);
    // The forecast spreads the month over the elapsed time: the CLI's clock ran on a few seconds.
    assert.ok(Math.abs((value.forecastMonthEnd as number) / s.forecastMonthEnd - 1) < 1e-4);
    assert.equal(value.requests, s.requests);
    assert.deepEqual(value.tokens, s.tokens);
    assert.equal(value.days, 7);
    const top = value.topProjects as { id: string; spend: number }[];
    assert.deepEqual(top.map((p) => p.id), s.projects.filter((p) => p.spend !== 0).slice(0, 5).map((p) => p.id));
    // The estimate never takes back what is billed.
    const today = value.today as { billed: number; estimatedTotal: number };
    assert.ok(today.estimatedTotal >= today.billed);
  });

  it('summary for one project: only that project', async () => {
    const s = await reportOf(30);
    const p = s.projects[0];
    assert.ok(p);
    const { value } = await call(SUMMARY_TOOL.name, { projectId: p.id });
    assert.ok(Math.abs((value.rangeTotal as number) - p.spend) < 1e-5);
    assert.deepEqual((value.topProjects as { id: string }[]).map((x) => x.id), [p.id]);
  });

  it('breakdown by project, model, line item and key adds up to the report', async () => {
    const s = await reportOf(14);
    const byProject = await call(BREAKDOWN_TOOL.name, { days: 14, by: 'project', top: 50 });
    const items = byProject.value.items as { id: string; spend: number }[];
    assert.deepEqual(items.map((i) => i.id), s.projects.map((p) => p.id));
    assert.ok(Math.abs(((byProject.value.total as { spend: number }).spend) - s.rangeTotal) < 1e-5);

    const byModel = await call(BREAKDOWN_TOOL.name, { days: 14, by: 'model', top: 2 });
    assert.equal((byModel.value.items as unknown[]).length, 2);
    assert.equal((byModel.value.total as { requests: number }).requests, s.models.reduce((a, m) => a + m.requests, 0));

    const byLine = await call(BREAKDOWN_TOOL.name, { days: 14, by: 'line_item', top: 50 });
    const lineSum = (byLine.value.items as { spend: number }[]).reduce((a, i) => a + i.spend, 0);
    assert.ok(Math.abs(lineSum - s.rangeTotal) < 1e-4);

    // By key: summed here independently from the sample organisation's own rows.
    const byKey = await call(BREAKDOWN_TOOL.name, { days: 14, by: 'key', top: 50 });
    const start = addDays(dayStartOfMs(NOW), -13);
    const expected = new Map<string, number>();
    for (const b of org.querySync({ endpoint: 'costs', startTime: start, endTime: addDays(dayStartOfMs(NOW), 1), groupBy: ['api_key_id'], limit: 180 })) {
      for (const r of b.rows) if (r.dims.api_key_id) expected.set(r.dims.api_key_id, (expected.get(r.dims.api_key_id) ?? 0) + (r.values.amount ?? 0));
    }
    const got = byKey.value.items as { id: string; spend: number }[];
    assert.equal(got.length, expected.size);
    for (const k of got) assert.ok(Math.abs(k.spend - (expected.get(k.id) ?? NaN)) < 1e-5, k.id);
  });

  it('refuses input outside the schema', async () => {
    const res = (await client.callTool({ name: BREAKDOWN_TOOL.name, arguments: { by: 'user', days: 7 } })) as TextResult;
    assert.equal(res.isError, true);
  });

  it('puts only protocol on stdout and never the key anywhere', () => {
    assert.deepEqual(protocolErrors, []);
    assert.ok(!stderr.includes(KEY));
    assert.match(stderr, /MCP server ready/);
    assert.ok(server.requests.every((r) => r.hadAuth));
  });
});
