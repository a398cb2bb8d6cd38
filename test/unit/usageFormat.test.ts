import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatCount,
  formatInteger,
  formatMoney,
  formatPercent,
  formatRelativeTime,
  formatUtcTime,
} from '../../src/shared/format';

describe('formatting', () => {
  it('formats US dollars with a dollar sign and cents', () => {
    assert.equal(formatMoney(12.344, 'usd'), '$12.34');
    assert.equal(formatMoney(12.346, 'USD'), '$12.35');
    assert.equal(formatMoney(1234.5, 'usd'), '$1,234.50');
    assert.equal(formatMoney(0, 'usd'), '$0.00');
    assert.equal(formatMoney(-3.2, 'usd'), '-$3.20');
    assert.equal(formatMoney(-0.001, 'usd'), '$0.00');
    assert.equal(formatMoney(0.004, 'usd'), '$0.00');
  });

  it('formats other currencies as amount and uppercase code, with their minor units', () => {
    assert.equal(formatMoney(12.34, 'eur'), '12.34 EUR');
    assert.equal(formatMoney(1234.5, 'gbp'), '1,234.50 GBP');
    assert.equal(formatMoney(1234.5, 'jpy'), '1,235 JPY');
    assert.equal(formatMoney(12.3, 'xyz'), '12.30 XYZ');
    assert.equal(formatMoney(12.3, 'not-a-code'), '12.30 NOT-A-CODE');
    assert.equal(formatMoney(-0.001, 'eur'), '0.00 EUR');
  });

  it('compacts counts', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(950), '950');
    assert.equal(formatCount(999.6), '1K');
    assert.equal(formatCount(1000), '1K');
    assert.equal(formatCount(1234), '1.2K');
    assert.equal(formatCount(12_345), '12.3K');
    assert.equal(formatCount(123_456), '123K');
    assert.equal(formatCount(999_960), '1M');
    assert.equal(formatCount(1_234_567), '1.2M');
    assert.equal(formatCount(2_500_000_000), '2.5B');
    assert.equal(formatCount(-1500), '-1.5K');
    assert.equal(formatInteger(1234567), '1,234,567');
  });

  it('formats bytes and percentages', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(2_100_000_000), '2.1 GB');
    assert.equal(formatBytes(14_000_000_000), '14 GB');
    assert.equal(formatPercent(83.4), '83%');
    assert.equal(formatPercent(7.25), '7.3%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(120), '120%');
  });

  it('formats times in UTC and relative to now', () => {
    const now = Date.parse('2026-11-23T14:37:12Z');
    assert.equal(formatUtcTime(now), '2026-11-23 14:37 UTC');
    assert.equal(formatRelativeTime(now - 10_000, now), 'just now');
    assert.equal(formatRelativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(formatRelativeTime(now - 3 * 3_600_000, now), '3 h ago');
    assert.equal(formatRelativeTime(now - 26 * 3_600_000, now), '1 day ago');
    assert.equal(formatRelativeTime(now - 72 * 3_600_000, now), '3 days ago');
    assert.equal(formatRelativeTime(now + 60_000, now), 'in the future');
  });
});
