import type { SqliteDatabase } from '../open';
import { all } from './statements';

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
