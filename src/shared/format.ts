// Display formatting. Numbers are rounded here and only here; every sum upstream keeps full
// precision. Output follows the display locale (setDisplayLocale: VS Code's language in the host
// and the webview, the terminal's locale in the CLI); the default, en-US, is the exact text the
// status bar and the tests have always had ("$1,234.56", "1.2K", "83%", "2026-11-23 14:37 UTC").
// UTC days stay UTC days in every locale.
import * as l10n from '@vscode/l10n';

const DEFAULT_LOCALE = 'en-US';
let displayLocale = DEFAULT_LOCALE;

/** The locale in effect is the default one: every formatter keeps its historical en-US text. */
function isDefault(): boolean {
  return displayLocale === DEFAULT_LOCALE;
}

/**
 * Sets the locale numbers, money and times are shown in: a BCP 47 tag or VS Code's language id
 * ("de", "pt-br", "zh-cn"). Undefined, empty, "en", "C"/"POSIX", or a tag Intl does not know
 * (such as the pseudo-locale "qps-ploc") means en-US; never throws. Returns the locale in effect.
 */
export function setDisplayLocale(locale: string | undefined): string {
  displayLocale = resolveLocale(locale);
  fractionDigitsCache.clear();
  numberFormats.clear();
  return displayLocale;
}

/**
 * One Intl.NumberFormat per locale and options, made once: building one costs far more than
 * formatting with it, and the status bar formats dozens of figures at each render.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(displayLocale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** The locale formatting uses now (en-US unless setDisplayLocale chose another). */
export function getDisplayLocale(): string {
  return displayLocale;
}

function resolveLocale(locale: string | undefined): string {
  const raw = locale?.trim();
  // English (VS Code's default "en") without asking Intl: its first call loads the locale data,
  // several milliseconds on the activation path for the text we already write by hand.
  if (!raw || /^(c|posix|en|en-us)$/i.test(raw)) return DEFAULT_LOCALE;
  try {
    const [canonical] = Intl.getCanonicalLocales(raw);
    if (!canonical) return DEFAULT_LOCALE;
    const [supported] = Intl.NumberFormat.supportedLocalesOf([canonical]);
    if (!supported) return DEFAULT_LOCALE;
    // VS Code's English is "en": the same text as en-US.
    return supported === 'en' ? DEFAULT_LOCALE : supported;
  } catch {
    return DEFAULT_LOCALE;
  }
}

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
  // en-US by hand (the same text, tested against Intl): the first Intl formatter of a process
  // loads the locale data, several milliseconds on the path to the first status text.
  if (isDefault() && Math.abs(value) < 1e15) return groupedEnUs(value, digits);
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * `value` with `digits` decimals and comma thousands separators, as Intl's en-US formats it: from
 * the shortest decimal text of the number (String(v)), rounded half away from zero.
 */
export function groupedEnUs(value: number, digits: number): string {
  const plain = String(Math.abs(value));
  if (plain.includes('e') || !Number.isFinite(value)) return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  const dot = plain.indexOf('.');
  let whole = dot < 0 ? plain : plain.slice(0, dot);
  let frac = dot < 0 ? '' : plain.slice(dot + 1);
  if (frac.length > digits) {
    const up = frac.charCodeAt(digits) >= 53; // '5' or more: away from zero
    frac = frac.slice(0, digits);
    if (up) {
      const all = (whole + frac).split('');
      let i = all.length - 1;
      for (; i >= 0; i--) {
        if (all[i] === '9') all[i] = '0';
        else {
          all[i] = String.fromCharCode((all[i] as string).charCodeAt(0) + 1);
          break;
        }
      }
      const joined = (i < 0 ? '1' : '') + all.join('');
      whole = joined.slice(0, joined.length - digits);
      frac = joined.slice(joined.length - digits);
    }
  }
  frac = frac.padEnd(digits, '0');
  let text = '';
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) text += ',';
    text += whole[i];
  }
  return (value < 0 || Object.is(value, -0) ? '-' : '') + text + (digits > 0 ? `.${frac}` : '');
}

/** Zero once rounded to `digits` (so "-0.00" never shows). */
function roundsToZero(value: number, digits: number): boolean {
  return Math.abs(value) < 0.5 * 10 ** -digits;
}

