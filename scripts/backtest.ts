// Backtest of today's spend estimate (src/report/estimate.ts), run on demand: `npm run backtest`.
// Not a timed test: it prints a table of errors. A synthetic organisation with hourly usage,
// a realistic cost lag (each hour's cost shows up 2–20 hours later), a price change in the middle
// of the window and a model that appears partway through. For each test day and each hour
// (6, 12, 18, 24 of the UTC day) it compares, against the cost that is finally billed for the
// usage up to that hour:
//   - billed so far: what the Costs API shows at that moment;
//   - the estimate: billed + the estimated not-yet-billed part.
// Options: --days N (test days, default 45), --seed N, --json.
import { parseArgs } from 'node:util';
import type { UsageBucket, UsageRow } from '../src/shared/endpoints';
import { estimateDay } from '../src/report/estimate';
import { DAY_SECONDS } from '../src/shared/time';

const { values: args } = parseArgs({ options: { days: { type: 'string', default: '45' }, seed: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } } });
const TEST_DAYS = Number(args.days);
const HISTORY = 30;
const HOURS = [6, 12, 18, 24];

// A small deterministic PRNG, so runs are comparable.
let state = Number(args.seed) >>> 0 || 1;
const rand = (): number => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

interface ModelDef {
  readonly project: string;
  readonly model: string;
  /** $ per million tokens: uncached input, cached input, output. */
  readonly prices: readonly [number, number, number];
  /** Millions of input tokens on an average day. */
  readonly volume: number;
  /** First day (index from the start) with usage. */
  readonly from: number;
  /** Day index from which the price is multiplied by `changeFactor`. */
  readonly changeAt?: number;
  readonly changeFactor?: number;
}

const TOTAL_DAYS = HISTORY + TEST_DAYS;
const MODELS: readonly ModelDef[] = [
  { project: 'proj_app', model: 'gpt-4o', prices: [2.5, 1.25, 10], volume: 40, from: 0, changeAt: HISTORY + Math.floor(TEST_DAYS / 2), changeFactor: 0.6 },
  { project: 'proj_app', model: 'gpt-4o-mini', prices: [0.15, 0.075, 0.6], volume: 300, from: 0 },
  { project: 'proj_batch', model: 'gpt-4.1', prices: [2, 0.5, 8], volume: 25, from: 0 },
  { project: 'proj_research', model: 'o3', prices: [2, 0.5, 8], volume: 8, from: 0 },
  // Appears partway through the test days: no history on its first days ("not estimated").
  { project: 'proj_research', model: 'gpt-5', prices: [1.25, 0.125, 10], volume: 15, from: HISTORY + Math.floor(TEST_DAYS / 3) },
];
const LINE_ITEMS = ['input', 'cached input', 'output'] as const;

/** Share of a day's traffic in each UTC hour: a working-day curve. */
const DIURNAL = Array.from({ length: 24 }, (_, h) => 0.4 + Math.exp(-((h - 14) ** 2) / 18));
const DIURNAL_SUM = DIURNAL.reduce((a, v) => a + v, 0);

interface HourUsage {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
}

/** Tokens per model, day and hour. */
const usage: HourUsage[][][] = MODELS.map((m) =>
  Array.from({ length: TOTAL_DAYS }, (_, d) => {
    const weekday = (d + 3) % 7 < 5 ? 1 : 0.45;
    const dayLevel = d < m.from ? 0 : m.volume * 1e6 * weekday * Math.exp(0.25 * normal());
    const cacheShare = Math.min(0.8, Math.max(0.05, 0.35 + 0.08 * normal()));
    const outShare = Math.max(0.05, 0.22 + 0.05 * normal());
    return DIURNAL.map((w) => {
      const input = Math.round((dayLevel * w * Math.exp(0.3 * normal())) / DIURNAL_SUM);
      const cached = Math.round(input * cacheShare);
      return { input, cached, output: Math.round(input * outShare) };
    });
  }),
);

const price = (m: ModelDef, d: number, i: number): number => (m.prices[i] ?? 0) * (m.changeAt !== undefined && d >= m.changeAt ? (m.changeFactor ?? 1) : 1);
/** Cost of one model's line item in one hour. */
const hourCost = (mi: number, d: number, h: number, li: number): number => {
  const m = MODELS[mi] as ModelDef;
  const u = usage[mi]?.[d]?.[h] as HourUsage;
  const units = li === 0 ? u.input - u.cached : li === 1 ? u.cached : u.output;
  return (units * price(m, d, li)) / 1e6;
};
/** Hours after its hour ends that each hour's cost shows up in the Costs API. */
const lag: number[][][] = MODELS.map(() => Array.from({ length: TOTAL_DAYS }, () => Array.from({ length: 24 }, () => 2 + 18 * rand())));

const DAY0 = Math.floor(Date.UTC(2026, 0, 1) / 1000);
const dayStartOf = (d: number): number => DAY0 + d * DAY_SECONDS;

