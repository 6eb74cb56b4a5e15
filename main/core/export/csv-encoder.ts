import { CSV_LINE_END, csvRecord, csvTextField } from '../../../shared/csv';
import { booleanValue, calendarDateText, instantText, integerText, numberText, textValue } from './cell-values';
import { KIND, atColumn, rowAsString, type PreparedColumn, type RowEncoder, type TextOut } from './columns';

/**
 * CSV per RFC 4180: a header row, CRLF after every record, empty field for null. Text is
 * neutralised against formulas, then quoted as needed (csvTextField); numbers are digits, '-',
 * '.', 'e' and '+' only, never quoted and never a formula.
 */
export function createCsvEncoder<Row>(columns: readonly PreparedColumn<Row>[]): RowEncoder<Row> {
  const count = columns.length;
  const reads = columns.map((column) => column.read);
  const kinds = columns.map((column) => KIND[column.type]);

  function rowInto(row: Row, out: TextOut): void {
    let i = 0;
    try {
      for (; i < count; i++) {
        const value = reads[i](row);
        if (i > 0) out.ascii(',');
        if (value === null || value === undefined) continue;
        switch (kinds[i]) {
          case KIND.string:
            out.text(csvTextField(typeof value === 'string' ? value : textValue(value)));
            break;
          case KIND.number:
            out.ascii(numberText(value));
            break;
          case KIND.integer:
            out.ascii(integerText(value));
            break;
          case KIND.boolean:
            out.ascii(booleanValue(value) ? 'true' : 'false');
            break;
          case KIND.datetime:
            out.text(instantText(value));
            break;
          default:
            out.text(calendarDateText(value));
        }
      }
    } catch (error) {
      throw atColumn(error, columns[i].key);
    }
    out.ascii(CSV_LINE_END);
  }

  return {
    header: () => csvRecord(columns.map((column) => csvTextField(column.header))),
    rowInto,
    row: rowAsString(rowInto),
    footer: () => '',
  };
}
