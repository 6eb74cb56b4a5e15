import { uuidv7 } from '../../../shared/uuid7';
import type { MutationArgs, MutationName } from '../../../shared/mutations';
import type { SqliteDatabase } from './open';
import { insertOutboxMutation, nextOutboxSeq } from './queries/outbox';
import { appendLocalAudit } from './writes';

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
    const next = nextOutboxSeq(db);
    request.applyLocally?.(db, id);
    insertOutboxMutation(db, { seq: next, id, name: request.name, args: request.args, baseVersion: request.baseVersion ?? null, clientTime: request.now.toISOString(), grantId: request.grantId });
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
