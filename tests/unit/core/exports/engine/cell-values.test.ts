import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CellValueError,
  booleanValue,
  calendarDateText,
  calendarDays,
  excelSerialOfDay,
  excelSerialOfInstant,
  excelSerialText,
  formatIsoInstant,
  instantMs,
  instantText,
  integerText,
  numberText,
  parseIsoInstant,
  textValue,
} from '../../../../../main/core/exports/engine/cell-values';

// Date.UTC maps years 0..99 to 1900..1999, so year 0 is set explicitly.
const yearZero = new Date(0);
yearZero.setUTCFullYear(0, 0, 1);

describe('datetime cells', () => {
  it('formats epoch milliseconds exactly as Date#toISOString for every four-digit year', () => {
    fc.assert(
      fc.property(fc.integer({ min: yearZero.getTime(), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(formatIsoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
    );
  });

  it('parses the ISO-8601 forms with a zone, the same instant as Date.parse', () => {
    for (const text of [
      '2024-03-31T01:30:00.000Z',
      '2024-03-31T01:30:00Z',
      '2024-03-31T01:30Z',
      '2024-03-31T03:30:00.000+02:00',
      '2024-03-30T20:00:00.5-05:30',
      '2024-02-29T23:59:59.999Z',
    ]) {
      expect(parseIsoInstant(text)).toBe(Date.parse(text));
    }
  });

  it('keeps milliseconds and drops finer digits', () => {
    expect(parseIsoInstant('2024-01-01T00:00:00.123456789Z')).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 123));
  });

  it.each([
    '2024-02-30T00:00:00Z', // no such day (Date.parse rolls it into March)
    '2023-02-29T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:00', // no zone: which one?
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00:00+0200',
    '2024-01-01',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeNaN();
    expect(() => instantMs(text)).toThrow(CellValueError);
  });

  it('takes a Date, epoch milliseconds or text, and refuses other values and years past 9999', () => {
    const at = Date.UTC(2024, 5, 1, 12);
    expect(instantText(new Date(at))).toBe('2024-06-01T12:00:00.000Z');
    expect(instantText(at)).toBe('2024-06-01T12:00:00.000Z');
    expect(instantText('2024-06-01T14:00:00+02:00')).toBe('2024-06-01T12:00:00.000Z');
    expect(() => instantMs(new Date(Number.NaN))).toThrow(CellValueError);
    expect(() => instantMs(Date.UTC(10000, 0, 1))).toThrow(CellValueError);
    expect(() => instantMs(true)).toThrow(CellValueError);
  });

  it('gives the Excel serial of the 1900 date system, and none before 1900-03-01', () => {
    expect(excelSerialOfInstant(Date.UTC(2024, 0, 1))).toBe(45_292);
    expect(excelSerialOfInstant(Date.UTC(2024, 0, 1, 12))).toBe(45_292.5);
    expect(excelSerialOfInstant(Date.UTC(1900, 2, 1))).toBe(61);
    expect(excelSerialOfInstant(Date.UTC(1900, 1, 28))).toBeNull();
  });

  it('writes a serial as text that reads back as exactly the same number, without trailing zeros', () => {
    expect(excelSerialText(45_292)).toBe('45292');
    expect(excelSerialText(45_292.5)).toBe('45292.5');
    expect(excelSerialText(45_292.25)).toBe('45292.25');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 2, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        const serial = excelSerialOfInstant(ms) as number;
        const text = excelSerialText(serial);
        expect(Number(text)).toBe(serial);
        expect(text).toMatch(/^\d+(\.\d*[1-9])?$/);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('date cells', () => {
  it('takes YYYY-MM-DD or a Date (its UTC day), and refuses impossible days', () => {
    expect(calendarDateText('2024-02-29')).toBe('2024-02-29');
    expect(calendarDateText(new Date(Date.UTC(2024, 11, 31, 23, 59)))).toBe('2024-12-31');
    expect(excelSerialOfDay(calendarDays('2024-01-01'))).toBe(45_292);
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '2024-01-01T00:00:00Z', 20240101]) {
      expect(() => calendarDays(bad)).toThrow(CellValueError);
    }
  });
});

describe('number, integer, boolean and text cells', () => {
  it('writes numbers as decimal text and refuses NaN and Infinity', () => {
    expect(numberText(-0.25)).toBe('-0.25');
    expect(numberText(-0)).toBe('0');
    expect(numberText(1e21)).toBe('1e+21');
    expect(numberText(12n)).toBe('12');
    expect(() => numberText(Number.NaN)).toThrow(CellValueError);
    expect(() => numberText(Number.POSITIVE_INFINITY)).toThrow(CellValueError);
    expect(() => numberText('12')).toThrow(CellValueError);
  });

  it('takes safe integers and bigints as integers, and nothing fractional', () => {
    expect(integerText(42)).toBe('42');
    expect(integerText(2n ** 70n)).toBe('1180591620717411303424');
    expect(() => integerText(1.5)).toThrow(CellValueError);
    expect(() => integerText(2 ** 53)).toThrow(CellValueError);
  });

  it("takes true/false and SQLite's 1/0 as booleans", () => {
    expect([true, 1, false, 0].map(booleanValue)).toEqual([true, true, false, false]);
    expect(() => booleanValue('true')).toThrow(CellValueError);
    expect(() => booleanValue(2)).toThrow(CellValueError);
  });

  it('writes numbers and booleans in a text column as text, and refuses objects', () => {
    expect(textValue(7)).toBe('7');
    expect(textValue(false)).toBe('false');
    expect(() => textValue({})).toThrow(CellValueError);
    expect(() => textValue(new Date())).toThrow(CellValueError);
  });
});
