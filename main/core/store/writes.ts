import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqliteDatabase } from './open';
import { statement } from './queries/statements';
import { syncedTables, type AuditEventRow, type SyncStateRow, type SyncedRowOf, type SyncedTable } from './rows';

/**
 * Writing rows as they come from the server (pulled changes) or from a local change. Column
 * names are checked against the table's own schema, never taken on trust from the row.
 */

export interface TableColumns {
  /** Every column but the local row number. */
  all: Set<string>;
  /** NOT NULL columns with a default (what a row may leave out), with the default's SQL text. */
  defaults: Map<string, string>;
  /** Whether the table has the local row number (log_entry's row_no). */
  rowNumbered: boolean;
}

const columnCache = new WeakMap<SqliteDatabase, Map<string, TableColumns>>();

/** A table's columns as its schema has them, read once per connection. */
export function tableColumns(db: SqliteDatabase, table: string): TableColumns {
  let tables = columnCache.get(db);
  if (!tables) {
    tables = new Map();
    columnCache.set(db, tables);
  }
  let columns = tables.get(table);
  if (!columns) {
    const info = db.prepare('SELECT name, "notnull" AS required, dflt_value AS dflt FROM pragma_table_info(?)').all(table) as { name: string; required: number; dflt: string | null }[];
    columns = {
      all: new Set(info.map((c) => c.name).filter((name) => name !== 'row_no')),
      defaults: new Map(info.flatMap((c) => (c.required && c.dflt !== null ? [[c.name, c.dflt] as const] : []))),
      rowNumbered: info.some((c) => c.name === 'row_no'),
    };
    tables.set(table, columns);
  }
  return columns;
}

const columnsOf = (db: SqliteDatabase, table: string): Set<string> => tableColumns(db, table).all;

function checkedColumns(db: SqliteDatabase, table: string, row: object): string[] {
  const allowed = columnsOf(db, table);
  const names = Object.keys(row);
  for (const name of names) if (!allowed.has(name)) throw new TypeError(`${table} has no column ${JSON.stringify(name)}`);
  return names.sort();
}

/** A row to write: its id and any of its columns. */
export type WritableRow<T extends SyncedTable> = Partial<SyncedRowOf[T]> & { id: string };

/** Rows with the same columns written in one go (then cut into statements). */
const maxRowsPerRun = 10_000;
/** SQLite's limit on bound parameters in one statement (SQLITE_MAX_VARIABLE_NUMBER). */
const maxParameters = 32_766;
/** Prepared multi-row statements kept per database; a batch needs at most two row counts. */
const maxCachedUpserts = 200;
const upsertCache = new WeakMap<SqliteDatabase, Map<string, Database.Statement<unknown[]>>>();

/** `INSERT INTO t (cols) VALUES (?, ...), ... ON CONFLICT (id) DO UPDATE SET col = excluded.col, ...` */
function upsertStatement(db: SqliteDatabase, table: string, names: string[], rowCount: number): Database.Statement<unknown[]> {
  let cache = upsertCache.get(db);
  if (!cache) {
    cache = new Map();
    upsertCache.set(db, cache);
  }
  const key = `${table}|${names.join(',')}|${rowCount}`;
  let prepared = cache.get(key);
  if (!prepared) {
    const updates = names.filter((n) => n !== 'id');
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const sql =
      `INSERT INTO ${table} (${names.join(', ')}) VALUES ${Array.from({ length: rowCount }, () => tuple).join(', ')} ON CONFLICT (id) DO ` +
      (updates.length ? `UPDATE SET ${updates.map((n) => `${n} = excluded.${n}`).join(', ')}` : 'NOTHING');
    prepared = db.prepare<unknown[]>(sql);
    if (cache.size > maxCachedUpserts) cache.clear();
    cache.set(key, prepared);
  }
  return prepared;
}

/**
 * Inserts or updates whole rows by id (the local row number of a log entry stays as it is, so
 * its full-text row follows). Consecutive rows with the same columns go to SQLite in multi-row
 * statements of up to ~2,000 rows: FTS5 flushes its pending index at every statement boundary,
 * so a statement per row would write the index in tiny segments and merge them over and over
 * (measured 3-4x slower). Values are bound as parameters (booleans as 0/1, objects as JSON
 * text); the JSON array read with json_each that this replaced spent about a third of a bulk
 * load parsing each row's JSON once per column. Call inside a transaction.
 */
