import { PlantdeskError } from '../../../../shared/errors';
import type { SqliteDatabase } from '../../store/open';
import type { AuditEventRow, SyncedTable } from '../../store/rows';
import { syncedTables } from '../../store/rows';
import { appendAuditEvents, tableColumns, upsertRows, type WritableRow } from '../../store/writes';

/**
 * Writes a snapshot frame's rows into the cache in use, as well as into the store being built:
 * the frames the server marks recent (each area's newest days, the plant's structure), so the
 * lists show them while the rest loads. One transaction per frame; the cache's cursor stays at
 * 0 until the finished store replaces it, so an interrupted first sync simply starts again.
 */
export function applyRecentRows(db: SqliteDatabase, table: string, columns: readonly string[], payload: Uint8Array, count: number): void {
  let rows: unknown;
  try {
    rows = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    throw new PlantdeskError('invalid_server_response', 'A part of the first-sync download was not readable; nothing of it was written.');
  }
  if (!Array.isArray(rows) || rows.length !== count) throw new PlantdeskError('invalid_server_response', 'A part of the first-sync download held another number of rows than it announced; nothing of it was written.');
  // A null for a NOT NULL column with a default is left out, so the default applies (as in the staging store).
  const defaulted = tableColumns(db, table).defaults;
  const objects = rows.map((values: unknown) => {
    if (!Array.isArray(values) || values.length !== columns.length) throw new PlantdeskError('invalid_server_response', 'A row of the first-sync download did not have its columns; nothing of its part was written.');
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      if (values[i] !== null || !defaulted.has(column)) row[column] = values[i];
    });
    return row;
  });
  try {
    db.transaction(() => {
      if (table === 'audit_event') appendAuditEvents(db, objects as unknown as AuditEventRow[]);
      else if ((syncedTables as readonly string[]).includes(table)) upsertRows(db, table as SyncedTable, objects.map((row) => ({ ...(row as WritableRow<SyncedTable>), pending_mutation_id: null })));
    })();
  } catch (error) {
    if (error instanceof PlantdeskError) throw error;
    throw new PlantdeskError('invalid_server_response', 'A part of the first-sync download did not fit this workstation\'s cache; nothing of it was written.', {
      cause: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
    });
  }
}
