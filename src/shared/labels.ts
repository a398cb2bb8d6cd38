// Words and number formats of the dashboard. Pure: used by the webview for display and by the host
// for export headers, so a column is called the same thing on screen and in the CSV.
import * as l10n from '@vscode/l10n';
import type { BucketWidth, Dimension } from './endpoints';
// Money, counts and bytes look as in the status bar and tree (usage/format.ts).
import { formatBytes, formatDecimal, formatMoney, getDisplayLocale } from './format';
import { isoDate, isoMinute } from './time';

// The words are made when asked for (not at module load), so they come from the bundle
// configured at start-up (the host's activate, the CLI, the webview).
function metricLabels(): Readonly<Record<string, string>> {
  return {
    input_tokens: l10n.t('Input tokens'),
    output_tokens: l10n.t('Output tokens'),
    input_cached_tokens: l10n.t('Cached input tokens'),
    input_cache_write_tokens: l10n.t('Cache-write input tokens'),
    input_uncached_tokens: l10n.t('Uncached input tokens'),
    input_text_tokens: l10n.t('Input text tokens'),
    output_text_tokens: l10n.t('Output text tokens'),
    input_cached_text_tokens: l10n.t('Cached input text tokens'),
    input_audio_tokens: l10n.t('Input audio tokens'),
    input_cached_audio_tokens: l10n.t('Cached input audio tokens'),
    output_audio_tokens: l10n.t('Output audio tokens'),
    input_image_tokens: l10n.t('Input image tokens'),
    input_cached_image_tokens: l10n.t('Cached input image tokens'),
    output_image_tokens: l10n.t('Output image tokens'),
    num_model_requests: l10n.t('Requests'),
    num_requests: l10n.t('Calls'),
    images: l10n.t('Images'),
    characters: l10n.t('Characters'),
    seconds: l10n.t('Seconds'),
    usage_bytes: l10n.t('Storage'),
    num_sessions: l10n.t('Sessions'),
    amount: l10n.t('Cost'),
    quantity: l10n.t('Quantity'),
  };
}

function dimensionLabels(): Readonly<Record<Dimension, string>> {
  return {
    project_id: l10n.t('Project'),
    user_id: l10n.t('User'),
    api_key_id: l10n.t('API key'),
    model: l10n.t('Model'),
    batch: l10n.t('Batch'),
    service_tier: l10n.t('Service tier'),
    size: l10n.t('Size'),
    source: l10n.t('Source'),
    line_item: l10n.t('Line item'),
    vector_store_id: l10n.t('Vector store'),
    context_level: l10n.t('Context level'),
  };
}

/** A bucket width's name ("Day"); read when shown, so it is in the display language. */
export const WIDTH_LABELS: Readonly<Record<BucketWidth, string>> = {
  get '1m'() {
    return l10n.t('Minute');
  },
  get '1h'() {
    return l10n.t('Hour');
  },
  get '1d'() {
    return l10n.t('Day');
  },
};

// The same words as they stand inside a sentence ("No input tokens …", "Cached input tokens (of
// input tokens)"). Their own messages, never the labels lower-cased in code: casing and
// inflection in a sentence are the translation's, and only English lower-cases a noun this way.
function metricWordsInSentence(): Readonly<Record<string, string>> {
  return {
    input_tokens: l10n.t('input tokens'),
    output_tokens: l10n.t('output tokens'),
    input_cached_tokens: l10n.t('cached input tokens'),
    input_cache_write_tokens: l10n.t('cache-write input tokens'),
    input_uncached_tokens: l10n.t('uncached input tokens'),
    input_text_tokens: l10n.t('input text tokens'),
    output_text_tokens: l10n.t('output text tokens'),
    input_cached_text_tokens: l10n.t('cached input text tokens'),
    input_audio_tokens: l10n.t('input audio tokens'),
    input_cached_audio_tokens: l10n.t('cached input audio tokens'),
    output_audio_tokens: l10n.t('output audio tokens'),
    input_image_tokens: l10n.t('input image tokens'),
    input_cached_image_tokens: l10n.t('cached input image tokens'),
    output_image_tokens: l10n.t('output image tokens'),
    num_model_requests: l10n.t('requests'),
    num_requests: l10n.t('calls'),
    images: l10n.t('images'),
    characters: l10n.t('characters'),
    seconds: l10n.t('seconds'),
    usage_bytes: l10n.t('storage'),
    num_sessions: l10n.t('sessions'),
    amount: l10n.t('cost'),
    quantity: l10n.t('quantity'),
  };
}

