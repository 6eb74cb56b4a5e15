import { PlantdeskError } from '../../../shared/errors';
import { PullResponseSchema, type Change, type PullResponse } from '../../../shared/sync-protocol';
import type { SqliteDatabase } from '../store/open';
import { anyOutboxAwaitingPull, outboxStatusOf } from '../store/queries/outbox';
import { pendingMarkOf } from '../store/queries/pending-rows';
import type { AuditEventRow, SyncedTable } from '../store/rows';
import { syncedTables } from '../store/rows';
import { appendAuditEvents, deleteRows, upsertRows, writeSyncState, type WritableRow } from '../store/writes';

/**
 * Applies one pulled page to the cache: the whole page and its cursor in ONE transaction, or
 * nothing (SYNC.md). A page that does not parse, names a table the cache does not have, carries
 * a column the table does not have, or whose seqs do not follow `since` is refused whole, so a
 * crash or a bad answer never leaves half a page behind.
 */
export interface AppliedPage {
  cursor: number;
  applied: number;
  /** Changes not applied because a newer local change to the row is still pending. */
  keptPending: number;
}

export function parsePullPage(raw: unknown, since: number): PullResponse {
  const parsed = PullResponseSchema.safeParse(raw);
  if (!parsed.success) throw new PlantdeskError('invalid_server_response', 'A page of changes from the server was malformed; none of it was written.');
  const page = parsed.data;
  let previous = since;
  for (const change of page.changes) {
    if (change.seq <= previous) throw new PlantdeskError('invalid_server_response', 'A page of changes from the server was out of order; none of it was written.');
    if (change.op === 'upsert' && (change.row === null || change.row.id !== change.entityId) && change.entity !== 'audit_event') {
      throw new PlantdeskError('invalid_server_response', 'A change from the server did not carry its row; none of the page was written.');
    }
    previous = change.seq;
  }
  // The cursor may run past the last change shown: changes this person may not see are skipped.
  if (page.cursor < previous) throw new PlantdeskError('invalid_server_response', 'A page of changes ended before its last change; none of it was written.');
  return page;
}

function tableOf(change: Change): SyncedTable | 'audit_event' {
  if (change.entity === 'audit_event') return 'audit_event';
  if ((syncedTables as readonly string[]).includes(change.entity)) return change.entity as SyncedTable;
  throw new PlantdeskError('invalid_server_response', `The server sent changes of "${change.entity}", which this version of Plantdesk does not keep; none of the page was written.`);
}

/**
 * A row the user changed locally stays as the optimistic version until the server's version
 * at or after the mutation's applied seq arrives (SYNC.md "pending marks").
 */
function keepsPendingRow(db: SqliteDatabase, table: SyncedTable, change: Change): boolean {
  const local = pendingMarkOf(db, table, change.entityId);
  if (!local?.mutation) return false;
  const queued = outboxStatusOf(db, local.mutation);
  if (!queued) return false;
  if (queued.status === 'pending') return true;
  // Created here (version 0, a client-made id): every server version of the row comes from this
  // mutation or later. applied_seq is the mutation's LAST change, and a sign-off writes its row
  // before the log's status, so comparing seqs would keep the row pending for good.
  if (queued.status === 'applied' && local.version === 0) return false;
  return queued.status === 'applied' && queued.applied_seq !== null && change.seq < queued.applied_seq;
}

export function applyPullPage(db: SqliteDatabase, page: PullResponse, now: Date): AppliedPage {
  try {
    return writePage(db, page, now);
  } catch (error) {
    if (error instanceof PlantdeskError) throw error;
    // An unknown column (TypeError from the store) or a row the schema's CHECKs refuse: the
    // transaction rolled back, nothing of the page is in the cache.
    throw new PlantdeskError('invalid_server_response', 'A page of changes from the server did not fit this workstation\'s cache; none of it was written.', {
      cause: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
    });
  }
}

function writePage(db: SqliteDatabase, page: PullResponse, now: Date): AppliedPage {
  return db
    .transaction((): AppliedPage => {
      // Only pending changes, or answered ones whose server version is not in yet, can shadow a
      // pulled row: answered rows behind this page never do (they stay in the outbox for good).
      const since = page.changes.length > 0 ? page.changes[0].seq - 1 : page.cursor;
      const anyPending = anyOutboxAwaitingPull(db, since);
      let applied = 0;
      let keptPending = 0;
      // Consecutive upserts of one table go to the store together (one statement per batch).
      let batchTable: SyncedTable | null = null;
      let batch: WritableRow<SyncedTable>[] = [];
      const flush = () => {
        if (batchTable && batch.length) upsertRows(db, batchTable, batch);
        batch = [];
        batchTable = null;
      };
      for (const change of page.changes) {
        const table = tableOf(change);
        if (table === 'audit_event') {
          flush();
          if (change.op !== 'upsert' || !change.row) throw new PlantdeskError('invalid_server_response', 'The server tried to delete an audit event; none of the page was written.');
          appendAuditEvents(db, [change.row as unknown as AuditEventRow]);
          applied += 1;
          continue;
        }
        if (anyPending && keepsPendingRow(db, table, change)) {
          keptPending += 1;
          continue;
        }
        if (change.op === 'delete') {
          flush();
          deleteRows(db, table, [change.entityId]);
        } else {
          if (batchTable !== table) flush();
          batchTable = table;
          batch.push({ ...(change.row as WritableRow<SyncedTable>), pending_mutation_id: null });
        }
        applied += 1;
      }
      flush();
      writeSyncState(db, { cursor: page.cursor, policy_version: String(page.policyVersion), last_ok_at: now.toISOString() });
      return { cursor: page.cursor, applied, keptPending };
    })
    .immediate();
}
