// Chart.js, tree-shaken: only the bar controller, its element, two scales, tooltip and legend are
// registered. Colours come from the theme (theme.ts) and are re-applied on a theme change.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartDataset, ScriptableContext, TooltipItem } from 'chart.js';
import { ESTIMATE_KEY, OTHER_KEY, slotTotals } from '../src/report/series';
import type { SeriesSet } from '../src/report/series';
import type { ThemeColors } from './theme';
import { withAlpha } from './theme';
import * as l10n from '@vscode/l10n';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type BarDataset = ChartDataset<'bar', number[]>;

/** Diagonal hatching for provisional bars, cached per colour. */
const hatchCache = new Map<string, CanvasPattern | string>();
export function hatch(color: string): CanvasPattern | string {
  const cached = hatchCache.get(color);
  if (cached) return cached;
  const size = 8;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  let result: CanvasPattern | string = withAlpha(color, 0.35);
  if (ctx) {
    ctx.fillStyle = withAlpha(color, 0.3);
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    // Two strokes so the stripes join seamlessly across tiles.
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
    ctx.moveTo(-size / 2, size / 2);
    ctx.lineTo(size / 2, -size / 2);
    ctx.moveTo(size / 2, size + size / 2);
    ctx.lineTo(size + size / 2, size / 2);
    ctx.stroke();
    result = ctx.createPattern(canvas, 'repeat') ?? result;
  }
  hatchCache.set(color, result);
  return result;
}

function fontFamily(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
}

function applyDefaults(theme: ThemeColors): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = fontFamily();
}

export interface StackedOptions {
  readonly set: SeriesSet;
  /** Slots from this index on are provisional (hatched); undefined = none. */
  readonly provisionalFrom?: number;
  readonly format: (value: number) => string;
  readonly axisFormat: (value: number) => string;
  /** Counts (tokens, requests, images…): whole-number ticks only. */
  readonly integerTicks?: boolean;
  readonly theme: ThemeColors;
}

/** A stacked bar chart over time (daily spend, an endpoint's metric by group). */
export class StackedBarChart {
  private chart: Chart<'bar', number[], string> | undefined;
  private options: StackedOptions | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  update(options: StackedOptions): void {
    this.options = options;
    applyDefaults(options.theme);
    const datasets = this.datasets(options);
    if (!this.chart) {
      this.chart = new Chart<'bar', number[], string>(this.canvas, {
        type: 'bar',
        data: { labels: [...options.set.labels], datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: options.integerTicks ? 0 : undefined, callback: (v) => this.options?.axisFormat(Number(v)) ?? String(v) } },
          },
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
            tooltip: {
              callbacks: {
                title: (items) => this.tooltipTitle(items),
                label: (item) => `${item.dataset.label ?? ''}: ${this.options?.format(item.parsed.y ?? 0) ?? ''}`,
                footer: (items) => this.tooltipFooter(items),
              },
            },
          },
        },
      });
    } else {
      this.chart.data.labels = [...options.set.labels];
      this.chart.data.datasets = datasets;
      const y = this.chart.options.scales?.y;
      if (y?.ticks && 'precision' in y.ticks) y.ticks.precision = options.integerTicks ? 0 : undefined;
      this.chart.update('none');
    }
    this.applyTheme(options.theme);
  }

  /** Re-reads the theme into every colour the chart has, without rebuilding it. */
  applyTheme(theme: ThemeColors): void {
    if (!this.chart || !this.options) return;
    this.options = { ...this.options, theme };
    applyDefaults(theme);
    const scales = this.chart.options.scales;
    for (const axis of ['x', 'y'] as const) {
      const scale = scales?.[axis];
      if (!scale) continue;
      if (scale.ticks) scale.ticks.color = theme.foreground;
      if (scale.grid) scale.grid.color = theme.grid;
      if (scale.border) scale.border.color = theme.grid;
    }
    const legend = this.chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = theme.foreground;
    this.chart.data.datasets = this.datasets(this.options);
    this.chart.update('none');
  }

  private datasets(o: StackedOptions): BarDataset[] {
    return o.set.series.map((s, i) => {
      if (s.key === ESTIMATE_KEY) {
        // The estimate not billed yet: an outlined, faint box on top of the bar, apart from billed spend.
        return {
          label: s.label,
          data: [...s.values],
          stack: 'total',
          borderColor: o.theme.foreground,
          borderWidth: 1,
          backgroundColor: withAlpha(o.theme.foreground, 0.12),
        };
      }
      const color = s.key === OTHER_KEY ? o.theme.other : o.theme.palette[i % o.theme.palette.length];
      const provisional = o.provisionalFrom;
      return {
        label: s.label,
        data: [...s.values],
        stack: 'total',
        borderColor: o.theme.highContrast ? o.theme.foreground : color,
        borderWidth: o.theme.highContrast ? 1 : 0,
        backgroundColor: (ctx: ScriptableContext<'bar'>) =>
          provisional !== undefined && ctx.dataIndex >= provisional ? hatch(color) : color,
      };
    });
  }

  private tooltipTitle(items: TooltipItem<'bar'>[]): string {
    const first = items[0];
    if (!first) return '';
    const p = this.options?.provisionalFrom;
    return p !== undefined && first.dataIndex >= p ? l10n.t('{0} (provisional)', first.label) : first.label;
  }

  private tooltipFooter(items: TooltipItem<'bar'>[]): string {
    const first = items[0];
    if (!first || !this.options || this.options.set.series.length < 2) return '';
    return l10n.t('Total: {0}', this.options.format(slotTotals(this.options.set)[first.dataIndex] ?? 0));
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}

