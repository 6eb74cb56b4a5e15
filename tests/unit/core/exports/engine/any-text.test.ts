import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../../../../shared/csv';
import { exportToFile } from '../../../../../main/core/exports/engine/export-to-file';
import type { ExportColumn } from '../../../../../main/core/exports/engine/types';
import { readCsvStrict, readJsonLines, readXlsx } from '../fixtures';

/**
 * Generated text of every kind (any Unicode code point, XML-forbidden controls, surrogate pairs,
 * lone surrogates for JSON) goes through each format and back through the independent reader.
 */
interface Note {
  n: number;
  text: string;
}
const columns: ExportColumn<Note>[] = [
  { key: 'n', header: 'N', type: 'integer' },
  { key: 'text', header: 'Text', type: 'string' },
];

/** Code points of every plane, weighted toward the troublesome ones (no NUL: see README). */
const troublesome = fc.constantFrom('"', ',', '\r', '\n', '\t', '=', '+', '-', '@', '_x0041_', '&', '<', '>', '\u0001', '\u001f', '\ufffe', '\uffff', '\u2028', ' ');
const anyText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), troublesome), { maxLength: 8 }).map((parts) => parts.join('').replace(/\0/g, ''));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-any-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const samples = (arbitrary: fc.Arbitrary<string>, count: number): Note[] =>
  fc.sample(arbitrary, { numRuns: count, seed: 20_241_127 }).map((text, n) => ({ n, text }));

describe('any text, through each format and back', () => {
  it('CSV: a strict RFC 4180 reader gets each text back, neutralised', async () => {
    const notes = samples(anyText, 500);
    const path = join(dir, 'any.csv');
    await exportToFile({ columns, rows: notes }, { format: 'csv', path });
    expect(readCsvStrict(path).slice(1)).toEqual(notes.map((note) => [String(note.n), neutraliseFormula(note.text)]));
  });

  it('JSON Lines: each text comes back exactly, lone surrogates included', async () => {
    const loneSurrogates = fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 3 }).map((units) => String.fromCharCode(...units));
    const notes = samples(fc.oneof(anyText, loneSurrogates), 500);
    const path = join(dir, 'any.jsonl');
    await exportToFile({ columns, rows: notes }, { format: 'jsonl', path });
    expect(readJsonLines(path)).toEqual(notes);
  });

  it('XLSX: SheetJS gets each text back, neutralised, controls and _xHHHH_ look-alikes included', async () => {
    const notes = samples(anyText, 500);
    expect(notes.some((note) => note.text.includes('\u0001') && /[\u{10000}-\u{10FFFF}]/u.test(note.text))).toBe(true);
    const path = join(dir, 'any.xlsx');
    await exportToFile({ columns, rows: notes }, { format: 'xlsx', path });
    const rows = readXlsx(path)[0].rows.slice(1);
    expect(rows.map((row) => row[1]?.value ?? '')).toEqual(notes.map((note) => neutraliseFormula(note.text)));
  });
});
