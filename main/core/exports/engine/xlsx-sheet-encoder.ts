import { neutraliseFormula } from '../../../../shared/csv';
import {
  booleanValue,
  calendarDateText,
  calendarDays,
  excelSerialOfDay,
  excelSerialOfInstant,
  excelSerialText,
  formatIsoInstant,
  instantMs,
  integerText,
  numberText,
  textValue,
} from './cell-values';
import { KIND, atColumn, createRowReader, rowAsString, type PreparedColumn, type RowEncoder, type TextOut } from './columns';
import type { ExportColumnType } from './types';
import { CELL_STYLE, MAX_CELL_CHARACTERS, WORKSHEET_EPILOGUE, worksheetPrologue } from './xlsx-parts';
import { SharedStrings } from './xlsx-shared-strings';

/** Shown at the end of text cut to Excel's cell limit. */
export const TRUNCATION_MARKER = ' [… truncated: Excel cells hold at most 32,767 characters; CSV and JSON Lines exports hold the full text]';

const defaultWidths: Record<ExportColumnType, number> = { string: 24, number: 12, integer: 10, boolean: 8, datetime: 20, date: 12 };

/**
 * Characters SpreadsheetML text cannot hold literally: XML markup (& < >), the control
 * characters XML 1.0 forbids, CR (an XML parser would turn it into LF), U+FFFE/U+FFFF, and an
 * underscore that would read as the start of an _xHHHH_ escape.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const XML_TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b-\u001f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)/g;

function escapeXmlTextChar(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    default:
      // ECMA-376 ST_Xstring escape: _xHHHH_ with the UTF-16 code unit in hex.
      return `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  }
}

/** Text none of whose characters can need escaping (underscores go the slow way to be sure). */
// eslint-disable-next-line no-control-regex -- as above
const XML_TEXT_PLAIN = /^[^&<>\u0000-\u0008\u000b-\u001f\ufffe\uffff_]*$/;

