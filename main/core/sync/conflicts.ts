import { PlantdeskError } from '../../../shared/errors';
import { isMutationName, type MutationArgs } from '../../../shared/mutations';
import type { SqliteDatabase } from '../store/open';
import { changesInLogSince, conflictLog, getOpenConflict, listOpenConflicts, markConflictResolved, type ChangeSinceSignature, type ConflictLogLabel, type OpenConflictRow } from '../store/queries/conflicts';
import { displayNamesById } from '../store/queries/names';
import type { RowScope } from '../store/scope';
import type { conflictKinds } from '../../../shared/sync-protocol';
import { createLogEntry, type Writer } from './local-writes';
import { queueMutation } from '../store/queue-mutation';

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
  signOffReview: SignOffReview | null;
  /** The log the change concerns, named, for the card's title and link. */
  log: ConflictLogLabel | null;
  /** What the server found, and who changed the row there last and when (from the server's trail). */
  serverChange: { kind: (typeof conflictKinds)[number]; changedBy: string | null; changedAt: string | null } | null;
  /** Display names of the people the card mentions (authors, signers, the server's last changer), where the reader may see them. */
  people: Record<string, string>;
}

export interface SignOffReview {
  shiftLogId: string;
  meaning: string;
  signedAt: string;
  changes: ChangeSinceSignature[];
}

/**
 * What was written into the log after the person signed it, as this workstation now holds it:
 * a retried signature must be made over content they have seen.
 */
function signOffReview(db: SqliteDatabase, args: unknown): SignOffReview | null {
  const signOff = args as Partial<MutationArgs<'shiftLog.signOff'>>;
  if (typeof signOff.shiftLogId !== 'string' || typeof signOff.signedAt !== 'string') return null;
  const changes = changesInLogSince(db, signOff.shiftLogId, signOff.signedAt);
  return { shiftLogId: signOff.shiftLogId, meaning: String(signOff.meaning), signedAt: signOff.signedAt, changes };
}

/** Ids of people a card shows: the person columns of the rows, and the server's last changer. */
const personFields = ['author_id', 'created_by', 'signer_id', 'outgoing_ack_by', 'incoming_ack_by', 'revoked_by', 'user_id'];

function mentionedPeople(view: Omit<ConflictView, 'people'>): Set<string> {
  const ids = new Set<string>();
  for (const record of [view.args, view.serverRow]) {
    if (!record || typeof record !== 'object') continue;
    for (const field of personFields) {
      const value = (record as Record<string, unknown>)[field];
      if (typeof value === 'string') ids.add(value);
    }
  }
  if (view.serverChange?.changedBy) ids.add(view.serverChange.changedBy);
  for (const change of view.signOffReview?.changes ?? []) ids.add(change.authorId);
  return ids;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function toView(db: SqliteDatabase, row: OpenConflictRow, names: Map<string, string>): ConflictView {
  const result = row.result ? (JSON.parse(row.result) as { message?: string | null; conflict?: ConflictView['serverChange'] }) : null;
  const args: unknown = JSON.parse(row.args);
  const serverRow = row.server_row ? (JSON.parse(row.server_row) as Record<string, unknown>) : null;
  const fields = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
  const view: Omit<ConflictView, 'people'> = {
    id: row.id,
    mutationId: row.mutation_id,
    name: row.name,
    args,
    reason: row.reason,
    serverRow,
    message: result?.message ?? null,
    createdAt: row.created_at,
    signOffReview: row.name === 'shiftLog.signOff' ? signOffReview(db, args) : null,
    log: conflictLog(db, {
      shiftLogId: text(fields.shiftLogId) ?? text(serverRow?.shift_log_id) ?? (row.name.startsWith('shiftLog.') ? text(serverRow?.id) : undefined),
      entryId: text(fields.entryId),
      handoverId: text(fields.handoverId),
    }),
    serverChange: result?.conflict ?? null,
  };
  const people: Record<string, string> = {};
  for (const id of mentionedPeople(view)) {
    const name = names.get(id);
    if (name !== undefined) people[id] = name;
  }
  return { ...view, people };
}

/** Open conflicts, each naming its log and people as far as `peopleScope` (read user) lets the reader see them. */
export function listConflicts(db: SqliteDatabase, peopleScope: RowScope = { kind: 'none' }): ConflictView[] {
  const rows = listOpenConflicts(db);
  const names = rows.length > 0 ? displayNamesById(db, peopleScope) : new Map<string, string>();
  return rows.map((row) => toView(db, row, names));
}

export function openConflict(db: SqliteDatabase, id: number, peopleScope: RowScope = { kind: 'none' }): ConflictView {
  const row = getOpenConflict(db, id);
  if (!row) throw new PlantdeskError('not_found', 'That conflict is already resolved or does not exist.');
  return toView(db, row, displayNamesById(db, peopleScope));
}

/** Discards the change: recorded locally and reported to the server's audit trail. */
export function discardConflict(db: SqliteDatabase, writer: Writer, id: number): void {
  const conflict = openConflict(db, id);
  db.transaction(() => {
    markConflictResolved(db, id, 'discarded', writer.now);
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
  // A signature is never re-queued as it was: it would sign content that has since changed.
  if (name === 'shiftLog.signOff') throw new PlantdeskError('password_required');
  const baseVersion = typeof conflict.serverRow?.version === 'number' ? conflict.serverRow.version : null;
  return db
    .transaction(() => {
      markConflictResolved(db, id, 'retried', writer.now);
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

/**
 * Retries a conflicted or refused sign-off as a new signature: the caller has checked the
 * password again and signs the log as this workstation holds it now (`sign`), in the same
 * transaction that closes the conflict.
 */
export function resolveSignOffConflict<T>(db: SqliteDatabase, writer: Writer, id: number, sign: () => T): T {
  const conflict = openConflict(db, id);
  if (conflict.name !== 'shiftLog.signOff') throw new PlantdeskError('invalid_request', 'That conflict is not a sign-off.');
  return db
    .transaction(() => {
      markConflictResolved(db, id, 'retried', writer.now);
      return sign();
    })
    .immediate();
}
