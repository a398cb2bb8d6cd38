// The display locale of src/shared/format.ts: German digits, separators and currency placement;
// UTC stays UTC; an unknown locale (or none) is the exact en-US text every other test asserts.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  formatBytes,
  formatCount,
  formatInteger,
  formatMoney,
  formatPercent,
  formatQuantity,
  formatRelativeTime,
  formatUtcTime,
  getDisplayLocale,
  setDisplayLocale,
} from '../../src/shared/format';
import { formatNumber, formatShare } from '../../src/shared/labels';
import { formatLocalTime, groupedEnUs } from '../../src/shared/format';
import fc from 'fast-check';

/** Intl separates with no-break spaces; compared as plain spaces. */
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');
const at = Date.UTC(2026, 10, 23, 14, 37);

function english(): string[] {
  return [
    formatMoney(1234.5, 'usd'),
    formatMoney(-3.2, 'usd'),
    formatMoney(-1234.5, 'eur'),
    formatMoney(1234, 'jpy'),
    formatCount(1234),
    formatCount(123_456_789),
    formatInteger(1_234_567),
    formatPercent(7.25),
    formatBytes(2_100_000_000),
    formatUtcTime(at),
    formatQuantity(3.5, 'gibibyte_hours'),
  ];
}

const ENGLISH = ['$1,234.50', '-$3.20', '-1,234.50 EUR', '1,234 JPY', '1.2K', '123M', '1,234,567', '7.3%', '2.1 GB', '2026-11-23 14:37 UTC', '3.5 GiB-hours'];

describe('display locale', () => {
  afterEach(() => setDisplayLocale(undefined));

  it('defaults to en-US, with the historical text', () => {
    assert.equal(getDisplayLocale(), 'en-US');
    assert.deepEqual(english(), ENGLISH);
  });

  it('formats money, counts, percentages and sizes in German', () => {
    assert.equal(setDisplayLocale('de-DE'), 'de-DE');
    assert.equal(plain(formatMoney(1234.5, 'usd')), '1.234,50 $');
    assert.equal(plain(formatMoney(-1234.5, 'eur')), '-1.234,50 €');
    assert.equal(plain(formatMoney(1234.4, 'jpy')), '1.234 ¥');
    assert.equal(plain(formatMoney(-0.001, 'usd')), '0,00 $', 'no negative zero');
    assert.equal(plain(formatMoney(5, 'not-a-code')), '5,00 NOT-A-CODE');
    assert.equal(formatInteger(1_234_567), '1.234.567');
    // German has no short form for thousands: the whole number, never rounded to "1230".
    assert.equal(formatCount(1234), '1.234');
    assert.equal(plain(formatCount(1_234_567)), '1,2 Mio.');
    assert.equal(plain(formatCount(123_456_789)), '123 Mio.');
    assert.equal(plain(formatPercent(7.25)), '7,3 %');
    assert.equal(plain(formatPercent(83.4)), '83 %');
    assert.equal(formatBytes(2_100_000_000), '2,1 GB');
    assert.equal(formatQuantity(3.5, 'gibibyte_hours'), '3,5 GiB-hours');
    // The table cells and shares of src/shared/labels.ts follow the same locale.
    assert.equal(formatNumber(1_234_567.125), '1.234.567,13');
    assert.equal(plain(formatShare(0.4213)), '42,1 %');
    setDisplayLocale(undefined);
    assert.equal(formatNumber(1_234_567.125), '1,234,567.13');
    assert.equal(formatShare(0.4213), '42.1%');
  });

  it('keeps UTC times in UTC, in the locale’s own order', () => {
    setDisplayLocale('de');
    assert.equal(formatUtcTime(at), '23.11.2026, 14:37 UTC');
    setDisplayLocale('en-GB');
    assert.equal(formatUtcTime(at), '23/11/2026, 14:37 UTC');
  });

  it('takes VS Code language ids', () => {
    assert.equal(setDisplayLocale('pt-br'), 'pt-BR');
    assert.equal(plain(formatMoney(1234.5, 'usd')), 'US$ 1.234,50');
    assert.equal(setDisplayLocale('zh-cn'), 'zh-CN');
    assert.equal(formatInteger(1234), '1,234');
  });

  it('falls back to en-US for English, no locale, C/POSIX and anything Intl does not know, without throwing', () => {
    for (const bad of ['en', '', '   ', 'C', 'POSIX', 'qps-ploc', 'xx-YY', 'not a locale', '!!', undefined]) {
      setDisplayLocale('de');
      assert.equal(setDisplayLocale(bad), 'en-US', String(bad));
      assert.deepEqual(english(), ENGLISH, String(bad));
    }
  });

  it('says relative times with locale digits', () => {
    setDisplayLocale('de');
    assert.equal(formatRelativeTime(at - 1500 * 86_400_000, at), '1.500 days ago');
    setDisplayLocale(undefined);
    assert.equal(formatRelativeTime(at - 1500 * 86_400_000, at), '1500 days ago');
  });
});

describe('en-US by hand', () => {
  it('groups and rounds exactly as Intl en-US does (property test, and the edges)', () => {
    const intl = (v: number, d: number): string => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
    for (const v of [0, 0.005, 0.015, 0.125, -0.125, 1.005, 2.675, 999.995, 999_999.995, -0.001, -1234.5, 1e14 + 0.5, 123_456_789.123, 5e-324]) {
      for (const d of [0, 1, 2, 3]) assert.equal(groupedEnUs(v, d), intl(v, d), `${v} with ${d} digits`);
    }
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 3 }), (v, d) => groupedEnUs(v, d) === intl(v, d)),
      { numRuns: 20_000 },
    );
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 2 }), (cents, d) => groupedEnUs(cents / 100, d) === intl(cents / 100, d)), { numRuns: 20_000 });
  });
});

describe('en-US local time by hand', () => {
  it("is the text toLocaleString gives in en-US, in this machine's time zone", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => formatLocalTime(ms) === new Date(ms).toLocaleString('en-US')),
      { numRuns: 20_000 },
    );
    for (const ms of [Date.UTC(2026, 0, 5, 0, 7, 9), Date.UTC(2026, 11, 25, 12, 0, 0), Date.UTC(2026, 5, 30, 23, 59, 59)]) assert.equal(formatLocalTime(ms), new Date(ms).toLocaleString('en-US'));
  });
});
