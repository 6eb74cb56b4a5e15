import type { SqliteDatabase } from '../open';
import { all, get, statement } from './statements';

/** A change the server refused or found in conflict, with the outbox's stored answer. */
export interface OpenConflictRow {
  id: number;
  mutation_id: string;
  name: string;
  args: string;
  reason: 'conflict' | 'forbidden' | 'invalid';
  server_row: string | null;
  created_at: string;
  result: string | null;
}

const selectOpen = `SELECT c.id, c.mutation_id, c.name, c.args, c.reason, c.server_row, c.created_at, o.result
  FROM conflicts c LEFT JOIN outbox o ON o.id = c.mutation_id WHERE c.resolved_at IS NULL`;

export function listOpenConflicts(db: SqliteDatabase): OpenConflictRow[] {
  return all<OpenConflictRow>(db, `${selectOpen} ORDER BY c.id`, []);
}

export function getOpenConflict(db: SqliteDatabase, id: number): OpenConflictRow | undefined {
  return get<OpenConflictRow>(db, `${selectOpen} AND c.id = ?`, [id]);
}

export function markConflictResolved(db: SqliteDatabase, id: number, resolution: 'retried' | 'discarded', at: Date): void {
  statement(db, 'UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(at.toISOString(), resolution, id);
}

/** Records a change the server did not apply; a second answer for the same change adds nothing. */
export function insertConflict(
  db: SqliteDatabase,
  conflict: { mutationId: string; name: string; args: unknown; reason: OpenConflictRow['reason']; serverRow: unknown; at: Date },
): void {
  statement(
    db,
    `INSERT INTO conflicts (mutation_id, name, args, reason, server_row, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (mutation_id) DO NOTHING`,
  ).run(conflict.mutationId, conflict.name, JSON.stringify(conflict.args), conflict.reason, conflict.serverRow === null ? null : JSON.stringify(conflict.serverRow), conflict.at.toISOString());
}

export interface ChangeSinceSignature {
  kind: 'entry' | 'amendment';
  id: string;
  entryId: string;
  at: string;
  authorId: string;
  body: string | null;
}

/** Entries and amendments recorded in a shift log after a moment (a signature), oldest first. */
export function changesInLogSince(db: SqliteDatabase, shiftLogId: string, since: string, limit = 200): ChangeSinceSignature[] {
  return all<ChangeSinceSignature>(
    db,
    `SELECT 'entry' AS kind, e.id, e.id AS entryId, e.recorded_at AS at, e.author_id AS authorId, e.body FROM log_entry e
       WHERE e.shift_log_id = ? AND e.recorded_at > ?
     UNION ALL
     SELECT 'amendment', a.id, a.entry_id, a.at, a.author_id, a.body FROM entry_amendment a JOIN log_entry e ON e.id = a.entry_id
       WHERE e.shift_log_id = ? AND a.at > ?
     ORDER BY at LIMIT ?`,
    [shiftLogId, since, shiftLogId, since, limit],
  );
}

/** The shift log a change is about, as a person names it: area, shift date and shift. */
export interface ConflictLogLabel {
  id: string;
  areaName: string | null;
  shiftDate: string;
  shiftName: string;
}

/**
 * The log a conflicting change concerns, found from whichever reference the change carries (the
 * log itself, an entry of it, or a handover from it); null when the cache does not hold it.
 */
export function conflictLog(db: SqliteDatabase, refs: { shiftLogId?: string; entryId?: string; handoverId?: string }): ConflictLogLabel | null {
  const row = get<ConflictLogLabel>(
    db,
    `SELECT l.id, a.name AS areaName, l.shift_date AS shiftDate, l.shift_name AS shiftName FROM shift_log l LEFT JOIN area a ON a.id = l.area_id
     WHERE l.id = COALESCE(?, (SELECT shift_log_id FROM log_entry WHERE id = ?), (SELECT from_shift_log_id FROM handover WHERE id = ?))`,
    [refs.shiftLogId ?? null, refs.entryId ?? null, refs.handoverId ?? null],
  );
  return row ?? null;
}
