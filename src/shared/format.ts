// Display formatting. Numbers are rounded here and only here; every sum upstream keeps full
// precision. Output is locale-independent (en-US digits) so status bar text and tests are stable.

const fractionDigitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO-4217 code (2 for USD/EUR, 0 for JPY); 2 when Intl does not know it. */
function fractionDigits(code: string): number {
  let digits = fractionDigitsCache.get(code);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigitsCache.set(code, digits);
  }
  return digits;
}

function grouped(value: number, digits: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * Money in the currency the API reports: "usd" → "$1,234.56"; any other code → "1,234.56 EUR"
 * with that currency's minor units; an unknown or malformed code is shown as given, uppercased.
 */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.trim().toUpperCase();
  const value = Object.is(amount, -0) ? 0 : amount;
  if (code === 'USD' || code === '') {
    const text = grouped(Math.abs(value), 2);
    // Negative zero after rounding ("-$0.00") is noise; show "$0.00".
    return value < 0 && text !== '0.00' ? `-$${text}` : `$${text}`;
  }
  const text = grouped(value, /^[A-Z]{3}$/.test(code) ? fractionDigits(code) : 2);
  return `${text === '-0.00' || text === '-0' ? text.slice(1) : text} ${code}`;
}

const UNITS: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** Compact count: 950 → "950", 1 234 → "1.2K", 1 234 567 → "1.2M", 123 456 789 → "123M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  // Counts are whole: round first so 999.6 reads "1K", not "1000".
  const abs = Math.round(Math.abs(n));
  if (abs < 1000) return sign + String(abs);
  for (let i = 0; i < UNITS.length; i++) {
    const [size, unit] = UNITS[i] as [number, string];
    if (abs < size) continue;
    const scaled = abs / size;
    const text = scaled < 100 ? scaled.toFixed(1).replace(/\.0$/, '') : scaled.toFixed(0);
    // 999 950 rounds to "1000K": say "1M" instead.
    if (text === '1000' && i > 0) {
      const [, bigger] = UNITS[i - 1] as [number, string];
      return `${sign}1${bigger}`;
    }
    return `${sign}${text}${unit}`;
  }
  return sign + String(abs);
}

/** A whole number with thousands separators: 1234567 → "1,234,567". */
export function formatInteger(n: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(n);
}

/** Bytes in decimal units, as the API bills storage: 2 100 000 000 → "2.1 GB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(value) : value.toFixed(value < 10 ? 1 : 0)} ${units[i] ?? 'B'}`;
}

/** A percentage: 83.4 → "83%", 7.25 → "7.3%" (one decimal under 10). */
export function formatPercent(percent: number): string {
  const abs = Math.abs(percent);
  return `${abs < 10 && abs !== 0 ? percent.toFixed(1).replace(/\.0$/, '') : Math.round(percent)}%`;
}

/** "2026-11-23 14:37 UTC" for a time in ms. */
export function formatUtcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long ago `ms` was, from `nowMs`: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatRelativeTime(ms: number, nowMs: number): string {
  const seconds = Math.round((nowMs - ms) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** Cost quantities' units (the Costs API's `quantity_unit`), as words: a factor to the base unit. */
const QUANTITY_UNITS: Readonly<Record<string, { readonly factor: number; readonly one: string; readonly many: string }>> = {
  tokens: { factor: 1, one: 'token', many: 'tokens' },
  // Counted in thousands: shown as tokens, so 1 200 of them reads "1.2M tokens".
  '1000_tokens': { factor: 1000, one: 'token', many: 'tokens' },
  duration_seconds: { factor: 1, one: 'second', many: 'seconds' },
  duration_minutes: { factor: 1, one: 'minute', many: 'minutes' },
  duration_hours: { factor: 1, one: 'hour', many: 'hours' },
  gibibyte_hours: { factor: 1, one: 'GiB-hour', many: 'GiB-hours' },
  images: { factor: 1, one: 'image', many: 'images' },
  characters: { factor: 1, one: 'character', many: 'characters' },
};

/** The human name of a quantity unit ("GiB-hours"); an unknown one with its underscores spaced. */
export function quantityUnitLabel(unit: string): string {
  return QUANTITY_UNITS[unit]?.many ?? unit.replace(/_/g, ' ');
}

/**
 * A cost's quantity with its unit: "1.2M tokens", "3.5 GiB-hours", "12 images". Fractions (hours,
 * GiB-hours) keep one or two decimals; no unit: the number alone.
 */
export function formatQuantity(quantity: number, unit: string | undefined): string {
  if (!Number.isFinite(quantity)) return String(quantity);
  const u = unit ? QUANTITY_UNITS[unit] : undefined;
  const n = quantity * (u?.factor ?? 1);
  const abs = Math.abs(n);
  const text = abs >= 1000 ? formatCount(n) : new Intl.NumberFormat('en-US', { maximumFractionDigits: abs < 10 ? 2 : 1 }).format(n);
  if (!unit) return text;
  if (!u) return `${text} ${unit.replace(/_/g, ' ')}`;
  return `${text} ${n === 1 ? u.one : u.many}`;
}
