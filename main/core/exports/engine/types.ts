import type { ExportFormat } from '../../../../shared/exports';

/**
 * The export engine's public shapes. An export is a table (ordered, typed columns and a row
 * source) written to one file in one format; where the rows come from (store queries, RBAC
 * scope) is the caller's business.
 */

/**
 * What a column holds, which decides how each format writes it:
 * - string: text (numbers, bigints and booleans are accepted and written as text). Neutralised
 *   against formulas in CSV and XLSX.
 * - number: a finite number (or bigint). NaN and Infinity are refused.
 * - integer: a safe integer, or a bigint.
 * - boolean: true/false, or SQLite's 1/0.
 * - datetime: an instant: a Date, epoch milliseconds, or ISO-8601 text with Z or an offset.
 *   CSV and JSON Lines write it as ISO-8601 UTC (2024-03-31T01:30:00.000Z); XLSX as an Excel
 *   date-time in UTC.
 * - date: a calendar date without a time zone (a shift date): 'YYYY-MM-DD' text, or a Date
 *   (its UTC date). Written as YYYY-MM-DD, and as an Excel date in XLSX.
 * null and undefined are an empty cell (CSV), null (JSON Lines) or no cell (XLSX) in any column.
 */
export type ExportColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'datetime' | 'date';

export interface ExportColumn<Row = Record<string, unknown>> {
  /** Property read from each row, and the member name in JSON Lines. Unique within a spec. */
  key: string;
  /** Title in the CSV header row and the XLSX header row. */
  header: string;
  type: ExportColumnType;
  /** XLSX column width in characters; a default per type when absent. Ignored by CSV and JSONL. */
  width?: number;
  /** Computes the value instead of reading `row[key]` (joined or derived columns). */
  value?: (row: Row) => unknown;
}

/** A table: the header and the rows of one sheet. */
export interface ExportTable<Row = Record<string, unknown>> {
  columns: readonly ExportColumn<Row>[];
  /**
   * The rows, read once, in order. A synchronous iterable (better-sqlite3's `stmt.iterate()`)
   * is read without an await per row; an async iterable is awaited row by row. Either is
   * closed (`return()`) when the export stops early, which releases a SQLite statement.
   */
  rows: Iterable<Row> | AsyncIterable<Row>;
}

export interface ExportSpec<Row = Record<string, unknown>> extends ExportTable<Row> {
  /** Number of rows expected, when the caller knows it (a COUNT(*)), for progress only. */
  rowsTotal?: number;
  /** XLSX sheet name (default 'Export'); made valid for Excel (31 characters, no []:*?/\). */
  sheetName?: string;
  /**
   * XLSX only: further sheets after the rows, asked for once the rows are exhausted, e.g. an
   * audit-chain verification summary computed while the rows streamed. CSV and JSON Lines hold
   * one table, so they ignore it.
   */
  extraSheets?: () => Array<ExportTable<Record<string, unknown>> & { sheetName: string }>;
}

export interface ExportProgress {
  rowsDone: number;
  /** The spec's rowsTotal, when given. */
  rowsTotal?: number;
  /** Bytes written to the (temporary) file so far. */
  bytesWritten: number;
}

export interface ExportOptions {
  format: ExportFormat;
  /** The file to create or replace. Its folder must exist. */
  path: string;
  /** CSV only: start the file with a UTF-8 byte order mark so that Excel reads it as UTF-8. */
  bom?: boolean;
  /** Aborting it stops the export with `export_cancelled`; the target is left as it was. */
  signal?: AbortSignal;
  /**
   * Called about every progressIntervalMs while rows are written, and once with the final size
   * just before the target is replaced. An exception thrown here fails the export.
   */
  onProgress?: (progress: ExportProgress) => void;
  /** Default 100. */
  progressIntervalMs?: number;
  /** XLSX only: deflate level 0..9 (default 1, the fastest; 6 makes files about 20% smaller and takes 1.5x as long). */
  compressionLevel?: number;
}

export interface ExportResult {
  /** Absolute path of the written file. */
  path: string;
  format: ExportFormat;
  /** Data rows written (header rows and extra sheets not counted). */
  rows: number;
  /** Size of the file in bytes. */
  bytes: number;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  /**
   * XLSX only: text cells longer than Excel's limit of 32,767 characters, written shortened
   * with a marker (CSV and JSON Lines always hold the whole text). 0 otherwise.
   */
  truncatedCells: number;
}