/**
 * Money in the currency the API reports: "usd" → "$1,234.56"; any other code → "1,234.56 EUR"
 * with that currency's minor units; an unknown or malformed code is shown as given, uppercased.
 * In another display locale, the locale's own digits, separators and currency placement
 * ("1.234,56 $" in German).
 */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.trim().toUpperCase();
  const value = Object.is(amount, -0) ? 0 : amount;
  if (!isDefault()) {
    const known = code === '' || /^[A-Z]{3}$/.test(code);
    const iso = code === '' ? 'USD' : code;
    const digits = known ? fractionDigits(iso) : 2;
    const shown = roundsToZero(value, digits) ? 0 : value;
    if (known) {
      try {
        return numberFormat({ style: 'currency', currency: iso, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(shown);
      } catch {
        // Not a currency Intl takes: the number and the code, as below.
      }
    }
    return `${grouped(shown, digits)} ${code}`;
  }
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

/**
 * Compact count: 950 → "950", 1 234 → "1.2K", 1 234 567 → "1.2M", 123 456 789 → "123M". In
 * another display locale, that locale's compact form ("1,2 Mio.").
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!isDefault()) {
    // One decimal under 100 of a unit, none above, as the English form has it.
    // (roundingPriority is in every runtime we ship to, not yet in TypeScript's lib.)
    const options = { notation: 'compact', maximumSignificantDigits: 3, maximumFractionDigits: 1, roundingPriority: 'lessPrecision' } as Intl.NumberFormatOptions;
    const parts = numberFormat(options).formatToParts(Math.round(n));
    // A locale with no short form at this size (German thousands): the whole number, not rounded.
    return parts.some((p) => p.type === 'compact') ? parts.map((p) => p.value).join('') : formatInteger(n);
  }
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

/** A whole number with thousands separators: 1234567 → "1,234,567" ("1.234.567" in German). */
export function formatInteger(n: number): string {
  return numberFormat({ maximumFractionDigits: 0 }).format(n);
}

/** A number with at most `digits` decimals, in the display locale ("3.5", "3,5"); `grouping` false: no thousands separators. */
export function formatDecimal(n: number, digits: number, grouping = true): string {
  return numberFormat({ maximumFractionDigits: digits, useGrouping: grouping }).format(n);
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
  const digits = i === 0 ? 0 : value < 10 ? 1 : 0;
  const text = isDefault() ? `${i === 0 ? Math.round(value) : value.toFixed(digits)}` : grouped(i === 0 ? Math.round(value) : value, digits);
  return `${text} ${units[i] ?? 'B'}`;
}

/** A percentage: 83.4 → "83%", 7.25 → "7.3%" (one decimal under 10); "83 %" in German. */
export function formatPercent(percent: number): string {
  const abs = Math.abs(percent);
  if (!isDefault()) {
    return numberFormat({ style: 'percent', maximumFractionDigits: abs < 10 && abs !== 0 ? 1 : 0 }).format(percent / 100);
  }
  return `${abs < 10 && abs !== 0 ? percent.toFixed(1).replace(/\.0$/, '') : Math.round(percent)}%`;
}

/** "2026-11-23 14:37 UTC" for a time in ms; in another display locale its own date and time, still UTC ("23.11.2026, 14:37 UTC"). */
export function formatUtcTime(ms: number): string {
  if (!isDefault()) {
    return `${new Intl.DateTimeFormat(displayLocale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(ms)} UTC`;
  }
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A time in the viewer's own time zone, in the display locale (the dashboard's "Updated …"). */
export function formatLocalTime(ms: number): string {
  // en-US by hand ("12/2/2026, 11:20:31 AM", the text Intl gives, tested against it): the first
  // Intl date formatter of a process loads the locale data, on the path to the first status text.
  if (isDefault()) return localTimeEnUs(new Date(ms));
  return new Date(ms).toLocaleString(displayLocale);
}

function localTimeEnUs(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'Invalid Date';
  const h = d.getHours();
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${two(d.getMinutes())}:${two(d.getSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** How long ago `ms` was, from `nowMs`: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatRelativeTime(ms: number, nowMs: number): string {
  const seconds = Math.round((nowMs - ms) / 1000);
  if (seconds < 0) return l10n.t('in the future');
  if (seconds < 60) return l10n.t('just now');
  const minutes = Math.floor(seconds / 60);
  // Digits of the locale; in en-US the plain number, as always.
  const n = (v: number): string => (isDefault() ? String(v) : formatInteger(v));
  if (minutes < 60) return l10n.t('{0} min ago', n(minutes));
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return l10n.t('{0} h ago', n(hours));
  const days = Math.floor(hours / 24);
  return days === 1 ? l10n.t('1 day ago') : l10n.t('{0} days ago', n(days));
}

/** Cost quantities' units (the Costs API's `quantity_unit`): a factor to the base unit, and the words. */
const QUANTITY_UNITS: Readonly<Record<string, { readonly factor: number; readonly name: () => string; readonly one: (n: string) => string; readonly many: (n: string) => string }>> = {
  tokens: { factor: 1, name: () => l10n.t('tokens'), one: (n) => l10n.t('{0} token', n), many: (n) => l10n.t('{0} tokens', n) },
  // Counted in thousands: shown as tokens, so 1 200 of them reads "1.2M tokens".
  '1000_tokens': { factor: 1000, name: () => l10n.t('tokens'), one: (n) => l10n.t('{0} token', n), many: (n) => l10n.t('{0} tokens', n) },
  duration_seconds: { factor: 1, name: () => l10n.t('seconds'), one: (n) => l10n.t('{0} second', n), many: (n) => l10n.t('{0} seconds', n) },
  duration_minutes: { factor: 1, name: () => l10n.t('minutes'), one: (n) => l10n.t('{0} minute', n), many: (n) => l10n.t('{0} minutes', n) },
  duration_hours: { factor: 1, name: () => l10n.t('hours'), one: (n) => l10n.t('{0} hour', n), many: (n) => l10n.t('{0} hours', n) },
  gibibyte_hours: { factor: 1, name: () => l10n.t('GiB-hours'), one: (n) => l10n.t('{0} GiB-hour', n), many: (n) => l10n.t('{0} GiB-hours', n) },
  images: { factor: 1, name: () => l10n.t('images'), one: (n) => l10n.t('{0} image', n), many: (n) => l10n.t('{0} images', n) },
  characters: { factor: 1, name: () => l10n.t('characters'), one: (n) => l10n.t('{0} character', n), many: (n) => l10n.t('{0} characters', n) },
};

/** The human name of a quantity unit ("GiB-hours"); an unknown one with its underscores spaced. */
export function quantityUnitLabel(unit: string): string {
  return QUANTITY_UNITS[unit]?.name() ?? unit.replace(/_/g, ' ');
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
  const text = abs >= 1000 ? formatCount(n) : formatDecimal(n, abs < 10 ? 2 : 1);
  if (!unit) return text;
  if (!u) return `${text} ${unit.replace(/_/g, ' ')}`;
  return n === 1 ? u.one(text) : u.many(text);
}
