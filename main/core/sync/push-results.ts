import { PlantdeskError } from '../../../shared/errors';
import { MAX_PUSH_MUTATIONS, type PushResponse, type QueuedMutation } from '../../../shared/sync-protocol';
import type { SqliteDatabase } from '../store/open';
import { statement } from '../store/queries/statements';
import { syncedTables } from '../store/rows';

/**
 * The client half of POST /sync/push (SYNC.md): what to send, and how answers are recorded.
 * Nothing leaves the outbox until its result is stored; a rejected or conflicting mutation
 * moves to the conflicts inbox, visibly, and never blocks the mutations after it.
 */

interface OutboxRow {
  seq: number;
  id: string;
  name: string;
  args: string;
  base_version: number | null;
  client_time: string;
  grant_id: string | null;
}

/** The oldest pending mutations, in seq order, as the wire wants them. */
export function nextPushBatch(db: SqliteDatabase, fallbackGrantId: string, limit = MAX_PUSH_MUTATIONS): QueuedMutation[] {
  const rows = statement(db, "SELECT seq, id, name, args, base_version, client_time, grant_id FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?").all(limit) as OutboxRow[];
  return rows.map((row) => ({
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
      const outcome: PushOutcome = { applied: 0, rejected: 0, conflicts: 0, gapExpectedSeq: response.gap?.expectedSeq ?? null };
      for (const result of response.results) {
        const mutation = sentById.get(result.id);
        if (!mutation || mutation.seq !== result.seq) {
          throw new PlantdeskError('invalid_server_response', 'The server answered for a change that was not sent; nothing was recorded.');
        }
        statement(db, 'UPDATE outbox SET status = ?, result = ?, applied_seq = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(
          result.status,
          JSON.stringify(result),
          result.appliedSeq,
          result.id,
        );
        if (result.status === 'applied') {
          outcome.applied += 1;
          continue;
        }
        statement(
          db,
          `INSERT INTO conflicts (mutation_id, name, args, reason, server_row, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (mutation_id) DO NOTHING`,
        ).run(
          result.id,
          mutation.name,
          JSON.stringify(mutation.args),
          result.status === 'conflict' ? 'conflict' : (result.reason ?? 'invalid'),
          result.serverRow === null ? null : JSON.stringify(result.serverRow),
          now.toISOString(),
        );
        // A row this workstation created for the refused change (version 0: never on the server)
        // goes; the intent stays in the conflicts inbox, to retry or discard.
        for (const table of syncedTables) statement(db, `DELETE FROM ${table} WHERE pending_mutation_id = ? AND version = 0`).run(result.id);
        if (result.status === 'conflict') outcome.conflicts += 1;
        else outcome.rejected += 1;
      }
      return outcome;
    })
    .immediate();
}

/** Marks a failed attempt (network, 5xx) without touching statuses: the batch is retried. */
export function recordPushFailure(db: SqliteDatabase, sent: readonly QueuedMutation[], message: string): void {
  const update = statement(db, 'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?');
  db.transaction(() => {
    for (const mutation of sent) update.run(message.slice(0, 500), mutation.id);
  })();
}
