import { CSV_LINE_END, csvRecord, csvTextField } from '../../../shared/csv';
import { booleanValue, calendarDateText, instantText, integerText, numberText, textValue } from './cell-values';
import { atColumn, type PreparedColumn, type RowEncoder } from './columns';
import type { ExportColumnType } from './types';

/** Writes a non-empty value of a column type as one RFC 4180 field. */
const csvFields: Record<ExportColumnType, (value: unknown) => string> = {
  // The only column type that can carry a formula: neutralised, then quoted as needed.
  string: (value) => csvTextField(textValue(value)),
  // Digits, '-', '.', 'e' and '+' only: never quoted, and a number is never a formula.
  number: numberText,
  integer: integerText,
  boolean: (value) => (booleanValue(value) ? 'true' : 'false'),
  datetime: instantText,
  date: calendarDateText,
};

/** CSV per RFC 4180: a header row, CRLF after every record, empty field for null. */
export function createCsvEncoder<Row>(columns: readonly PreparedColumn<Row>[]): RowEncoder<Row> {
  const count = columns.length;
  const reads = columns.map((column) => column.read);
  const fields = columns.map((column) => csvFields[column.type]);
  return {
    header: () => csvRecord(columns.map((column) => csvTextField(column.header))),
    row(row) {
      let line = '';
      let i = 0;
      try {
        for (; i < count; i++) {
          const value = reads[i](row);
          if (i > 0) line += ',';
          if (value !== null && value !== undefined) line += fields[i](value);
        }
      } catch (error) {
        throw atColumn(error, columns[i].key);
      }
      return line + CSV_LINE_END;
    },
    footer: () => '',
  };
}