function escapeXmlText(text: string): string {
  return XML_TEXT_PLAIN.test(text) ? text : text.replace(XML_TEXT_SPECIAL, escapeXmlTextChar);
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The <t> element of a text cell or shared string: escaped, with its edge spaces kept. */
export function textElement(text: string): string {
  const keepSpaces = text.length > 0 && (isXmlSpace(text.charCodeAt(0)) || isXmlSpace(text.charCodeAt(text.length - 1)));
  return `${keepSpaces ? '<t xml:space="preserve">' : '<t>'}${escapeXmlText(text)}</t>`;
}

/** Excel column letters of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** What the sheets of one workbook share: the string table and the count of shortened cells. */
export interface WorkbookTextState {
  sharedStrings: SharedStrings;
  truncatedCells: number;
}

export function createWorkbookTextState(): WorkbookTextState {
  return { sharedStrings: new SharedStrings(textElement), truncatedCells: 0 };
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const DATETIME_OPEN = ` s="${CELL_STYLE.datetime}"><v>`;
const DATE_OPEN = ` s="${CELL_STYLE.date}"><v>`;
const NUMBER_OPEN = '><v>';
const NUMBER_CLOSE = '</v></c>';
const INLINE_OPEN = ' t="inlineStr"><is><t>';
const INLINE_OPEN_PRESERVE = ' t="inlineStr"><is><t xml:space="preserve">';
const INLINE_CLOSE = '</t></is></c>';

/**
 * One worksheet as SpreadsheetML: a bold header row (row 1, frozen), then one row per data row
 * with typed cells: text (neutralised against formulas, always a string cell and never a
 * formula), numbers, booleans, and dates as date serials with a date format. Empty values have
 * no cell. A cell carries its reference (r="F12") only after a gap: without one it is the next
 * column, which keeps the XML, and so the time spent deflating it, small.
 *
 * Hot path (a million rows, two dozen cells each): one loop over the columns with a switch on
 * the column's kind, no closure or array per cell; pieces go straight to the output buffer
 * (rowInto), so no string of the row is built and flattened; short text is looked up in the
 * shared-string table, whose entries keep the finished end of their cell; other text is escaped
 * only when a quick test finds something to escape.
 */
export function createXlsxSheetEncoder<Row>(columns: readonly PreparedColumn<Row>[], state: WorkbookTextState): RowEncoder<Row> {
  const count = columns.length;
  const letters = columns.map((_, i) => columnLetters(i));
  const reads = columns.map((column) => column.read);
  const kinds = columns.map((column) => KIND[column.type]);
  const { sharedStrings } = state;
  const sharing = columns.map(() => sharedStrings.newColumn());
  const readRow = createRowReader(columns);
  const values: unknown[] = new Array<unknown>(count).fill(null);
  let rowNumber = 1;

  /** The rest of a text cell whose start tag so far ('<c' or '<c r="F12"') is written. */
  function textCell(out: TextOut, raw: string, column: number): void {
    let text = neutraliseFormula(raw);
    const tail = sharedStrings.cellTail(text, sharing[column]);
    if (tail !== null) {
      out.ascii(tail);
      return;
    }
    if (text.length > MAX_CELL_CHARACTERS) {
      let keep = MAX_CELL_CHARACTERS - TRUNCATION_MARKER.length;
      const last = text.charCodeAt(keep - 1);
      if (last >= 0xd800 && last <= 0xdbff) keep -= 1; // never split a surrogate pair
      text = text.slice(0, keep) + TRUNCATION_MARKER;
      state.truncatedCells += 1;
    }
    const keepSpaces = text.length > 0 && (isXmlSpace(text.charCodeAt(0)) || isXmlSpace(text.charCodeAt(text.length - 1)));
    out.ascii(keepSpaces ? INLINE_OPEN_PRESERVE : INLINE_OPEN);
    out.text(escapeXmlText(text));
    out.ascii(INLINE_CLOSE);
  }

  function rowInto(row: Row, out: TextOut): void {
    const read = readRow(row, values);
    rowNumber += 1;
    const rowText = String(rowNumber);
    out.ascii('<row r="');
    out.ascii(rowText);
    out.ascii('">');
    let afterGap = false;
    let i = 0;
    try {
      for (; i < count; i++) {
        const value = read ? values[i] : reads[i](row);
        if (value === null || value === undefined) {
          afterGap = true;
          continue;
        }
        if (afterGap) {
          out.ascii('<c r="');
          out.ascii(letters[i]);
          out.ascii(rowText);
          out.ascii('"');
          afterGap = false;
        } else {
          out.ascii('<c');
        }
        switch (kinds[i]) {
          case KIND.string:
            textCell(out, typeof value === 'string' ? value : textValue(value), i);
            break;
          case KIND.number:
            out.ascii(NUMBER_OPEN);
            out.ascii(numberText(value));
            out.ascii(NUMBER_CLOSE);
            break;
          case KIND.integer: {
            const digits = integerText(value);
            // Beyond 2^53 Excel would round the number: keep the exact digits as text.
            if (typeof value === 'bigint' && (value > MAX_SAFE_BIGINT || value < -MAX_SAFE_BIGINT)) {
              textCell(out, digits, i);
            } else {
              out.ascii(NUMBER_OPEN);
              out.ascii(digits);
              out.ascii(NUMBER_CLOSE);
            }
            break;
          }
          case KIND.boolean:
            out.ascii(booleanValue(value) ? ' t="b"><v>1</v></c>' : ' t="b"><v>0</v></c>');
            break;
          case KIND.datetime: {
            const ms = instantMs(value);
            const serial = excelSerialOfInstant(ms);
            if (serial === null) {
              textCell(out, formatIsoInstant(ms), i);
            } else {
              out.ascii(DATETIME_OPEN);
              out.ascii(excelSerialText(serial));
              out.ascii(NUMBER_CLOSE);
            }
            break;
          }
          default: {
            const serial = excelSerialOfDay(calendarDays(value));
            if (serial === null) {
              textCell(out, calendarDateText(value), i);
            } else {
              out.ascii(DATE_OPEN);
              out.ascii(String(serial));
              out.ascii(NUMBER_CLOSE);
            }
          }
        }
      }
    } catch (error) {
      throw atColumn(error, columns[i].key);
    }
    out.ascii('</row>');
  }

  return {
    header() {
      const widths = columns.map((column) => column.width ?? Math.max(defaultWidths[column.type], Math.min(60, column.header.length + 2)));
      const cells = columns.map((column) => `<c s="${CELL_STYLE.header}" t="inlineStr"><is>${textElement(neutraliseFormula(column.header))}</is></c>`).join('');
      return `${worksheetPrologue(widths)}<row r="1">${cells}</row>`;
    },
    rowInto,
    row: rowAsString(rowInto),
    footer: () => WORKSHEET_EPILOGUE,
  };
}
