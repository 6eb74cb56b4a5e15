import { isLateEntry, type MutationArgs } from '../../../shared/mutations';
import { subjectOf } from '../../../shared/rbac';
import { fieldDiff } from '../../audit/diff';
import { json } from '../../store/rows';
import { invalid, loadRow, requireBaseVersion, requirePlausibleTime, requireRight, shiftScope, type MutationContext, type ServerRow } from './context';

/** After a sign-off (signed now, or reopened since): additions are marked as such (DOMAIN.md). */
export const isAfterSignoff = (log: ServerRow) => log.status === 'signed' || log.reopened_at !== null;

export async function createLogEntry(context: MutationContext, args: MutationArgs<'logEntry.create'>): Promise<number> {
  const planned = await planLogEntry(context, args);
  const entry = (await insertLogEntries(context.tx, [planned])).get(args.id);
  if (!entry) throw invalid('an entry with this id already exists');
  return recordLogEntry(context, args, entry);
}

/** A new entry that passed every check, as the row to insert (inserted with others by insertLogEntries). */
export type PlannedLogEntry = Record<string, unknown> & { id: string };

/** Everything createLogEntry checks, before it writes anything (it only reads the log, FOR SHARE). */
export async function planLogEntry(context: MutationContext, args: MutationArgs<'logEntry.create'>): Promise<PlannedLogEntry> {
  const { tenantId, now } = context;
  // FOR SHARE: a sign-off of the same log (FOR UPDATE) waits for this entry, or this waits for it.
  const log = await loadRow(context, 'shift_logs', args.shiftLogId, 'FOR SHARE');
  if (!log) throw invalid('the shift log does not exist');
  if (log.area_id !== args.areaId) throw invalid("the entry's area is not its shift log's area");
  requireRight(context, 'create', 'log_entry', { areaId: args.areaId, ownerId: context.userId });
  requirePlausibleTime(args.occurredAt, 'occurredAt');
  if (log.status === 'signed') throw invalid('the shift log is signed: add an amendment or a comment, or ask an admin to reopen it');
  const late = isLateEntry(now, String(log.ends_at));
  if (late && args.lateReason === null) throw invalid('this entry is recorded after the end of the shift: a late reason is required');
  return {
    tenant_id: tenantId, id: args.id, shift_log_id: args.shiftLogId, area_id: args.areaId, equipment_tag: args.equipmentTag ?? null, category: args.category,
    severity: args.severity, body: args.body, occurred_at: new Date(args.occurredAt).toISOString(), recorded_at: now.toISOString(), author_id: context.userId,
    late, late_reason: late ? args.lateReason : null, added_after_signoff: isAfterSignoff(log),
  };
}

/**
 * Inserts planned entries in one statement; answers the stored rows by id. An id that exists
 * already is left as it is and missing from the answer. Ids must be distinct.
 */
export async function insertLogEntries(tx: MutationContext['tx'], entries: readonly PlannedLogEntry[]): Promise<Map<string, ServerRow>> {
  const rows = await tx.query<{ row: ServerRow }>(
    `INSERT INTO log_entries (tenant_id, id, shift_log_id, area_id, equipment_tag, category, severity, body, occurred_at, recorded_at, author_id, late, late_reason, added_after_signoff)
     SELECT tenant_id, id, shift_log_id, area_id, equipment_tag, category, severity, body, occurred_at, recorded_at, author_id, late, late_reason, added_after_signoff
     FROM jsonb_populate_recordset(NULL::log_entries, $1::jsonb)
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING to_jsonb(log_entries) AS row`,
    [json(entries)],
  );
  return new Map(rows.map(({ row }) => [String(row.id), row]));
}

/** The audit event and change of an inserted entry. */
export async function recordLogEntry(context: MutationContext, args: MutationArgs<'logEntry.create'>, entry: ServerRow): Promise<number> {
  await context.ledger.appendAudit(context.actor, { action: 'log_entry.created', entity: 'log_entry', entityId: args.id, diff: fieldDiff(null, entry), reason: entry.late_reason as string | null, areaId: args.areaId }, context.now);
  return context.ledger.appendChange({ entity: 'log_entry', entityId: args.id, op: 'upsert', row: entry, scope: shiftScope(entry, 'author_id') });
}

