import type { SqliteDatabase } from '../open';
import { get } from './statements';

/**
 * The facts a local write checks before it is queued: the row's area and owner (for the
 * grant), its version (the change's base), and for new entries when the shift ends.
 */

export interface ShiftLogTarget {
  id: string;
  area_id: string;
  created_by: string | null;
  ends_at: string;
  status: string;
  version: number;
}

export function shiftLogTarget(db: SqliteDatabase, shiftLogId: string): ShiftLogTarget | undefined {
  return get<ShiftLogTarget>(db, 'SELECT id, area_id, created_by, ends_at, status, version FROM shift_log WHERE id = ?', [shiftLogId]);
}

export interface LogEntryTarget {
  id: string;
  area_id: string;
  author_id: string;
  version: number;
}

export function logEntryTarget(db: SqliteDatabase, entryId: string): LogEntryTarget | undefined {
  return get<LogEntryTarget>(db, 'SELECT id, area_id, author_id, version FROM log_entry WHERE id = ?', [entryId]);
}

export interface HandoverTarget {
  id: string;
  version: number;
  /** Through the shift log it comes from: the cache keeps a handover's area there. */
  area_id: string | null;
}

export function handoverTarget(db: SqliteDatabase, handoverId: string): HandoverTarget | undefined {
  return get<HandoverTarget>(db, 'SELECT h.id, h.version, l.area_id AS area_id FROM handover h LEFT JOIN shift_log l ON l.id = h.from_shift_log_id WHERE h.id = ?', [handoverId]);
}
