import type { SignoffAuthMethod } from '../../../shared/domain/plant';
import type { MutationArgs } from '../../../shared/mutations';
import { subjectOf } from '../../../shared/rbac';
import { fieldDiff } from '../../audit/diff';
import { serverContentHash, signableLog } from '../../signing/server-content-hash';
import { redeemSigningTicket } from '../../signing/signing-tickets';
import { invalid, loadRow, MutationConflict, requireBaseVersion, requirePlausibleTime, requireRight, shiftScope, type MutationContext, type ServerRow } from './context';

/**
 * Status rules (DOMAIN.md: open -> submitted -> reviewed -> signed; reopen is explicit):
 * - submit: open -> submitted.
 * - sign-off "reviewed": submitted -> reviewed. Sign-off "approved": submitted or reviewed ->
 *   signed. "handed_over" and "accepted" add a sign-off row and leave the status as it is.
 * - reopen: signed -> open, stamps reopened_at; entries, amendments and comments added from
 *   then on are marked "added after sign-off". The earlier signatures stay valid for their hash.
 * A transition someone else already made (the log is at or past the target) is a conflict with
 * the server's row; one from a status too early (approving an open log) is invalid.
 */
const rank = { open: 0, submitted: 1, reviewed: 2, signed: 3 } as const;
type Status = keyof typeof rank;

function requireTransition(log: ServerRow, from: readonly Status[], to: Status, what: string): void {
  const status = log.status as Status;
  if (from.includes(status)) return;
  if (rank[status] >= rank[to]) throw new MutationConflict('shift_log', log, 'already_done', `the shift log is already ${status}`);
  throw invalid(`${what} needs a shift log that is ${from.join(' or ')}; this one is ${status}`);
}

async function lockLog(context: MutationContext, id: string): Promise<ServerRow> {
  const log = await loadRow(context, 'shift_logs', id, 'FOR UPDATE');
  if (!log) throw invalid('the shift log does not exist');
  return log;
}

async function setStatus(context: MutationContext, log: ServerRow, status: Status, reopened: boolean): Promise<ServerRow> {
  const rows = await context.tx.query<{ row: ServerRow }>(
    `UPDATE shift_logs SET status = $3, reopened_at = CASE WHEN $4 THEN $5::timestamptz ELSE reopened_at END, updated_at = $5, version = version + 1
     WHERE tenant_id = $1 AND id = $2 RETURNING to_jsonb(shift_logs) AS row`,
    [context.tenantId, log.id, status, reopened, context.now],
  );
  return rows[0].row;
}

const logChange = (row: ServerRow) => ({ entity: 'shift_log', entityId: String(row.id), op: 'upsert' as const, row, scope: shiftScope(row, 'created_by') });

export async function submitShiftLog(context: MutationContext, args: MutationArgs<'shiftLog.submit'>): Promise<number> {
  const log = await lockLog(context, args.shiftLogId);
  requireRight(context, 'update', 'shift_log', subjectOf('shift_log', log));
  requireBaseVersion(context, 'shift_log', log);
  requireTransition(log, ['open'], 'submitted', 'submitting');
  const after = await setStatus(context, log, 'submitted', false);
  await context.ledger.appendAudit(context.actor, { action: 'shift_log.submitted', entity: 'shift_log', entityId: args.shiftLogId, diff: fieldDiff({ status: log.status }, { status: after.status }), areaId: log.area_id as string }, context.now);
  return context.ledger.appendChange(logChange(after));
}

const statusAfterSignoff: Record<MutationArgs<'shiftLog.signOff'>['meaning'], { from: readonly Status[]; to: Status } | null> = {
  reviewed: { from: ['submitted'], to: 'reviewed' },
  approved: { from: ['submitted', 'reviewed'], to: 'signed' },
  handed_over: null,
  accepted: null,
};

