import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoInstant } from '../../../../../main/core/exports/engine/cell-values';
import { prepareColumns } from '../../../../../main/core/exports/engine/columns';
import { createJsonLinesEncoder } from '../../../../../main/core/exports/engine/jsonl-encoder';
import type { ExportColumn } from '../../../../../main/core/exports/engine/types';

/**
 * The JSON Lines encoder writes text between quotes as it is when JSON needs no escape in it,
 * and through JSON.stringify otherwise: each line must be byte for byte what JSON.stringify
 * makes of the same object, for any text (lone surrogates, controls, U+2028/2029, emoji), and
 * the same whether the row's keys are in column order (read with one for-in loop) or not.
 */
interface Row {
  a: string | null;
  b: string | null;
  n: number | null;
  i: number | null;
  ok: boolean | number | null;
  at: string | null;
  day: string | null;
}

const columns: ExportColumn<Row>[] = [
  { key: 'a', header: 'A', type: 'string' },
  { key: 'b', header: 'B "quoted"', type: 'string' },
  { key: 'n', header: 'N', type: 'number' },
  { key: 'i', header: 'I', type: 'integer' },
  { key: 'ok', header: 'OK', type: 'boolean' },
  { key: 'at', header: 'At', type: 'datetime' },
  { key: 'day', header: 'Day', type: 'date' },
];

const awkward = fc.constantFrom('"', '\\', '/', '\u0000', '\u0007', '\b', '\f', '\n', '\r', '\t', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udfff', '\udbff\udfff', '😀', '👩‍👩‍👧', 'é', '€', '\ufeff', '\uffff');
const anyText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }), awkward), { maxLength: 6 }).map((parts) => parts.join(''));
const row: fc.Arbitrary<Row> = fc.record({
  a: fc.option(anyText),
  b: fc.option(anyText),
  n: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
  i: fc.option(fc.integer()),
  ok: fc.option(fc.constantFrom(true, false, 0, 1)),
  at: fc.option(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }).map(formatIsoInstant)),
  day: fc.option(fc.integer({ min: 0, max: 50_000 }).map((d) => formatIsoInstant(d * 86_400_000).slice(0, 10))),
});

/** What the line must be: JSON.stringify of the row with booleans as booleans. */
function expected(r: Row): string {
  const ok = r.ok === null ? null : r.ok === true || r.ok === 1;
  return `${JSON.stringify({ a: r.a, b: r.b, n: r.n === null ? null : r.n, i: r.i, ok, at: r.at, day: r.day })}\n`;
}

describe('JSON Lines encoder', () => {
  it('writes each row exactly as JSON.stringify, for any text', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const encoder = createJsonLinesEncoder(prepareColumns(columns));
        for (const r of rows) expect(encoder.row(r)).toBe(expected(r));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same for rows whose keys are in another order, or are more or fewer than the columns', () => {
    const shapes: Array<(r: Row) => Row> = [
      (r) => r,
      (r) => Object.fromEntries(Object.entries(r).reverse()) as unknown as Row,
      (r) => ({ ...r, extra: 'not a column' }),
      ({ day: _day, ...rest }) => rest as Row,
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(row, fc.nat(shapes.length - 1)), { minLength: 1, maxLength: 10 }), (rows) => {
        const encoder = createJsonLinesEncoder(prepareColumns(columns));
        for (const [r, shape] of rows) {
          const shaped = shapes[shape](r);
          expect(encoder.row(shaped)).toBe(expected(shape === 3 ? { ...r, day: null } : r));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes a column whose value comes from a function', () => {
    const encoder = createJsonLinesEncoder(prepareColumns<Row>([...columns.slice(0, 1), { key: 'upper', header: 'Upper', type: 'string', value: (r) => r.a?.toUpperCase() ?? null }]));
    expect(encoder.row({ a: 'x"y', b: null, n: null, i: null, ok: null, at: null, day: null })).toBe('{"a":"x\\"y","upper":"X\\"Y"}\n');
  });
});