/** Corrections, addenda and voids are new rows beside the entry; its body is never rewritten. */
export async function amendLogEntry(context: MutationContext, args: MutationArgs<'logEntry.amend'>): Promise<number> {
  const { tx, tenantId, now } = context;
  const entry = await loadRow(context, 'log_entries', args.entryId, 'FOR UPDATE');
  if (!entry) throw invalid('the entry does not exist');
  requireRight(context, 'amend', 'log_entry', subjectOf('log_entry', entry));
  requireBaseVersion(context, 'log_entry', entry);
  if (entry.state === 'voided') throw invalid('the entry is voided and takes no further amendments');
  requirePlausibleTime(args.fieldsChanged?.occurredAt, 'fieldsChanged.occurredAt');
  const log = await loadRow(context, 'shift_logs', String(entry.shift_log_id), 'FOR SHARE');
  const afterSignoff = log !== null && isAfterSignoff(log);
  const inserted = await tx.query<{ row: ServerRow }>(
    `INSERT INTO entry_amendments (tenant_id, id, entry_id, area_id, kind, body, fields, reason, author_id, created_at, added_after_signoff)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING to_jsonb(entry_amendments) AS row`,
    [tenantId, args.id, args.entryId, entry.area_id, args.kind, args.body, json(args.fieldsChanged ?? {}), args.reason, context.userId, now, afterSignoff],
  );
  const amendment = inserted[0]?.row;
  if (!amendment) throw invalid('an amendment with this id already exists');
  let voided: ServerRow | null = null;
  if (args.kind === 'void') {
    const updated = await tx.query<{ row: ServerRow }>(
      `UPDATE log_entries SET state = 'voided', version = version + 1 WHERE tenant_id = $1 AND id = $2 RETURNING to_jsonb(log_entries) AS row`,
      [tenantId, args.entryId],
    );
    voided = updated[0].row;
  }
  const diff = fieldDiff({ state: entry.state, version: entry.version }, { state: voided?.state ?? entry.state, version: voided?.version ?? entry.version, amendment });
  await context.ledger.appendAudit(context.actor, { action: args.kind === 'void' ? 'log_entry.voided' : 'log_entry.amended', entity: 'log_entry', entityId: args.entryId, diff, reason: args.reason, areaId: entry.area_id as string }, now);
  let seq = context.ledger.appendChange({ entity: 'entry_amendment', entityId: args.id, op: 'upsert', row: amendment, scope: shiftScope(amendment, 'author_id') });
  if (voided) seq = context.ledger.appendChange({ entity: 'log_entry', entityId: args.entryId, op: 'upsert', row: voided, scope: shiftScope(voided, 'author_id') });
  return seq;
}

export async function createComment(context: MutationContext, args: MutationArgs<'comment.create'>): Promise<number> {
  const { tx, tenantId, now } = context;
  const log = await loadRow(context, 'shift_logs', args.shiftLogId, 'FOR SHARE');
  if (!log) throw invalid('the shift log does not exist');
  requireRight(context, 'create', 'comment', { areaId: String(log.area_id), ownerId: context.userId });
  if (args.entryId !== null) {
    const entry = await loadRow(context, 'log_entries', args.entryId, 'FOR SHARE');
    if (!entry || entry.shift_log_id !== args.shiftLogId) throw invalid('the entry does not exist in this shift log');
  }
  const inserted = await tx.query<{ row: ServerRow }>(
    `INSERT INTO comments (tenant_id, id, shift_log_id, entry_id, area_id, body, author_id, created_at, added_after_signoff)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING to_jsonb(comments) AS row`,
    [tenantId, args.id, args.shiftLogId, args.entryId, log.area_id, args.body, context.userId, now, isAfterSignoff(log)],
  );
  const comment = inserted[0]?.row;
  if (!comment) throw invalid('a comment with this id already exists');
  await context.ledger.appendAudit(context.actor, { action: 'comment.created', entity: 'comment', entityId: args.id, diff: fieldDiff(null, comment), areaId: log.area_id as string }, now);
  return context.ledger.appendChange({ entity: 'comment', entityId: args.id, op: 'upsert', row: comment, scope: shiftScope(comment, 'author_id') });
}
