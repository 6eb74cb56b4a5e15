import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile } from '../../../../../main/core/exports/engine/export-to-file';
import type { ExportFormat } from '../../../../../shared/exports';
import { TRUNCATION_MARKER } from '../../../../../main/core/exports/engine/xlsx-sheet-encoder';
import {
  entryColumns,
  entryHeaders,
  expectedCsvRecord,
  expectedJsonObject,
  leftoverTempFiles,
  msOfExcelSerial,
  readCsvStrict,
  readJsonLines,
  readXlsx,
  sha256OfFile,
  trickyEntries,
  trickyTexts,
  veryLongText,
  type Entry,
  type ReadCell,
} from '../fixtures';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-rt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries: Entry[] = [...trickyEntries(), { ...trickyEntries(['x'])[0], id: 'long', body: veryLongText }];

async function exportEntries(format: ExportFormat, name: string, rows: Iterable<Entry> = entries, extra: { bom?: boolean } = {}) {
  const path = join(dir, name);
  const result = await exportToFile({ columns: entryColumns, rows, sheetName: 'Shift log entries' }, { format, path, ...extra });
  return { path, result };
}

describe('CSV export read back by a strict RFC 4180 parser', () => {
  it('gives back the header and exactly the rows written, including commas, quotes, CR/LF, emoji, RTL text and controls', async () => {
    const { path, result } = await exportEntries('csv', 'entries.csv');
    const records = readCsvStrict(path);
    expect(records[0]).toEqual(entryHeaders);
    expect(records.slice(1)).toEqual(entries.map(expectedCsvRecord));
    expect(result.rows).toBe(entries.length);
  });

  it('prefixes a single quote to text that starts with = + - @ TAB or CR, and to nothing else', async () => {
    const { path } = await exportEntries('csv', 'formulas.csv');
    const bodies = new Map(readCsvStrict(path).slice(1).map((record, i) => [entries[i].body, record[2]]));
    expect(bodies.get('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(bodies.get('=HYPERLINK("http://evil.example","click")')).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(bodies.get('+1-555-0100')).toBe("'+1-555-0100");
    expect(bodies.get('-2+3')).toBe("'-2+3");
    expect(bodies.get('@SUM(1,2)')).toBe("'@SUM(1,2)");
    expect(bodies.get('\t=1+1 after a tab')).toBe("'\t=1+1 after a tab");
    expect(bodies.get('\r=1+1 after a CR')).toBe("'\r=1+1 after a CR");
    expect(bodies.get("'already quoted")).toBe("'already quoted");
    expect(bodies.get(' =1+1 after a space')).toBe(' =1+1 after a space');
    expect(bodies.get('fullwidth ＝1+1 and accents éàü ß')).toBe('fullwidth ＝1+1 and accents éàü ß');
  });

  it('never neutralises numbers, dates or booleans: a negative reading stays a plain number', async () => {
    const rows: Entry[] = [{ id: 'n', shiftDate: '2024-01-02', body: null, occurredAt: '2024-01-02T03:04:05.678Z', late: false, amendments: -3, reading: -0.25 }];
    const { path } = await exportEntries('csv', 'negative.csv', rows);
    expect(readFileSync(path, 'utf8').split('\r\n')[1]).toBe('n,2024-01-02,,2024-01-02T03:04:05.678Z,false,-3,-0.25');
  });

  it('ends every record with CRLF and writes UTF-8 without a BOM unless asked', async () => {
    const { path } = await exportEntries('csv', 'plain.csv', [{ id: 'é', shiftDate: null, body: 'ü', occurredAt: null, late: null, amendments: null, reading: null }]);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 3).toString('hex')).not.toBe('efbbbf');
    expect(bytes.toString('utf8')).toBe(`${entryHeaders.map((h) => (h.includes(',') ? `"${h}"` : h)).join(',')}\r\né,,ü,,,,\r\n`);
  });

  it('starts with the UTF-8 byte order mark when bom is set, for Excel', async () => {
    const { path } = await exportEntries('csv', 'bom.csv', entries.slice(0, 2), { bom: true });
    expect(readFileSync(path).subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(readCsvStrict(path)[0]).toEqual(entryHeaders);
  });

  it('writes ISO-8601 UTC times from Date, epoch milliseconds and text with an offset alike', async () => {
    const at = Date.UTC(2024, 9, 27, 0, 30, 0, 5);
    const rows: Entry[] = [new Date(at), at, '2024-10-27T02:30:00.005+02:00', '2024-10-27T00:30:00.005Z'].map((occurredAt, i) => ({
      id: String(i),
      shiftDate: null,
      body: null,
      occurredAt,
      late: null,
      amendments: null,
      reading: null,
    }));
    const { path } = await exportEntries('csv', 'times.csv', rows);
    expect(readCsvStrict(path).slice(1).map((record) => record[3])).toEqual(Array(4).fill('2024-10-27T00:30:00.005Z'));
  });
});

describe('JSON Lines export', () => {
  it('has one object per line equal to its row, members in column order, text not neutralised', async () => {
    const { path } = await exportEntries('jsonl', 'entries.jsonl');
    const objects = readJsonLines(path);
    expect(objects).toEqual(entries.map(expectedJsonObject));
    for (const object of objects) expect(Object.keys(object as object)).toEqual(entryColumns.map((column) => column.key));
    expect((objects[trickyTexts.indexOf('=SUM(A1:A9)')] as Entry).body).toBe('=SUM(A1:A9)');
  });

  it('writes LF line ends and no BOM even when one is asked for (BOM is for CSV)', async () => {
    const { path } = await exportEntries('jsonl', 'lf.jsonl', entries.slice(0, 3), { bom: true });
    const text = readFileSync(path, 'utf8');
    expect(text.charCodeAt(0)).toBe('{'.charCodeAt(0));
    expect(text.split('\n')).toHaveLength(4);
  });
});

function expectedXlsxText(text: string): string {
  const neutral = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return neutral.length > 32_767 ? neutral.slice(0, 32_767 - TRUNCATION_MARKER.length) + TRUNCATION_MARKER : neutral;
}

describe('XLSX export read back by SheetJS (another implementation than the writer)', () => {
  it('gives back every text exactly (neutralised as in CSV), numbers as numbers, booleans, and dates as dates', async () => {
    const { path, result } = await exportEntries('xlsx', 'entries.xlsx');
    const [sheet] = readXlsx(path);
    expect(sheet.name).toBe('Shift log entries');
    expect(sheet.rows[0].map((cell) => cell?.value)).toEqual(entryHeaders);
    const body = sheet.rows.slice(1);
    expect(body).toHaveLength(entries.length);
    entries.forEach((entry, i) => {
      const [id, shiftDate, text, occurredAt, late, amendments, reading] = body[i];
      expect(id).toEqual({ type: 'string', value: entry.id });
      if (entry.body === '') {
        // An empty string is a string cell with no text; SheetJS reports it as such.
        expect(text?.value ?? '').toBe('');
      } else {
        expect(text).toEqual({ type: 'string', value: expectedXlsxText(entry.body as string) });
      }
      if (entry.shiftDate === null) expect(shiftDate).toBeUndefined();
      else {
        expect(shiftDate).toMatchObject({ type: 'date', format: 'yyyy-mm-dd' });
        expect(new Date(msOfExcelSerial(shiftDate?.value as number)).toISOString().slice(0, 10)).toBe(entry.shiftDate);
      }
      const iso = expectedJsonObject(entry).occurredAt;
      if (iso === null) expect(occurredAt).toBeUndefined();
      else {
        expect(occurredAt).toMatchObject({ type: 'date', format: 'yyyy-mm-dd hh:mm:ss' });
        expect(new Date(msOfExcelSerial(occurredAt?.value as number)).toISOString()).toBe(iso);
      }
      const expectedLate = expectedJsonObject(entry).late;
      expect(late).toEqual(expectedLate === null ? undefined : { type: 'boolean', value: expectedLate });
      expect(amendments).toEqual(entry.amendments === null ? undefined : expect.objectContaining({ type: 'number', value: Number(entry.amendments) }));
      expect(reading).toEqual(entry.reading === null ? undefined : expect.objectContaining({ type: 'number', value: entry.reading }));
    });
    expect(result.truncatedCells).toBe(1);
  });

  it('neutralises formula-like text and never writes a formula element', async () => {
    const { path } = await exportEntries('xlsx', 'formulas.xlsx');
    const [sheet] = readXlsx(path);
    const texts = sheet.rows.slice(1).map((row) => row[2]?.value);
    expect(texts).toContain("'=SUM(A1:A9)");
    expect(texts).toContain("'@SUM(1,2)");
    expect(texts).toContain("'\r=1+1 after a CR");
    expect(texts).toContain(' =1+1 after a space');
    expect(sheet.xml).not.toMatch(/<f[ >]/);
  });

  it('freezes the header row and sets the column widths', async () => {
    const { path } = await exportEntries('xlsx', 'layout.xlsx', entries.slice(0, 2));
    const [sheet] = readXlsx(path);
    expect(sheet.xml).toMatch(/<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/);
    expect(sheet.widths[0]).toBe(12);
    expect(sheet.widths[2]).toBe(60);
    expect(sheet.widths).toHaveLength(entryColumns.length);
  });

  it('cuts text longer than 32,767 characters with a visible marker, without splitting a surrogate pair', async () => {
    const emojiWall = '😀'.repeat(20_000); // 40,000 UTF-16 units
    const { path, result } = await exportEntries('xlsx', 'long.xlsx', [{ ...entries[0], body: emojiWall }]);
    const text = readXlsx(path)[0].rows[1][2]?.value as string;
    expect(text.length).toBeLessThanOrEqual(32_767);
    expect(text.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(text.slice(0, -TRUNCATION_MARKER.length)).toBe('😀'.repeat((text.length - TRUNCATION_MARKER.length) / 2));
    expect(result.truncatedCells).toBe(1);
  });

  it('writes dates Excel cannot show (before 1900-03-01) as ISO text, and integers beyond 2^53 as exact text', async () => {
    const rows: Entry[] = [{ id: 'old', shiftDate: '1899-12-31', body: null, occurredAt: '1850-06-01T12:00:00.000Z', late: null, amendments: 2n ** 60n, reading: null }];
    const { path } = await exportEntries('xlsx', 'old.xlsx', rows);
    const [, shiftDate, , occurredAt, , amendments] = readXlsx(path)[0].rows[1];
    expect(shiftDate).toEqual({ type: 'string', value: '1899-12-31' });
    expect(occurredAt).toEqual({ type: 'string', value: '1850-06-01T12:00:00.000Z' });
    expect(amendments).toEqual({ type: 'string', value: '1152921504606846976' });
  });

  it('makes the same bytes from the same rows', async () => {
    const first = await exportEntries('xlsx', 'same-1.xlsx');
    const second = await exportEntries('xlsx', 'same-2.xlsx');
    expect(second.result.sha256).toBe(first.result.sha256);
  });

  it('continues on a further sheet, header repeated, when a sheet is full', async () => {
    const path = join(dir, 'overflow.xlsx');
    const rows = trickyEntries(Array.from({ length: 10 }, (_, i) => `row ${i}`));
    const result = await exportToFile({ columns: entryColumns, rows, sheetName: 'Entries' }, { format: 'xlsx', path }, { maxSheetRows: 5 });
    const sheets = readXlsx(path);
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Entries', 'Entries (2)', 'Entries (3)']);
    expect(sheets.map((sheet) => sheet.rows[0].map((cell) => cell?.value))).toEqual([entryHeaders, entryHeaders, entryHeaders]);
    expect(sheets.flatMap((sheet) => sheet.rows.slice(1).map((row) => row[2]?.value))).toEqual(rows.map((row) => row.body));
    expect(sheets.map((sheet) => sheet.rows.length)).toEqual([5, 5, 3]);
    expect(result.rows).toBe(10);
  });

  it('adds extra sheets after the rows, asked for once the rows are exhausted', async () => {
    const path = join(dir, 'audit.xlsx');
    let rowsRead = 0;
    let rowsReadWhenSummaryAsked = -1;
    function* rows() {
      for (const entry of entries.slice(0, 4)) {
        rowsRead += 1;
        yield entry;
      }
    }
    await exportToFile(
      {
        columns: entryColumns,
        rows: rows(),
        sheetName: 'Audit events',
        extraSheets: () => {
          rowsReadWhenSummaryAsked = rowsRead;
          return [
            {
              sheetName: 'Verification',
              columns: [
                { key: 'check', header: 'Check', type: 'string' },
                { key: 'result', header: 'Result', type: 'string' },
                { key: 'events', header: 'Events', type: 'integer' },
              ],
              rows: [{ check: 'Hash chain', result: 'intact', events: 4 }],
            },
          ];
        },
      },
      { format: 'xlsx', path },
    );
    const sheets = readXlsx(path);
    expect(sheets.map((sheet) => sheet.name)).toEqual(['Audit events', 'Verification']);
    expect(sheets[1].rows.map((row) => row.map((cell: ReadCell | undefined) => cell?.value))).toEqual([
      ['Check', 'Result', 'Events'],
      ['Hash chain', 'intact', 4],
    ]);
    expect(rowsReadWhenSummaryAsked).toBe(4);
  });

  it('writes a header-only sheet for no rows', async () => {
    const { path, result } = await exportEntries('xlsx', 'empty.xlsx', []);
    expect(readXlsx(path)[0].rows).toEqual([entryHeaders.map((header) => ({ type: 'string', value: header }))]);
    expect(result.rows).toBe(0);
  });
});

describe('the result of an export', () => {
  it.each(['csv', 'jsonl', 'xlsx'] as const)('%s: reports the bytes and SHA-256 of the file on disk, a 0600 file, and leaves no temp file', async (format) => {
    const { path, result } = await exportEntries(format, `result.${format}`);
    expect(result.path).toBe(path);
    expect(result.format).toBe(format);
    expect(result.bytes).toBe(statSync(path).size);
    expect(result.sha256).toBe(sha256OfFile(path));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });
});
