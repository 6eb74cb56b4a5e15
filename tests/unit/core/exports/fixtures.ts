import { parse as parseCsv } from 'csv-parse/sync';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as XLSX from 'xlsx';
import { isExportTempFileName } from '../../../../main/core/exports/engine/atomic-file';
import type { ExportColumn } from '../../../../main/core/exports/engine/types';

/** Texts that break naive writers: separators, quotes, line ends, scripts, controls, formulas. */
export const trickyTexts: readonly string[] = [
  'plain text',
  'comma, inside',
  'a "quoted" word',
  '"starts and ends with quotes"',
  'line one\r\nline two',
  'unix\nnewline',
  'lone\rCR',
  'trailing newline\n',
  'emoji 😀🏭👷🏽‍♀️ and a flag 🇩🇪',
  'مضخة التبريد رقم ٣ متوقفة',
  'משאבה 3 הושבתה לתחזוקה',
  'mixed ‏RTL‏ marks: pump ‮reversed‬ ok',
  'controls \u0001\u0002\u0007\u0008\u000b\u000c\u000e\u001b\u001f end',
  'tab\tinside',
  '  leading and trailing spaces  ',
  '',
  '_x0041_ looks like an OOXML escape',
  '<b>markup</b> & entities &amp; &lt;',
  ']]> and <![CDATA[',
  'fullwidth ＝1+1 and accents éàü ß',
  '=SUM(A1:A9)',
  '=HYPERLINK("http://evil.example","click")',
  '+1-555-0100',
  '-2+3',
  '@SUM(1,2)',
  '\t=1+1 after a tab',
  '\r=1+1 after a CR',
  "'already quoted",
  ' =1+1 after a space',
];

/** Longer than Excel's cell limit, with characters from several planes. */
export const veryLongText = `${'Ölstand geprüft, Pumpe läuft; "ok" 🏭\r\n'.repeat(2_000)}end`;

export interface Entry {
  id: string;
  shiftDate: string | null;
  body: string | null;
  occurredAt: string | Date | number | null;
  late: boolean | 0 | 1 | null;
  amendments: number | bigint | null;
  reading: number | null;
}

export const entryColumns: ExportColumn<Entry>[] = [
  { key: 'id', header: 'Entry', type: 'string', width: 12 },
  { key: 'shiftDate', header: 'Shift date', type: 'date' },
  { key: 'body', header: 'Body, as written', type: 'string', width: 60 },
  { key: 'occurredAt', header: 'Occurred at (UTC)', type: 'datetime' },
  { key: 'late', header: 'Late', type: 'boolean' },
  { key: 'amendments', header: 'Amendments', type: 'integer' },
  { key: 'reading', header: 'Reading', type: 'number' },
];

/** One row per tricky text, with every other type varied (and null now and then). */
export function trickyEntries(texts: readonly string[] = trickyTexts): Entry[] {
  const base = Date.UTC(2024, 2, 30, 22, 15, 0, 0);
  return texts.map((body, i) => ({
    id: `e-${i}`,
    shiftDate: i % 7 === 3 ? null : `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`,
    body,
    occurredAt: i % 9 === 4 ? null : i % 3 === 0 ? new Date(base + i * 3_601_001).toISOString() : i % 3 === 1 ? new Date(base + i * 3_601_001) : base + i * 3_601_001,
    // Booleans as JS values on even rows, as SQLite's 1/0 on odd ones.
    late: i % 5 === 2 ? null : i % 2 === 0 ? i % 4 === 0 : i % 4 === 1 ? 1 : 0,
    amendments: i % 6 === 5 ? null : i % 11 === 0 ? BigInt(i) : i,
    reading: i % 4 === 1 ? null : i % 4 === 2 ? -i / 8 : i * 1234.5678,
  }));
}

/** n synthetic rows for streaming tests; lazily made. */
export function* manyEntries(count: number, onRow?: (index: number) => void): Generator<Entry> {
  for (let i = 0; i < count; i++) {
    onRow?.(i);
    yield {
      id: `0190${i.toString(16).padStart(8, '0')}-7abc-7def-8123-000000000000`,
      shiftDate: '2024-01-15',
      body: `Pump P-${100 + (i % 900)} checked, vibration ${(i % 97) / 10} mm/s, "bearing" temp ${i % 90} C; next check 04:00`,
      occurredAt: new Date(Date.UTC(2024, 0, 15) + i * 1000).toISOString(),
      late: i % 17 === 0,
      amendments: i % 3,
      reading: (i % 1000) / 8,
    };
  }
}

