import type { SqliteDatabase } from './open';
import { syncedTables } from './rows';
import { writeSyncState } from './writes';

/**
 * Empties the cache of everything pulled, keeping the outbox and the rows of changes still
 * waiting to be pushed, then rewinds the cursor to 0 (SYNC.md: a policy change purges what is
 * no longer visible and downloads what became visible; a `409 reset` rebuilds from zero; pending
 * writes are never dropped). One transaction: a crash leaves the old cache or the empty one.
 *
 * The downloaded audit copy is append-only by trigger; the trigger is lifted for this one
 * statement inside the transaction and restored before it commits. (It guards against edits
 * through the app, not against someone holding the key, who could do the same.)
 */
export function clearPulledData(db: SqliteDatabase): void {
  db.transaction(() => {
    const livePending = `pending_mutation_id IS NOT NULL AND pending_mutation_id IN (SELECT id FROM outbox WHERE status = 'pending')`;
    for (const table of syncedTables) db.prepare(`DELETE FROM ${table} WHERE NOT (${livePending})`).run();
    db.exec('DROP TRIGGER audit_event_no_delete');
    db.exec('DELETE FROM audit_event');
    db.exec(`CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;`);
    writeSyncState(db, { cursor: 0, policy_version: null });
  }).immediate();
}