export function upsertRows<T extends SyncedTable>(db: SqliteDatabase, table: T, rows: readonly WritableRow<T>[]): void {
  if (!(syncedTables as readonly string[]).includes(table)) throw new TypeError(`${table} is not a synced table`);
  const params: unknown[] = [];
  let start = 0;
  while (start < rows.length) {
    const names = checkedColumns(db, table, rows[start]);
    const signature = names.join(',');
    const fullStatement = Math.max(1, Math.floor(maxParameters / names.length));
    let end = start + 1;
    while (end < rows.length && end - start < maxRowsPerRun && checkedColumns(db, table, rows[end]).join(',') === signature) end++;
    // A run of rows is cut into equal statements (at most two row counts to prepare), so no
    // statement is a small remainder that FTS5 would flush as a tiny segment.
    const statements = Math.ceil((end - start) / fullStatement);
    for (let part = 0; part < statements; part++) {
      const count = Math.floor((end - start) / (statements - part));
      params.length = 0;
      for (let i = start; i < start + count; i++) {
        const row = rows[i] as Record<string, unknown>;
        for (const name of names) params.push(toSqlValue(row[name]));
      }
      upsertStatement(db, table, names, count).run(params);
      start += count;
    }
  }
}

/**
 * Changes some columns of one row by id (a local edit, an admin's status change); upsertRows
 * needs whole rows, since a new row must satisfy every NOT NULL column. Returns rows changed.
 */
export function updateRow<T extends SyncedTable>(db: SqliteDatabase, table: T, id: string, changes: Omit<Partial<SyncedRowOf[T]>, 'id'>): number {
  if (!(syncedTables as readonly string[]).includes(table)) throw new TypeError(`${table} is not a synced table`);
  const names = checkedColumns(db, table, changes).filter((n) => n !== 'id');
  if (names.length === 0) return 0;
  return statement(db, `UPDATE ${table} SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(
    ...names.map((n) => toSqlValue((changes as Record<string, unknown>)[n])),
    id,
  ).changes;
}

/** Removes rows by id (a pulled tombstone, or a purge after the reader's scope shrank). */
export function deleteRows(db: SqliteDatabase, table: SyncedTable, ids: readonly string[]): number {
  if (!(syncedTables as readonly string[]).includes(table)) throw new TypeError(`${table} is not a synced table`);
  return statement(db, `DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids)).changes;
}

/** Appends downloaded audit events; one already held (same seq) is left as it is. */
export function appendAuditEvents(db: SqliteDatabase, events: readonly AuditEventRow[]): void {
  for (const event of events) {
    const names = checkedColumns(db, 'audit_event', event);
    statement(db, `INSERT INTO audit_event (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT (seq) DO NOTHING`).run(
      ...names.map((n) => toSqlValue((event as unknown as Record<string, unknown>)[n])),
    );
  }
}

export interface LocalAuditRecord {
  action: string;
  actorId: string | null;
  details?: unknown;
  mutationId?: string | null;
  at?: Date;
}

/** One line of this workstation's append-only local log. */
export function appendLocalAudit(db: SqliteDatabase, record: LocalAuditRecord): number {
  const result = statement(db, 'INSERT INTO local_audit (at, actor_id, action, details, mutation_id) VALUES (?, ?, ?, ?, ?)').run(
    (record.at ?? new Date()).toISOString(),
    record.actorId,
    record.action,
    record.details === undefined ? null : JSON.stringify(record.details),
    record.mutationId ?? null,
  );
  return Number(result.lastInsertRowid);
}

export function readSyncState(db: SqliteDatabase): SyncStateRow {
  return statement(db, 'SELECT cursor, policy_version, last_ok_at, client_id FROM sync_state WHERE id = 1').get() as SyncStateRow;
}

export function writeSyncState(db: SqliteDatabase, state: Partial<SyncStateRow>): void {
  const names = Object.keys(state).filter((n) => ['cursor', 'policy_version', 'last_ok_at', 'client_id'].includes(n)).sort();
  if (names.length === 0) return;
  statement(db, `UPDATE sync_state SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = 1`).run(
    ...names.map((n) => (state as Record<string, unknown>)[n] ?? null),
  );
}

/** Booleans as 0/1 and objects as JSON text, the way the schema stores them. */
function toSqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}
