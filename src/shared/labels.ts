// Words and number formats of the dashboard. Pure: used by the webview for display and by the host
// for export headers, so a column is called the same thing on screen and in the CSV.
import type { BucketWidth, Dimension } from './endpoints';
// Money, counts and bytes look as in the status bar and tree (usage/format.ts).
import { formatBytes, formatMoney } from './format';
import { isoDate, isoMinute } from './time';

const METRIC_LABELS: Readonly<Record<string, string>> = {
  input_tokens: 'Input tokens',
  output_tokens: 'Output tokens',
  input_cached_tokens: 'Cached input tokens',
  input_cache_write_tokens: 'Cache-write input tokens',
  input_uncached_tokens: 'Uncached input tokens',
  input_text_tokens: 'Input text tokens',
  output_text_tokens: 'Output text tokens',
  input_cached_text_tokens: 'Cached input text tokens',
  input_audio_tokens: 'Input audio tokens',
  input_cached_audio_tokens: 'Cached input audio tokens',
  output_audio_tokens: 'Output audio tokens',
  input_image_tokens: 'Input image tokens',
  input_cached_image_tokens: 'Cached input image tokens',
  output_image_tokens: 'Output image tokens',
  num_model_requests: 'Requests',
  num_requests: 'Calls',
  images: 'Images',
  characters: 'Characters',
  seconds: 'Seconds',
  usage_bytes: 'Storage',
  num_sessions: 'Sessions',
  amount: 'Cost',
  quantity: 'Quantity',
};

const DIMENSION_LABELS: Readonly<Record<Dimension, string>> = {
  project_id: 'Project',
  user_id: 'User',
  api_key_id: 'API key',
  model: 'Model',
  batch: 'Batch',
  service_tier: 'Service tier',
  size: 'Size',
  source: 'Source',
  line_item: 'Line item',
  vector_store_id: 'Vector store',
  context_level: 'Context level',
};

export const WIDTH_LABELS: Readonly<Record<BucketWidth, string>> = { '1m': 'Minute', '1h': 'Hour', '1d': 'Day' };

export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric.replace(/_/g, ' ');
}

export function dimensionLabel(dim: Dimension): string {
  return DIMENSION_LABELS[dim];
}

/** usage_bytes is a level (storage in use), not a flow: summing it over time means nothing. */
export function isLevelMetric(metric: string): boolean {
  return metric === 'usage_bytes';
}

/** A bucket's start as shown: the UTC day for day buckets, with the UTC time for shorter ones. */
export function bucketLabel(startTime: number, width: BucketWidth): string {
  return width === '1d' ? isoDate(startTime) : isoMinute(startTime);
}

/** ISO 8601 in UTC ('2025-01-31T00:00:00Z'), for exports. */
export function isoTime(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

const PLAIN = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567" for tables. */
export function formatNumber(value: number): string {
  return PLAIN.format(value);
}

/** A metric's value as shown in a table or tooltip. */
export function formatMetric(metric: string, value: number, currency: string): string {
  if (metric === 'amount') return formatMoney(value, currency);
  if (metric === 'usage_bytes') return formatBytes(value);
  return formatNumber(value);
}

const SHARE = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** A fraction as a percentage: 0.4213 → "42.1%". */
export function formatShare(fraction: number): string {
  return SHARE.format(fraction);
}
