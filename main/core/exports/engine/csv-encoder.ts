import { CSV_LINE_END, csvRecord, csvTextField } from '../../../../shared/csv';
import { booleanValue, calendarDateText, instantText, integerText, numberText, textValue } from './cell-values';
import { KIND, atColumn, createRowReader, rowAsString, type PreparedColumn, type RowEncoder, type TextOut } from './columns';

/**
 * CSV per RFC 4180: a header row, CRLF after every record, empty field for null. Text is
 * neutralised against formulas, then quoted as needed (csvTextField); numbers are digits, '-',
 * '.', 'e' and '+' only, never quoted and never a formula. The record is built as one string
 * and handed on once.
 */
export function createCsvEncoder<Row>(columns: readonly PreparedColumn<Row>[]): RowEncoder<Row> {
  const count = columns.length;
  const reads = columns.map((column) => column.read);
  const kinds = columns.map((column) => KIND[column.type]);
  const readRow = createRowReader(columns);
  const values: unknown[] = new Array<unknown>(count).fill(null);

  function rowInto(row: Row, out: TextOut): void {
    const read = readRow(row, values);
    let record = '';
    let i = 0;
    try {
      for (; i < count; i++) {
        const value = read ? values[i] : reads[i](row);
        if (i > 0) record += ',';
        if (value === null || value === undefined) continue;
        switch (kinds[i]) {
          case KIND.string:
            record += csvTextField(typeof value === 'string' ? value : textValue(value));
            break;
          case KIND.number:
            record += numberText(value);
            break;
          case KIND.integer:
            record += integerText(value);
            break;
          case KIND.boolean:
            record += booleanValue(value) ? 'true' : 'false';
            break;
          case KIND.datetime:
            record += instantText(value);
            break;
          default:
            record += calendarDateText(value);
        }
      }
    } catch (error) {
      throw atColumn(error, columns[i].key);
    }
    out.text(record + CSV_LINE_END);
  }

  return {
    header: () => csvRecord(columns.map((column) => csvTextField(column.header))),
    rowInto,
    row: rowAsString(rowInto),
    footer: () => '',
  };
}
