import { PlantdeskError } from '../../../../shared/errors';
import { CellValueError } from './cell-values';
import type { ExportColumn, ExportColumnType } from './types';

const columnTypes: readonly ExportColumnType[] = ['string', 'number', 'integer', 'boolean', 'datetime', 'date'];

/** Excel's widest column. */
const MAX_WIDTH = 255;

/** A column checked once, with its reader. */
export interface PreparedColumn<Row> {
  key: string;
  header: string;
  type: ExportColumnType;
  width: number | undefined;
  read: (row: Row) => unknown;
  /** Read as `row[key]` (no `value` function). */
  byKey: boolean;
}

/** Column types as small integers, for the switch of the encoders' per-cell loops. */
export const KIND = { string: 0, number: 1, integer: 2, boolean: 3, datetime: 4, date: 5 } as const satisfies Record<ExportColumnType, number>;

/** Where a row's text goes, piece by piece (the engine's output buffer, or a string). */
export interface TextOut {
  /** Text of ASCII characters only (markup, digits). */
  ascii(text: string): void;
  /** Any text. */
  text(text: string): void;
}

/** Collects pieces into one string. */
export class StringOut implements TextOut {
  value = '';
  ascii(text: string): void {
    this.value += text;
  }
  text(text: string): void {
    this.value += text;
  }
}

/** Encodes one table's rows as text in one format. */
export interface RowEncoder<Row> {
  /** Everything before the first row (a header row, an XML prologue). */
  header(): string;
  /**
   * The next row, written to `out` piece by piece: the engine's path, where no string of the
   * whole row is built, flattened and encoded again.
   */
  rowInto(row: Row, out: TextOut): void;
  /** The next row as a string (the same text as rowInto). */
  row(row: Row): string;
  footer(): string;
}

/** row() of an encoder, from its rowInto(). */
export function rowAsString<Row>(rowInto: (row: Row, out: TextOut) => void): (row: Row) => string {
  return (row) => {
    const out = new StringOut();
    rowInto(row, out);
    return out.value;
  };
}

function invalidSpec(message: string): PlantdeskError {
  return new PlantdeskError('invalid_request', `Export spec: ${message}`);
}

export function prepareColumns<Row>(columns: readonly ExportColumn<Row>[]): PreparedColumn<Row>[] {
  if (!Array.isArray(columns) || columns.length === 0) throw invalidSpec('at least one column is needed.');
  const keys = new Set<string>();
  return columns.map((column, index) => {
    const { key, header, type, width, value } = column;
    if (typeof key !== 'string' || key.length === 0) throw invalidSpec(`column ${index + 1} has no key.`);
    if (keys.has(key)) throw invalidSpec(`the key "${key}" is used by two columns.`);
    keys.add(key);
    if (typeof header !== 'string') throw invalidSpec(`column "${key}" has no header.`);
    if (!columnTypes.includes(type)) throw invalidSpec(`column "${key}" has the unknown type "${String(type)}".`);
    if (width !== undefined && !(Number.isFinite(width) && width > 0 && width <= MAX_WIDTH)) {
      throw invalidSpec(`column "${key}" has a width outside 1..${MAX_WIDTH}.`);
    }
    if (value !== undefined && typeof value !== 'function') throw invalidSpec(`column "${key}" has a value that is not a function.`);
    const read = value ?? ((row: Row) => (row as Record<string, unknown>)[key]);
    return { key, header, type, width, read, byKey: value === undefined };
  });
}

/**
 * Reads a row's values, in column order, into `values` when its own keys are exactly the
 * columns' keys in the same order (the exporters build their rows so), with one for-in loop,
 * which V8 turns into plain field loads: `row[key]` per column, with every column's key at one
 * site, is a megamorphic lookup each time. False for a row of another shape, which the caller
 * reads with the columns' own `read`; after the first such row the reader stops trying.
 */
export function createRowReader<Row>(columns: readonly PreparedColumn<Row>[]): (row: Row, values: unknown[]) => boolean {
  const count = columns.length;
  const keys = columns.map((column) => column.key);
  let inKeyOrder = columns.every((column) => column.byKey);
  return (row, values) => {
    if (!inKeyOrder) return false;
    let i = 0;
    for (const key in row) {
      if (i === count || key !== keys[i]) {
        inKeyOrder = false;
        return false;
      }
      values[i] = row[key];
      i += 1;
    }
    if (i === count) return true;
    inKeyOrder = false;
    return false;
  };
}

/** Adds the column to a value error raised while encoding a row. */
export function atColumn(error: unknown, key: string): unknown {
  if (error instanceof CellValueError && error.column === undefined) error.column = key;
  return error;
}
