import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord, csvTextField, escapeCsvField, neutraliseFormula, startsLikeFormula } from '../../../shared/csv';

const strictParse = (text: string) =>
  parseCsv(text, { record_delimiter: ['\r\n'], relax_quotes: false, relax_column_count: false, skip_empty_lines: false }) as string[][];

describe('escapeCsvField (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line\r\nbreak', '"line\r\nbreak"'],
    ['lf\nonly', '"lf\nonly"'],
    ['cr\ronly', '"cr\ronly"'],
    ['tab\tis fine', 'tab\tis fine'],
    [' spaces kept ', ' spaces kept '],
    ['😀 مرحبا', '😀 مرحبا'],
  ])('writes %j as %j', (input, expected) => {
    expect(escapeCsvField(input)).toBe(expected);
  });

  it('round-trips any text through a strict RFC 4180 parser', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), fc.array(fc.constantFrom(',', '"', '\r', '\n', '\r\n', '""')), (fields, specials) => {
        const withSpecials = fields.map((field, i) => field + (specials[i] ?? ''));
        const record = csvRecord(withSpecials.map(escapeCsvField));
        // A lone empty field is an empty line, which a CSV reader cannot tell from no record.
        fc.pre(!(withSpecials.length === 1 && withSpecials[0] === ''));
        expect(strictParse(record)).toEqual([withSpecials]);
      }),
    );
  });
});

describe('neutraliseFormula (OWASP CSV injection)', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '=', '-'])('prefixes a single quote to %j', (text) => {
    expect(startsLikeFormula(text)).toBe(true);
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it.each(['', 'text', ' =1+1', "'=1", '\n=1', '1+1', '＝1', 'a=b'])('leaves %j as it is', (text) => {
    expect(startsLikeFormula(text)).toBe(false);
    expect(neutraliseFormula(text)).toBe(text);
  });

  it('looks at the first character only and changes nothing after it', () => {
    fc.assert(
      fc.property(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string(), (trigger, rest) => {
        expect(neutraliseFormula(trigger + rest)).toBe(`'${trigger}${rest}`);
      }),
    );
  });
});

describe('csvTextField', () => {
  it('neutralises first, then escapes, so a quoted formula stays text', () => {
    expect(csvTextField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvTextField('\r=1')).toBe('"\'\r=1"');
    expect(csvTextField('-5')).toBe("'-5");
  });
});
