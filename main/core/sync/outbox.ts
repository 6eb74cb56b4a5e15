import { uuidv7 } from '../../../shared/uuid7';
import type { MutationArgs, MutationName } from '../../../shared/mutations';
import type { SqliteDatabase } from '../store/open';
import { appendLocalAudit } from '../store/writes';

export interface QueueRequest<N extends MutationName> {
  name: N;
  args: MutationArgs<N>;
  baseVersion?: number | null;
  grantId: string;
  actorId: string;
  now: Date;
  /** The optimistic change to the cached rows, marked pending with the mutation id. */
  applyLocally?: (db: SqliteDatabase, mutationId: string) => void;
  /** What the local audit log records (the previous state where the change has one). */
  auditDetails?: Record<string, unknown>;
}

export interface QueuedMutationRef {
  id: string;
  seq: number;
}

/**
 * A local write (SYNC.md): the row change, the outbox row and the local audit record in ONE
 * SQLite transaction (synchronous=FULL), so a crash leaves all three or none. The outbox seq
 * is per client, +1 each; the id is a UUIDv7, the server's idempotency key.
 */
export function queueMutation<N extends MutationName>(db: SqliteDatabase, request: QueueRequest<N>): QueuedMutationRef {
  return db.transaction((): QueuedMutationRef => {
    const id = uuidv7(request.now.getTime());
    const { next } = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM outbox').get() as { next: number };
    request.applyLocally?.(db, id);
    db.prepare(
      `INSERT INTO outbox (seq, id, name, args, base_version, client_time, grant_id, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
    ).run(next, id, request.name, JSON.stringify(request.args), request.baseVersion ?? null, request.now.toISOString(), request.grantId);
    appendLocalAudit(db, {
      action: request.name,
      actorId: request.actorId,
      details: request.auditDetails ?? { args: request.args },
      mutationId: id,
      at: request.now,
    });
    return { id, seq: next };
  }).immediate();
}

export function pendingCount(db: SqliteDatabase): number {
  return (db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
}
