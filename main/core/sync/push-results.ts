import { PlantdeskError } from '../../../shared/errors';
import { MAX_PUSH_MUTATIONS, type PushResponse, type QueuedMutation } from '../../../shared/sync-protocol';
import type { SqliteDatabase } from '../store/open';
import { insertConflict } from '../store/queries/conflicts';
import { oldestPendingOutbox, recordOutboxAnswer, recordOutboxAttempt } from '../store/queries/outbox';
import { dropRowsCreatedBy } from '../store/queries/pending-rows';

/**
 * The client half of POST /sync/push (SYNC.md): what to send, and how answers are recorded.
 * Nothing leaves the outbox until its result is stored; a rejected or conflicting mutation
 * moves to the conflicts inbox, visibly, and never blocks the mutations after it.
 */

/** The oldest pending mutations, in seq order, as the wire wants them. */
export function nextPushBatch(db: SqliteDatabase, fallbackGrantId: string, limit = MAX_PUSH_MUTATIONS): QueuedMutation[] {
  return oldestPendingOutbox(db, limit).map((row) => ({
    id: row.id,
    seq: row.seq,
    name: row.name,
    args: JSON.parse(row.args) as unknown,
    baseVersion: row.base_version,
    clientTime: row.client_time,
    grantId: row.grant_id ?? fallbackGrantId,
  }));
}

export interface PushOutcome {
  applied: number;
  /** Of those, the changes people made (not this workstation's own audit records). */
  appliedChanges: number;
  rejected: number;
  conflicts: number;
  /**
   * Set when the server stopped at a gap. We always send from the oldest pending seq, so a gap
   * means the server lacks changes this workstation holds as delivered (a restored database):
   * nothing is dropped or renumbered; the caller reports it.
   */
  gapExpectedSeq: number | null;
}

/** Stores every result of one push answer in one transaction (statements prepared once per database). */
export function recordPushResults(db: SqliteDatabase, sent: readonly QueuedMutation[], response: PushResponse, now: Date): PushOutcome {
  const sentById = new Map(sent.map((mutation) => [mutation.id, mutation]));
  return db
    .transaction((): PushOutcome => {
      const outcome: PushOutcome = { applied: 0, appliedChanges: 0, rejected: 0, conflicts: 0, gapExpectedSeq: response.gap?.expectedSeq ?? null };
      for (const result of response.results) {
        const mutation = sentById.get(result.id);
        if (!mutation || mutation.seq !== result.seq) {
          throw new PlantdeskError('invalid_server_response', 'The server answered for a change that was not sent; nothing was recorded.');
        }
        recordOutboxAnswer(db, { id: result.id, status: result.status, appliedSeq: result.appliedSeq, result });
        if (result.status === 'applied') {
          outcome.applied += 1;
          if (mutation.name !== 'audit.local') outcome.appliedChanges += 1;
          continue;
        }
        insertConflict(db, {
          mutationId: result.id,
          name: mutation.name,
          args: mutation.args,
          reason: result.status === 'conflict' ? 'conflict' : (result.reason ?? 'invalid'),
          serverRow: result.serverRow,
          at: now,
        });
        // A row this workstation created for the refused change (version 0: never on the server)
        // goes; the intent stays in the conflicts inbox, to retry or discard.
        dropRowsCreatedBy(db, result.id);
        if (result.status === 'conflict') outcome.conflicts += 1;
        else outcome.rejected += 1;
      }
      return outcome;
    })
    .immediate();
}

/** Marks a failed attempt (network, 5xx) without touching statuses: the batch is retried. */
export function recordPushFailure(db: SqliteDatabase, sent: readonly QueuedMutation[], message: string): void {
  db.transaction(() => {
    for (const mutation of sent) recordOutboxAttempt(db, mutation.id, message.slice(0, 500));
  })();
}
