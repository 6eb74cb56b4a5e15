import type { SqliteDatabase } from '../open';
import { applyScope, type RowScope } from '../scope';
import { all, inListSql } from './statements';

export interface HandoverView {
  id: string;
  from_shift_log_id: string;
  to_shift_log_id: string | null;
  /** JSON: [{ "text", "entry_id"? }] carried over. */
  open_items: string;
  outgoing_ack_by: string | null;
  outgoing_ack_at: string | null;
  incoming_ack_by: string | null;
  incoming_ack_at: string | null;
  version: number;
  pending_mutation_id: string | null;
}

/**
 * The handovers a shift log gives (from) or takes (to), within the reader's scope; a handover
 * lies in the area of the log it comes from (the cache keeps no area of its own).
 */
export function handoversOfShiftLog(db: SqliteDatabase, scope: RowScope, shiftLogId: string): HandoverView[] {
  const where = ['(h.from_shift_log_id = ? OR h.to_shift_log_id = ?)'];
  const params: unknown[] = [shiftLogId, shiftLogId];
  applyScope(scope, { own: null, inAreas: (count) => inListSql('(SELECT area_id FROM shift_log WHERE id = h.from_shift_log_id)', count) }, where, params);
  return all<HandoverView>(
    db,
    `SELECT h.id, h.from_shift_log_id, h.to_shift_log_id, h.open_items, h.outgoing_ack_by, h.outgoing_ack_at, h.incoming_ack_by, h.incoming_ack_at, ` +
      `h.version, h.pending_mutation_id FROM handover h WHERE ${where.join(' AND ')} ORDER BY h.id`,
    params,
  );
}
