import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvTextField } from '../../../../../shared/csv';
import { formatIsoInstant } from '../../../../../main/core/exports/engine/cell-values';
import { prepareColumns } from '../../../../../main/core/exports/engine/columns';
import { createCsvEncoder } from '../../../../../main/core/exports/engine/csv-encoder';
import type { ExportColumn } from '../../../../../main/core/exports/engine/types';

/**
 * The CSV encoder builds each record as one string: it must be exactly the fields, each made
 * on its own (text neutralised and quoted by csvTextField), joined by commas and ended by CRLF,
 * whether the row's keys are in column order (read with one for-in loop) or not.
 */
interface Row {
  a: string | null;
  n: number | null;
  i: number | null;
  ok: boolean | number | null;
  at: string | null;
  day: string | null;
  b: string | null;
}

const columns: ExportColumn<Row>[] = [
  { key: 'a', header: '=A', type: 'string' },
  { key: 'n', header: 'N', type: 'number' },
  { key: 'i', header: 'I', type: 'integer' },
  { key: 'ok', header: 'OK', type: 'boolean' },
  { key: 'at', header: 'At', type: 'datetime' },
  { key: 'day', header: 'Day', type: 'date' },
  { key: 'b', header: 'B, "quoted"', type: 'string' },
];

const awkward = fc.constantFrom('"', ',', '\r', '\n', '\r\n', '\t', '=', '+', '-', '@', "'", '\ud800', '😀', 'é', '\u2028');
const anyText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), awkward), { maxLength: 6 }).map((parts) => parts.join(''));
const row: fc.Arbitrary<Row> = fc.record({
  a: fc.option(anyText),
  n: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
  i: fc.option(fc.integer()),
  ok: fc.option(fc.constantFrom(true, false, 0, 1)),
  at: fc.option(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }).map(formatIsoInstant)),
  day: fc.option(fc.integer({ min: 0, max: 50_000 }).map((d) => formatIsoInstant(d * 86_400_000).slice(0, 10))),
  b: fc.option(anyText),
});

function expected(r: Row): string {
  const text = (value: string | null) => (value === null ? '' : csvTextField(value));
  const number = (value: number | null) => (value === null ? '' : value === 0 ? '0' : String(value));
  const ok = r.ok === null ? '' : r.ok === true || r.ok === 1 ? 'true' : 'false';
  return `${[text(r.a), number(r.n), number(r.i), ok, r.at ?? '', r.day ?? '', text(r.b)].join(',')}\r\n`;
}

describe('CSV encoder', () => {
  it('writes each record as its fields made one by one, for any text and row shape', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(row, fc.boolean()), { minLength: 1, maxLength: 20 }), (rows) => {
        const encoder = createCsvEncoder(prepareColumns(columns));
        for (const [r, reversed] of rows) {
          const shaped = reversed ? (Object.fromEntries(Object.entries(r).reverse()) as unknown as Row) : r;
          expect(encoder.row(shaped)).toBe(expected(r));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('writes the header row neutralised and quoted', () => {
    expect(createCsvEncoder(prepareColumns(columns)).header()).toBe(`'=A,N,I,OK,At,Day,"B, ""quoted"""\r\n`);
  });
});
