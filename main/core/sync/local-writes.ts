import type { SignoffAuthMethod } from '../../../shared/domain/plant';
import { PlantdeskError } from '../../../shared/errors';
import { isLateEntry, mutationSpecs, type MutationArgs } from '../../../shared/mutations';
import { can, type Ability } from '../../../shared/rbac';
import { uuidv7 } from '../../../shared/uuid7';
import type { SqliteDatabase } from '../store/open';
import { handoverTarget, logEntryTarget, shiftLogTarget } from '../store/queries/write-targets';
import { upsertRows } from '../store/writes';
import { queueMutation, type QueuedMutationRef } from '../store/queue-mutation';

/** The session facts a local write needs. */
export interface Writer {
  ability: Ability;
  grantId: string;
  now: Date;
}

/**
 * logEntry.create offline: checked against the grant for the entry's area (the server checks
 * again against current rights), late entries need a reason, then the entry is written as a
 * pending row with its outbox mutation and local audit record.
 */
export function createLogEntry(db: SqliteDatabase, writer: Writer, input: Omit<MutationArgs<'logEntry.create'>, 'id'> & { id?: string }): QueuedMutationRef & { entryId: string } {
  const shiftLog = shiftLogTarget(db, input.shiftLogId);
  const subject = { tenantId: writer.ability.tenantId, areaId: input.areaId, ownerId: writer.ability.userId };
  if (!can(writer.ability, 'create', 'log_entry', subject)) throw new PlantdeskError('forbidden');
  if (!shiftLog) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
  const entryId = input.id ?? uuidv7(writer.now.getTime());
  const late = isLateEntry(writer.now, shiftLog.ends_at);
  const parsed = mutationSpecs['logEntry.create'].args.safeParse({ ...input, id: entryId });
  if (!parsed.success) throw new PlantdeskError('invalid_request', undefined, { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  const args = parsed.data;
  if (late && !args.lateReason) throw new PlantdeskError('invalid_request', 'This entry is recorded after the shift ended: give a reason for the late entry.', { field: 'lateReason' });

  const ref = queueMutation(db, {
    name: 'logEntry.create',
    args,
    grantId: writer.grantId,
    actorId: writer.ability.userId,
    now: writer.now,
    auditDetails: { entity: 'log_entry', entityId: entryId, before: null, after: args },
    applyLocally: (tx, mutationId) =>
      upsertRows(tx, 'log_entry', [
        {
          id: entryId,
          shift_log_id: args.shiftLogId,
          area_id: args.areaId,
          equipment_tag: args.equipmentTag,
          category: args.category,
          severity: args.severity,
          body: args.body,
          occurred_at: new Date(args.occurredAt).toISOString(),
          recorded_at: writer.now.toISOString(),
          author_id: writer.ability.userId,
          late: late ? 1 : 0,
          late_reason: args.lateReason,
          state: 'active',
          version: 0,
          pending_mutation_id: mutationId,
        },
      ]),
  });
  return { ...ref, entryId };
}

/**
 * shiftLog.signOff offline or online (a Part 11-style signature): the caller has re-checked the
 * password (and, online, holds the server's signing ticket for it); the signature names the
 * meaning and the hash of exactly the content signed, and is based on the shift log's version
 * (two people signing the same version: one conflicts). The local row shows the signer's name
 * and method until the server's row, with the values it vouches for, replaces it.
 */
export function signOffShiftLog(
  db: SqliteDatabase,
  writer: Writer,
  input: Omit<MutationArgs<'shiftLog.signOff'>, 'id' | 'signedAt'> & { printedName: string; authMethod: SignoffAuthMethod },
): QueuedMutationRef & { signoffId: string } {
  const log = shiftLogTarget(db, input.shiftLogId);
  if (!log) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
  if (!can(writer.ability, 'sign', 'shift_log', { tenantId: writer.ability.tenantId, areaId: log.area_id, ownerId: null })) throw new PlantdeskError('forbidden');
  const signoffId = uuidv7(writer.now.getTime());
  const { printedName, authMethod, ...mutation } = input;
  const args = mutationSpecs['shiftLog.signOff'].args.parse({ ...mutation, id: signoffId, signedAt: writer.now.toISOString() });
  const ref = queueMutation(db, {
    name: 'shiftLog.signOff',
    args,
    baseVersion: log.version,
    grantId: writer.grantId,
    actorId: writer.ability.userId,
    now: writer.now,
    auditDetails: { entity: 'shift_log', entityId: log.id, meaning: args.meaning, contentHash: args.contentHash, authMethod },
    applyLocally: (tx, mutationId) =>
      upsertRows(tx, 'signoff', [
        {
          id: signoffId,
          shift_log_id: log.id,
          signer_id: writer.ability.userId,
          printed_name: printedName,
          meaning: args.meaning,
          signed_at: args.signedAt,
          claimed_signed_at: args.signedAt,
          auth_method: authMethod,
          content_hash: args.contentHash,
          version: 0,
          pending_mutation_id: mutationId,
        },
      ]),
  });
  return { ...ref, signoffId };
}

function mustAllow(writer: Writer, action: 'amend' | 'create' | 'update' | 'sign', entity: 'log_entry' | 'comment' | 'shift_log' | 'handover', areaId: string, ownerId: string | null): void {
  if (!can(writer.ability, action, entity, { tenantId: writer.ability.tenantId, areaId, ownerId })) throw new PlantdeskError('forbidden');
}

function parseArgs<N extends keyof typeof mutationSpecs>(name: N, input: unknown): MutationArgs<N> {
  const parsed = mutationSpecs[name].args.safeParse(input);
  if (!parsed.success) throw new PlantdeskError('invalid_request', undefined, { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return parsed.data as MutationArgs<N>;
}

/**
 * logEntry.amend: the original entry is never rewritten; the amendment is a new row beside it
 * (pending until synced), and the server applies a void to the entry's state.
 */
export function amendLogEntry(db: SqliteDatabase, writer: Writer, input: Omit<MutationArgs<'logEntry.amend'>, 'id'>): QueuedMutationRef & { amendmentId: string } {
  const entry = logEntryTarget(db, input.entryId);
  if (!entry) throw new PlantdeskError('not_found', 'That entry is not on this workstation.');
  mustAllow(writer, 'amend', 'log_entry', entry.area_id, entry.author_id);
  const amendmentId = uuidv7(writer.now.getTime());
  const args = parseArgs('logEntry.amend', { ...input, id: amendmentId });
  const ref = queueMutation(db, {
    name: 'logEntry.amend',
    args,
    baseVersion: entry.version,
    grantId: writer.grantId,
    actorId: writer.ability.userId,
    now: writer.now,
    auditDetails: { entity: 'log_entry', entityId: entry.id, amendment: args },
    applyLocally: (tx, mutationId) =>
      upsertRows(tx, 'entry_amendment', [
        {
          id: amendmentId,
          entry_id: entry.id,
          kind: args.kind,
          body: args.body,
          fields_changed: args.fieldsChanged === null ? null : JSON.stringify(args.fieldsChanged),
          reason: args.reason,
          author_id: writer.ability.userId,
          at: writer.now.toISOString(),
          version: 0,
          pending_mutation_id: mutationId,
        },
      ]),
  });
  return { ...ref, amendmentId };
}

export function createComment(db: SqliteDatabase, writer: Writer, input: Omit<MutationArgs<'comment.create'>, 'id'>): QueuedMutationRef & { commentId: string } {
  const log = shiftLogTarget(db, input.shiftLogId);
  if (!log) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
  mustAllow(writer, 'create', 'comment', log.area_id, writer.ability.userId);
  const commentId = uuidv7(writer.now.getTime());
  const args = parseArgs('comment.create', { ...input, id: commentId });
  const ref = queueMutation(db, {
    name: 'comment.create',
    args,
    grantId: writer.grantId,
    actorId: writer.ability.userId,
    now: writer.now,
    applyLocally: (tx, mutationId) =>
      upsertRows(tx, 'comment', [
        { id: commentId, shift_log_id: log.id, entry_id: args.entryId, author_id: writer.ability.userId, body: args.body, at: writer.now.toISOString(), version: 0, pending_mutation_id: mutationId },
      ]),
  });
  return { ...ref, commentId };
}

/**
 * Status changes of a shift log (submit, reopen) and handover acknowledgements: queued against
 * the row's version; the cache shows the server's answer after the next pull (the pending
 * change is visible in the outbox meanwhile).
 */
export function changeShiftLogStatus(
  db: SqliteDatabase,
  writer: Writer,
  change: { name: 'shiftLog.submit'; shiftLogId: string } | { name: 'shiftLog.reopen'; shiftLogId: string; reason: string },
): QueuedMutationRef {
  const log = shiftLogTarget(db, change.shiftLogId);
  if (!log) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
  mustAllow(writer, change.name === 'shiftLog.submit' ? 'update' : 'sign', 'shift_log', log.area_id, log.created_by);
  const args = change.name === 'shiftLog.submit' ? parseArgs('shiftLog.submit', { shiftLogId: log.id }) : parseArgs('shiftLog.reopen', { shiftLogId: log.id, reason: change.reason });
  return queueMutation(db, { name: change.name, args: args as never, baseVersion: log.version, grantId: writer.grantId, actorId: writer.ability.userId, now: writer.now });
}

export function acknowledgeHandover(db: SqliteDatabase, writer: Writer, input: MutationArgs<'handover.acknowledge'>): QueuedMutationRef {
  const handover = handoverTarget(db, input.handoverId);
  if (!handover) throw new PlantdeskError('not_found', 'That handover is not on this workstation.');
  // The cache keeps a handover's area through the shift log it comes from.
  mustAllow(writer, 'update', 'handover', handover.area_id ?? '', null);
  const args = parseArgs('handover.acknowledge', input);
  return queueMutation(db, { name: 'handover.acknowledge', args, baseVersion: handover.version, grantId: writer.grantId, actorId: writer.ability.userId, now: writer.now });
}