/** What the APIs show at `t` (Unix s): daily costs with the lag, and usage through the hour before t. */
function observe(t: number): { costs: UsageBucket[]; usage: UsageBucket[] } {
  const costs: UsageBucket[] = [];
  const usageBuckets: UsageBucket[] = [];
  const lastDay = Math.floor((t - DAY0) / DAY_SECONDS);
  for (let d = Math.max(0, lastDay - 20); d <= lastDay; d++) {
    const start = dayStartOf(d);
    const costRows: UsageRow[] = [];
    const usageRows: UsageRow[] = [];
    MODELS.forEach((m, mi) => {
      const sums = [0, 0, 0];
      const u = { input: 0, cached: 0, output: 0 };
      for (let h = 0; h < 24; h++) {
        const hourEnd = start + (h + 1) * 3600;
        if (hourEnd > t) break;
        const hu = usage[mi]?.[d]?.[h] as HourUsage;
        u.input += hu.input;
        u.cached += hu.cached;
        u.output += hu.output;
        if (hourEnd + (lag[mi]?.[d]?.[h] ?? 0) * 3600 <= t) for (let li = 0; li < 3; li++) sums[li] = (sums[li] ?? 0) + hourCost(mi, d, h, li);
      }
      LINE_ITEMS.forEach((name, li) => {
        if ((sums[li] ?? 0) > 0) costRows.push({ values: { amount: sums[li] ?? 0 }, dims: { project_id: m.project, line_item: `${m.model}, ${name}` }, currency: 'usd' });
      });
      if (u.input > 0) {
        usageRows.push({
          values: { input_tokens: u.input, input_cached_tokens: u.cached, output_tokens: u.output, num_model_requests: Math.round(u.input / 2000) },
          dims: { project_id: m.project, model: m.model },
        });
      }
    });
    costs.push({ startTime: start, endTime: start + DAY_SECONDS, rows: costRows });
    usageBuckets.push({ startTime: start, endTime: Math.min(start + DAY_SECONDS, t - (t % 3600)), rows: usageRows });
  }
  return { costs, usage: usageBuckets };
}

/** The cost finally billed for day d's usage through hour h, split by whether the model had history. */
function truth(d: number, h: number): { all: number; withHistory: number } {
  let all = 0;
  let withHistory = 0;
  MODELS.forEach((m, mi) => {
    let sum = 0;
    for (let hh = 0; hh < h; hh++) for (let li = 0; li < 3; li++) sum += hourCost(mi, d, hh, li);
    all += sum;
    // History means at least two complete days before the provisional ones.
    if (d - 2 - m.from >= 1) withHistory += sum;
  });
  return { all, withHistory };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;

interface Row {
  hour: number;
  days: number;
  estimateMedianPct: number;
  estimateP90Pct: number;
  billedMedianPct: number;
  estimateWithHistoryMedianPct: number;
  daysWithNewModel: number;
}

const rows: Row[] = [];
for (const hour of HOURS) {
  const est: number[] = [];
  const estHist: number[] = [];
  const billedErr: number[] = [];
  let daysWithNewModel = 0;
  for (let d = HISTORY; d < TOTAL_DAYS; d++) {
    const t = dayStartOf(d) + hour * 3600;
    const seen = observe(t);
    const e = estimateDay({ nowMs: t * 1000 - 1, costs: seen.costs, usage: { completions: seen.usage }, currency: 'usd' }, dayStartOf(d));
    const truthAt = truth(d, hour);
    if (e.notEstimated.length > 0) daysWithNewModel++;
    est.push((Math.abs(e.total - truthAt.all) / truthAt.all) * 100);
    billedErr.push((Math.abs(e.billed - truthAt.all) / truthAt.all) * 100);
    // Spend with history: the line items priced from history against the models that have some.
    const priced = e.lineItems.reduce((a, li) => a + Math.max(li.billed, li.estimated), 0);
    if (truthAt.withHistory > 0) estHist.push((Math.abs(priced - truthAt.withHistory) / truthAt.withHistory) * 100);
  }
  rows.push({
    hour,
    days: est.length,
    estimateMedianPct: median(est),
    estimateP90Pct: p90(est),
    billedMedianPct: median(billedErr),
    estimateWithHistoryMedianPct: median(estHist),
    daysWithNewModel,
  });
}

if (args.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const f = (x: number): string => `${x.toFixed(1)} %`;
  console.log(`Backtest of today's spend estimate: ${TEST_DAYS} test days, ${MODELS.length} models, cost lag 2–20 h, a price cut of 40 % on day ${HISTORY + Math.floor(TEST_DAYS / 2) - HISTORY + 1}, a new model from day ${Math.floor(TEST_DAYS / 3) + 1}.`);
  console.log('');
  console.log('| hour (UTC) | billed so far: median error | estimate: median error | estimate: p90 error | estimate, spend with history: median error |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.hour} | ${f(r.billedMedianPct)} | ${f(r.estimateMedianPct)} | ${f(r.estimateP90Pct)} | ${f(r.estimateWithHistoryMedianPct)} |`);
}