/**
 * A sign-off records what the server can vouch for, never the client's word (21 CFR Part 11
 * §11.50, §11.70): the content hash is recomputed from the server's rows and a different one
 * is a conflict, never applied; the printed name is the signer's name on record; signed_at is
 * the server's receipt time, with the workstation's time kept as claimed_signed_at; and the
 * method is "password_online" only when a signing ticket issued for exactly this signature is
 * redeemed, else "password_offline" (checked on the workstation).
 */
export async function signOffShiftLog(context: MutationContext, args: MutationArgs<'shiftLog.signOff'>): Promise<number> {
  const { tx, tenantId, now } = context;
  const log = await lockLog(context, args.shiftLogId);
  requireRight(context, 'sign', 'shift_log', subjectOf('shift_log', log));
  requireBaseVersion(context, 'shift_log', log);
  requirePlausibleTime(args.signedAt, 'signedAt');
  const transition = statusAfterSignoff[args.meaning];
  if (transition) requireTransition(log, transition.from, transition.to, `a sign-off meaning ${args.meaning}`);
  const contentHash = await serverContentHash(tx, tenantId, signableLog(log));
  if (contentHash !== args.contentHash) {
    throw new MutationConflict('shift_log', log, 'signed_content_changed', 'the shift log is not what was signed: its content changed on the server. Review it and sign again.');
  }
  const [signer] = await tx.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [context.userId]);
  if (!signer) throw invalid('the signer has no user record');
  const binding = { tenantId, userId: context.userId, sessionId: context.actor.sessionId ?? '', shiftLogId: args.shiftLogId, contentHash, meaning: args.meaning };
  const verifiedOnline = args.signingTicket !== null && context.actor.sessionId !== null && (await redeemSigningTicket(tx, args.signingTicket, binding, now));
  const authMethod: SignoffAuthMethod = verifiedOnline ? 'password_online' : 'password_offline';
  const inserted = await tx.query<{ row: ServerRow }>(
    `INSERT INTO signoffs (tenant_id, id, shift_log_id, area_id, signer_id, printed_name, meaning, signed_at, claimed_signed_at, auth_method, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING to_jsonb(signoffs) AS row`,
    [tenantId, args.id, args.shiftLogId, log.area_id, context.userId, signer.display_name, args.meaning, now, new Date(args.signedAt), authMethod, contentHash],
  );
  const signoff = inserted[0]?.row;
  if (!signoff) throw invalid('a sign-off with this id already exists');
  const after = transition ? await setStatus(context, log, transition.to, false) : log;
  const diff = fieldDiff(
    { status: log.status },
    {
      status: after.status,
      signoff_id: args.id,
      meaning: args.meaning,
      printed_name: signer.display_name,
      signed_at: now.toISOString(),
      claimed_signed_at: args.signedAt,
      auth_method: authMethod,
      content_hash: contentHash,
    },
    { personal: ['printed_name'] },
  );
  await context.ledger.appendAudit(context.actor, { action: 'shift_log.signed_off', entity: 'shift_log', entityId: args.shiftLogId, diff, areaId: log.area_id as string }, now);
  let seq = context.ledger.appendChange({ entity: 'signoff', entityId: args.id, op: 'upsert', row: signoff, scope: shiftScope(signoff, 'signer_id') });
  if (transition) seq = context.ledger.appendChange(logChange(after));
  return seq;
}

export async function reopenShiftLog(context: MutationContext, args: MutationArgs<'shiftLog.reopen'>): Promise<number> {
  const log = await lockLog(context, args.shiftLogId);
  requireRight(context, 'sign', 'shift_log', subjectOf('shift_log', log));
  requireBaseVersion(context, 'shift_log', log);
  if (log.status !== 'signed') throw invalid(`only a signed shift log can be reopened; this one is ${String(log.status)}`);
  const after = await setStatus(context, log, 'open', true);
  const diff = fieldDiff({ status: log.status, reopened_at: log.reopened_at }, { status: after.status, reopened_at: after.reopened_at });
  await context.ledger.appendAudit(context.actor, { action: 'shift_log.reopened', entity: 'shift_log', entityId: args.shiftLogId, diff, reason: args.reason, areaId: log.area_id as string }, context.now);
  return context.ledger.appendChange(logChange(after));
}
