import type { SqliteDatabase } from '../open';
import { all, get } from './statements';

export interface OutboxItem {
  seq: number;
  mutation_id: string;
  name: string;
  client_time: string;
  attempts: number;
  last_error: string | null;
}

/** Changes made here that the server has not answered yet, oldest first (the order they are sent). */
export function listPendingOutbox(db: SqliteDatabase, limit: number): OutboxItem[] {
  return all<OutboxItem>(
    db,
    `SELECT seq, id AS mutation_id, name, client_time, attempts, last_error FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?`,
    [limit],
  );
}

/** How many changes made here still wait to be sent. */
export function countPendingOutbox(db: SqliteDatabase): number {
  return get<{ n: number }>(db, "SELECT count(*) AS n FROM outbox WHERE status = 'pending'", [])?.n ?? 0;
}

export interface SyncCounts {
  pending: number;
  conflicts: number;
  cursor: number;
  lastOkAt: string | null;
}

/** What the sync status shows: changes waiting, conflicts open, how far the pull has come. */
export function syncCounts(db: SqliteDatabase): SyncCounts {
  const row = get<{ pending: number; conflicts: number; cursor: number; last_ok_at: string | null }>(
    db,
    `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
            (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL) AS conflicts,
            cursor, last_ok_at FROM sync_state WHERE id = 1`,
    [],
  );
  if (!row) return { pending: 0, conflicts: 0, cursor: 0, lastOkAt: null };
  return { pending: row.pending, conflicts: row.conflicts, cursor: row.cursor, lastOkAt: row.last_ok_at };
}