// ---- what each format should hold for a row

const isoOf = (value: Entry['occurredAt']): string | null =>
  value === null ? null : typeof value === 'string' ? new Date(value).toISOString() : new Date(value).toISOString();

const booleanOf = (value: Entry['late']): boolean | null => (value === null ? null : value === true || value === 1);

/** The cells a strict CSV reader must get back (text cells neutralised). */
export function expectedCsvRecord(entry: Entry): string[] {
  const neutral = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  const bool = booleanOf(entry.late);
  return [
    neutral(entry.id),
    entry.shiftDate ?? '',
    entry.body === null ? '' : neutral(entry.body),
    isoOf(entry.occurredAt) ?? '',
    bool === null ? '' : String(bool),
    entry.amendments === null ? '' : String(entry.amendments),
    entry.reading === null ? '' : String(entry.reading),
  ];
}

/** The object a JSON Lines reader must get back (text as it was: JSON is not neutralised). */
export function expectedJsonObject(entry: Entry): Record<string, unknown> {
  return {
    id: entry.id,
    shiftDate: entry.shiftDate,
    body: entry.body,
    occurredAt: isoOf(entry.occurredAt),
    late: booleanOf(entry.late),
    amendments: entry.amendments === null ? null : Number(entry.amendments),
    reading: entry.reading,
  };
}

export const entryHeaders = entryColumns.map((column) => column.header);

// ---- independent readers

/** Strict RFC 4180: CRLF records only, quotes only where RFC 4180 allows, equal column counts. */
export function readCsvStrict(path: string): string[][] {
  return parseCsv(readFileSync(path), {
    bom: true,
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n'],
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    skip_records_with_empty_values: false,
    trim: false,
  }) as string[][];
}

export function readJsonLines(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  if (!text.endsWith('\n')) throw new Error('JSON Lines file does not end with LF');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

/** A cell as SheetJS (a different implementation from our writer) reads it. */
export interface ReadCell {
  type: 'string' | 'number' | 'boolean' | 'date';
  value: string | number | boolean;
  /** The cell's number format, for numbers and dates. */
  format?: string;
}

export interface ReadSheet {
  name: string;
  /** Row-major; undefined where a row has no cell. */
  rows: Array<Array<ReadCell | undefined>>;
  /** The sheet part's XML, for the structural checks SheetJS does not report (frozen pane). */
  xml: string;
  widths: number[];
}

/** Reads an XLSX with SheetJS; dates as serial + format, so the result does not depend on TZ. */
export function readXlsx(path: string): ReadSheet[] {
  const workbook = XLSX.read(readFileSync(path), { cellNF: true, cellDates: false, cellStyles: true, bookFiles: true });
  const files = (workbook as unknown as { files: Record<string, { content: Uint8Array }> }).files;
  return workbook.SheetNames.map((name, index) => {
    const sheet = workbook.Sheets[name];
    const range = XLSX.utils.decode_range(sheet['!ref'] ?? 'A1:A1');
    const rows: Array<Array<ReadCell | undefined>> = [];
    for (let r = range.s.r; r <= range.e.r; r++) {
      const row: Array<ReadCell | undefined> = [];
      for (let c = range.s.c; c <= range.e.c; c++) {
        const cell = sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
        if (!cell) {
          row.push(undefined);
        } else if (cell.t === 's') {
          row.push({ type: 'string', value: cell.v as string });
        } else if (cell.t === 'b') {
          row.push({ type: 'boolean', value: cell.v as boolean });
        } else if (cell.t === 'n') {
          const format = typeof cell.z === 'string' ? cell.z : undefined;
          const isDate = format !== undefined && XLSX.SSF.is_date(format);
          row.push({ type: isDate ? 'date' : 'number', value: cell.v as number, format });
        } else {
          throw new Error(`unexpected cell type ${cell.t} at ${XLSX.utils.encode_cell({ r, c })}`);
        }
      }
      rows.push(row);
    }
    const xml = Buffer.from(files[`xl/worksheets/sheet${index + 1}.xml`].content).toString('utf8');
    const widths = (sheet['!cols'] ?? []).map((col) => col?.width ?? Number.NaN);
    return { name, rows, xml, widths };
  });
}

/** Epoch milliseconds of an Excel serial (1900 date system), to the millisecond. */
export function msOfExcelSerial(serial: number): number {
  return Math.round((serial - 25_569) * 86_400_000);
}

// ---- files

export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Export temp files left in a folder (there must never be any after an export ends). */
export function leftoverTempFiles(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter(isExportTempFileName) : [];
}