// A grouping as the phrase that ends a title or caption ("Input tokens per day by API key").
function dimensionPhrases(): Readonly<Record<Dimension, string>> {
  return {
    project_id: l10n.t('by project'),
    user_id: l10n.t('by user'),
    api_key_id: l10n.t('by API key'),
    model: l10n.t('by model'),
    batch: l10n.t('by batch'),
    service_tier: l10n.t('by service tier'),
    size: l10n.t('by size'),
    source: l10n.t('by source'),
    line_item: l10n.t('by line item'),
    vector_store_id: l10n.t('by vector store'),
    context_level: l10n.t('by context level'),
  };
}

export function metricLabel(metric: string): string {
  const labels = metricLabels();
  return (Object.hasOwn(labels, metric) ? labels[metric] : undefined) ?? metric.replace(/_/g, ' ');
}

export function dimensionLabel(dim: Dimension): string {
  return dimensionLabels()[dim];
}

/** A metric's name inside a sentence ("input tokens" in "No input tokens …"), never a label lower-cased. */
export function metricInSentence(metric: string): string {
  const words = metricWordsInSentence();
  return (Object.hasOwn(words, metric) ? words[metric] : undefined) ?? metric.replace(/_/g, ' ');
}

/** A grouping as a phrase of its own ("by API key"), so the preposition and the case are the translation's. */
export function dimensionPhrase(dim: Dimension): string {
  return dimensionPhrases()[dim];
}

/** A bucket width inside a sentence ("hour" in "Input tokens per hour"), never WIDTH_LABELS lower-cased. */
export function widthInSentence(width: BucketWidth): string {
  switch (width) {
    case '1m':
      return l10n.t('minute');
    case '1h':
      return l10n.t('hour');
    case '1d':
      return l10n.t('day');
  }
}

/**
 * A usage chart's title: "Input tokens per hour", "Input tokens per hour by API key". Each piece is
 * its own in-sentence message, so a translation reads "Eingabe-Token pro Stunde nach API-Schlüssel".
 */
export function chartTitle(metric: string, width: BucketWidth, groupBy: Dimension | 'none'): string {
  return groupBy === 'none'
    ? l10n.t('{0} per {1}', metricLabel(metric), widthInSentence(width))
    : l10n.t('{0} per {1} {2}', metricLabel(metric), widthInSentence(width), dimensionPhrase(groupBy));
}

/** A usage table's caption: "Completions, … UTC", "Completions by API key, … UTC". */
export function usageCaption(title: string, groupBy: Dimension | 'none', range: string): string {
  return groupBy === 'none' ? l10n.t('{0}, {1}', title, range) : l10n.t('{0} {1}, {2}', title, dimensionPhrase(groupBy), range);
}

/** A token breakdown's row: "Cached input tokens (of input tokens)". */
export function breakdownRowLabel(metric: string, of: string): string {
  return l10n.t('{0} (of {1})', metricLabel(metric), metricInSentence(of));
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

/** 1234567 → "1,234,567" for tables (in the display locale: "1.234.567" in German). */
export function formatNumber(value: number): string {
  return formatDecimal(value, 2);
}

/** A metric's value as shown in a table or tooltip. */
export function formatMetric(metric: string, value: number, currency: string): string {
  if (metric === 'amount') return formatMoney(value, currency);
  if (metric === 'usage_bytes') return formatBytes(value);
  return formatNumber(value);
}

let share: { readonly locale: string; readonly format: Intl.NumberFormat } | undefined;

/** A fraction as a percentage: 0.4213 → "42.1%" (in the display locale: "42,1 %" in German). */
export function formatShare(fraction: number): string {
  const locale = getDisplayLocale();
  if (share?.locale !== locale) share = { locale, format: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }) };
  return share.format.format(fraction);
}
