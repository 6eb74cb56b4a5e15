import { PlantdeskError } from '../../../shared/errors';
import { isMutationName, type MutationArgs } from '../../../shared/mutations';
import type { SqliteDatabase } from '../store/open';
import { createLogEntry, type Writer } from './local-writes';
import { queueMutation } from './outbox';

/**
 * The conflicts inbox (SYNC.md): refused and conflicting changes stay visible, with the local
 * intent beside the server's row, until a person retries (a new mutation, rebased on the
 * server's row) or discards them (itself audited). Nothing here is resolved silently.
 */
export interface ConflictView {
  id: number;
  mutationId: string;
  name: string;
  args: unknown;
  reason: 'conflict' | 'forbidden' | 'invalid';
  serverRow: Record<string, unknown> | null;
  message: string | null;
  createdAt: string;
}

interface ConflictRow {
  id: number;
  mutation_id: string;
  name: string;
  args: string;
  reason: ConflictView['reason'];
  server_row: string | null;
  created_at: string;
  result: string | null;
}

function toView(row: ConflictRow): ConflictView {
  const result = row.result ? (JSON.parse(row.result) as { message?: string | null }) : null;
  return {
    id: row.id,
    mutationId: row.mutation_id,
    name: row.name,
    args: JSON.parse(row.args),
    reason: row.reason,
    serverRow: row.server_row ? (JSON.parse(row.server_row) as Record<string, unknown>) : null,
    message: result?.message ?? null,
    createdAt: row.created_at,
  };
}

const selectOpen = `SELECT c.id, c.mutation_id, c.name, c.args, c.reason, c.server_row, c.created_at, o.result
  FROM conflicts c LEFT JOIN outbox o ON o.id = c.mutation_id WHERE c.resolved_at IS NULL`;

export function listConflicts(db: SqliteDatabase): ConflictView[] {
  return (db.prepare(`${selectOpen} ORDER BY c.id`).all() as ConflictRow[]).map(toView);
}

function openConflict(db: SqliteDatabase, id: number): ConflictView {
  const row = db.prepare(`${selectOpen} AND c.id = ?`).get(id) as ConflictRow | undefined;
  if (!row) throw new PlantdeskError('not_found', 'That conflict is already resolved or does not exist.');
  return toView(row);
}

/** Discards the change: recorded locally and reported to the server's audit trail. */
export function discardConflict(db: SqliteDatabase, writer: Writer, id: number): void {
  const conflict = openConflict(db, id);
  db.transaction(() => {
    db.prepare("UPDATE conflicts SET resolved_at = ?, resolution = 'discarded' WHERE id = ?").run(writer.now.toISOString(), id);
    queueMutation(db, {
      name: 'audit.local',
      args: { action: 'conflict_discarded', at: writer.now.toISOString(), details: { mutationId: conflict.mutationId, name: conflict.name, reason: conflict.reason } },
      grantId: writer.grantId,
      actorId: writer.ability.userId,
      now: writer.now,
    });
  }).immediate();
}

/**
 * Retries the change as a new mutation: on the server's current version for a conflict, as it
 * was for a refusal (rights may have been restored). Creations keep their row id, so the
 * retried entry is the same entry.
 */
export function retryConflict(db: SqliteDatabase, writer: Writer, id: number): { mutationId: string } {
  const conflict = openConflict(db, id);
  const name = conflict.name;
  if (!isMutationName(name)) throw new PlantdeskError('invalid_request', 'This change cannot be retried by this version of Plantdesk; discard it.');
  const baseVersion = typeof conflict.serverRow?.version === 'number' ? conflict.serverRow.version : null;
  return db
    .transaction(() => {
      db.prepare("UPDATE conflicts SET resolved_at = ?, resolution = 'retried' WHERE id = ?").run(writer.now.toISOString(), id);
      if (name === 'logEntry.create') {
        const ref = createLogEntry(db, writer, conflict.args as MutationArgs<'logEntry.create'>);
        return { mutationId: ref.id };
      }
      const ref = queueMutation(db, {
        name,
        args: conflict.args as never,
        baseVersion,
        grantId: writer.grantId,
        actorId: writer.ability.userId,
        now: writer.now,
      });
      return { mutationId: ref.id };
    })
    .immediate();
}
