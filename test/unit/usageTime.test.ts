import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DAY_SECONDS,
  addDays,
  alignDown,
  dayStart,
  dayStartOfMs,
  daysBetween,
  daysInMonth,
  eachDay,
  isoDate,
  isoMinute,
  monthStart,
  nextDayStart,
  nextMonthStart,
  parseIsoDate,
  rangeForDays,
  toSeconds,
  weekday,
} from '../../src/shared/time';

const sec = (iso: string): number => Date.parse(iso) / 1000;

describe('UTC day helpers', () => {
  it('puts a time just before midnight UTC in that day and just after in the next', () => {
    const midnight = sec('2026-03-01T00:00:00Z');
    assert.equal(dayStart(midnight - 1), sec('2026-02-28T00:00:00Z'));
    assert.equal(dayStart(midnight), midnight);
    assert.equal(dayStart(midnight + 1), midnight);
    assert.equal(nextDayStart(midnight - 1), midnight);
    assert.equal(nextDayStart(midnight), midnight + DAY_SECONDS);
    assert.equal(dayStartOfMs(Date.parse('2026-02-28T23:59:59.999Z')), sec('2026-02-28T00:00:00Z'));
    assert.equal(isoDate(midnight - 1), '2026-02-28');
    assert.equal(isoDate(midnight), '2026-03-01');
  });

  it('ignores the local time zone', () => {
    // 23:30 UTC is already the next day in UTC+1 and still the same day here: only UTC counts.
    assert.equal(isoDate(sec('2026-06-30T23:30:00Z')), '2026-06-30');
    assert.equal(isoMinute(sec('2026-06-30T23:30:59Z')), '2026-06-30 23:30');
  });

  it('gives the last N UTC days including today, ending at the next midnight', () => {
    const justBefore = Date.parse('2026-11-23T23:59:59.999Z');
    assert.deepEqual(rangeForDays(justBefore, 30), { start: sec('2026-10-25T00:00:00Z'), end: sec('2026-11-24T00:00:00Z') });
    const justAfter = Date.parse('2026-11-24T00:00:00.001Z');
    assert.deepEqual(rangeForDays(justAfter, 1), { start: sec('2026-11-24T00:00:00Z'), end: sec('2026-11-25T00:00:00Z') });
    assert.deepEqual(rangeForDays(justAfter, 7), { start: sec('2026-11-18T00:00:00Z'), end: sec('2026-11-25T00:00:00Z') });
    assert.throws(() => rangeForDays(justAfter, 0), RangeError);
    assert.throws(() => rangeForDays(justAfter, 1.5), RangeError);
  });

  it('finds month starts, lengths and the next month across years and leap years', () => {
    assert.equal(monthStart(sec('2026-03-01T00:00:00Z')), sec('2026-03-01T00:00:00Z'));
    assert.equal(monthStart(sec('2026-02-28T23:59:59Z')), sec('2026-02-01T00:00:00Z'));
    assert.equal(monthStart(sec('2026-03-01T00:00:00Z') - 1), sec('2026-02-01T00:00:00Z'));
    assert.equal(nextMonthStart(sec('2026-12-31T23:59:59Z')), sec('2027-01-01T00:00:00Z'));
    assert.equal(daysInMonth(sec('2024-02-10T00:00:00Z')), 29);
    assert.equal(daysInMonth(sec('2026-02-10T00:00:00Z')), 28);
    assert.equal(daysInMonth(sec('2026-11-30T12:00:00Z')), 30);
    assert.equal(daysInMonth(sec('2026-12-01T00:00:00Z')), 31);
  });

  it('does day arithmetic and lists days', () => {
    const d = sec('2026-11-23T00:00:00Z');
    assert.equal(addDays(d, -1), sec('2026-11-22T00:00:00Z'));
    assert.equal(daysBetween(d, addDays(d, 10)), 10);
    assert.equal(weekday(d), 1); // a Monday
    assert.equal(weekday(sec('2026-11-22T23:59:59Z')), 0); // a Sunday
    assert.deepEqual(eachDay(d + 5, addDays(d, 3)).map(isoDate), ['2026-11-23', '2026-11-24', '2026-11-25']);
    assert.equal(alignDown(d + 3599, 3600), d);
    assert.equal(toSeconds(1999), 1);
  });

  it('parses real ISO dates only', () => {
    assert.equal(parseIsoDate('2026-11-23'), sec('2026-11-23T00:00:00Z'));
    assert.equal(parseIsoDate('2024-02-29'), sec('2024-02-29T00:00:00Z'));
    assert.equal(parseIsoDate('2026-02-29'), undefined);
    assert.equal(parseIsoDate('2026-13-01'), undefined);
    assert.equal(parseIsoDate('23/11/2026'), undefined);
    assert.equal(parseIsoDate(''), undefined);
  });
});
