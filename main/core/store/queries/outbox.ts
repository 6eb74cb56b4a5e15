import type { SqliteDatabase } from '../open';
import { all, get, statement } from './statements';

export interface OutboxItem {
  seq: number;
  mutation_id: string;
  name: string;
  client_time: string;
  attempts: number;
  last_error: string | null;
  /** For the workstation's own audit records: which (sign-in, unlock, export...). */
  local_action: string | null;
}

/** Changes made here that the server has not answered yet, oldest first (the order they are sent). */
export function listPendingOutbox(db: SqliteDatabase, limit: number): OutboxItem[] {
  return all<OutboxItem>(
    db,
    `SELECT seq, id AS mutation_id, name, client_time, attempts, last_error,
            CASE WHEN name = 'audit.local' THEN json_extract(args, '$.action') END AS local_action
       FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?`,
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

/** The seq the next change made here gets: per workstation, one more than the last. */
export function nextOutboxSeq(db: SqliteDatabase): number {
  return get<{ next: number }>(db, 'SELECT coalesce(max(seq), 0) + 1 AS next FROM outbox', [])!.next;
}

export interface NewOutboxMutation {
  seq: number;
  id: string;
  name: string;
  args: unknown;
  baseVersion: number | null;
  clientTime: string;
  grantId: string;
}

export function insertOutboxMutation(db: SqliteDatabase, mutation: NewOutboxMutation): void {
  statement(
    db,
    `INSERT INTO outbox (seq, id, name, args, base_version, client_time, grant_id, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
  ).run(mutation.seq, mutation.id, mutation.name, JSON.stringify(mutation.args), mutation.baseVersion, mutation.clientTime, mutation.grantId);
}

export interface PendingOutboxRow {
  seq: number;
  id: string;
  name: string;
  args: string;
  base_version: number | null;
  client_time: string;
  grant_id: string | null;
}

/** The oldest pending changes, in seq order: the next batch to push. */
export function oldestPendingOutbox(db: SqliteDatabase, limit: number): PendingOutboxRow[] {
  return all<PendingOutboxRow>(db, "SELECT seq, id, name, args, base_version, client_time, grant_id FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?", [limit]);
}

/** Stores the server's answer to one change (applied, rejected, conflict) with the attempt. */
export function recordOutboxAnswer(db: SqliteDatabase, answer: { id: string; status: string; appliedSeq: number | null; result: unknown }): void {
  statement(db, 'UPDATE outbox SET status = ?, result = ?, applied_seq = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(
    answer.status,
    JSON.stringify(answer.result),
    answer.appliedSeq,
    answer.id,
  );
}

/** Counts a failed attempt (network, 5xx) without touching the status: the change is sent again. */
export function recordOutboxAttempt(db: SqliteDatabase, id: string, error: string): void {
  statement(db, 'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(error, id);
}

/** Where one change stands with the server. */
export function outboxStatusOf(db: SqliteDatabase, mutationId: string): { status: string; applied_seq: number | null } | undefined {
  return get(db, 'SELECT status, applied_seq FROM outbox WHERE id = ?', [mutationId]);
}

/**
 * Whether any change could still shadow a pulled row: pending ones, or answered ones whose
 * server version is not in yet (applied after `since`).
 */
export function anyOutboxAwaitingPull(db: SqliteDatabase, since: number): boolean {
  return get<{ any: number }>(db, "SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' OR (status = 'applied' AND applied_seq > ?)) AS any", [since])!.any === 1;
}