export interface ModelBar {
  readonly model: string;
  readonly uncached: number;
  readonly cached: number;
  readonly output: number;
}

/** Tokens by model: horizontal bars of uncached input, cached input and output. */
export class TokensChart {
  private chart: Chart<'bar', number[], string> | undefined;
  private bars: readonly ModelBar[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly format: (value: number) => string,
  ) {}

  update(bars: readonly ModelBar[], theme: ThemeColors): void {
    this.bars = bars;
    applyDefaults(theme);
    const labels = bars.map((b) => b.model || l10n.t('(none)'));
    if (!this.chart) {
      this.chart = new Chart<'bar', number[], string>(this.canvas, {
        type: 'bar',
        data: { labels, datasets: this.datasets(theme) },
        options: {
          indexAxis: 'y',
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { stacked: true, beginAtZero: true, ticks: { callback: (v) => this.format(Number(v)) } },
            y: { stacked: true, grid: { display: false } },
          },
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
            tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${this.format(item.parsed.x ?? 0)}` } },
          },
        },
      });
    } else {
      this.chart.data.labels = labels;
      this.chart.data.datasets = this.datasets(theme);
      this.chart.update('none');
    }
    this.applyTheme(theme);
  }

  applyTheme(theme: ThemeColors): void {
    if (!this.chart) return;
    applyDefaults(theme);
    for (const axis of ['x', 'y'] as const) {
      const scale = this.chart.options.scales?.[axis];
      if (!scale) continue;
      if (scale.ticks) scale.ticks.color = theme.foreground;
      if (scale.grid) scale.grid.color = theme.grid;
    }
    const legend = this.chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = theme.foreground;
    this.chart.data.datasets = this.datasets(theme);
    this.chart.update('none');
  }

  private datasets(theme: ThemeColors): BarDataset[] {
    const [blue, orange, green] = theme.palette;
    const border = theme.highContrast ? theme.foreground : undefined;
    const ds = (label: string, values: number[], color: string | undefined): BarDataset => ({
      label,
      data: values,
      stack: 'tokens',
      backgroundColor: color ?? theme.foreground,
      borderColor: border ?? color ?? theme.foreground,
      borderWidth: border ? 1 : 0,
    });
    return [
      ds(l10n.t('Input (uncached)'), this.bars.map((b) => b.uncached), blue),
      ds(l10n.t('Input (cached)'), this.bars.map((b) => b.cached), green),
      ds(l10n.t('Output'), this.bars.map((b) => b.output), orange),
    ];
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
