import { fieldDiff } from '../audit/diff';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { FieldDiff } from '../../shared/domain/audit';
import type { Tx } from '../db/database';
import { appendChange } from '../feed/change-log';
import { toMembershipRow, type MembershipRecord } from '../store/memberships';
import { toUserRow, type UserRecord } from '../store/users';

/**
 * A member as one record (identity + membership), which is what admins change and what the
 * audit diff compares. Email and display name are personal: masked in the trail.
 */
export function memberView(user: UserRecord, membership: MembershipRecord | null): Record<string, unknown> {
  return {
    email: user.email,
    display_name: user.display_name,
    status: user.status,
    locked: user.locked_at !== null,
    org_role: membership?.org_role ?? null,
    custom_role_id: membership?.custom_role_id ?? null,
    areas: membership?.areas ?? [],
    module_flags: membership?.module_flags ?? null,
  };
}

export const personalMemberFields = ['email', 'display_name'] as const;

export function memberDiff(before: Record<string, unknown> | null, after: Record<string, unknown>): FieldDiff {
  return fieldDiff(before, after, { personal: personalMemberFields });
}

/**
 * One admin write on a member = exactly one audit event, plus the changed rows appended to
 * the change log for sync, all in the caller's transaction.
 */
export async function recordMemberChange(
  tx: Tx,
  tenantId: string,
  actor: AuditActor,
  change: { action: string; user: UserRecord; membership: MembershipRecord; diff: FieldDiff; reason?: string | null },
  now: Date,
): Promise<void> {
  await appendAudit(tx, tenantId, actor, { action: change.action, entity: 'user', entityId: change.user.id, diff: change.diff, reason: change.reason ?? null }, now);
  const scope = { user_id: change.user.id };
  await appendChange(tx, tenantId, { entity: 'user', entityId: change.user.id, op: 'upsert', row: toUserRow(change.user), scope });
  await appendChange(tx, tenantId, {
    entity: 'membership',
    entityId: `${tenantId}:${change.user.id}`,
    op: 'upsert',
    row: toMembershipRow(change.membership),
    scope,
  });
}
