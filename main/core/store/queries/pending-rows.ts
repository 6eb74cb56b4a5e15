import type { SqliteDatabase } from '../open';
import type { SyncedTable } from '../rows';
import { syncedTables } from '../rows';
import { get, statement } from './statements';

/** A cached row's pending mark (the local change it shows) and version. */
export function pendingMarkOf(db: SqliteDatabase, table: SyncedTable, id: string): { mutation: string | null; version: number } | undefined {
  return get(db, `SELECT pending_mutation_id AS mutation, version FROM ${table} WHERE id = ?`, [id]);
}

/**
 * Removes the rows a refused change created on this workstation (version 0: never on the
 * server). The change itself stays in the conflicts inbox, to retry or discard.
 */
export function dropRowsCreatedBy(db: SqliteDatabase, mutationId: string): void {
  for (const table of syncedTables) statement(db, `DELETE FROM ${table} WHERE pending_mutation_id = ? AND version = 0`).run(mutationId);
}
