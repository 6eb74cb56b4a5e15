import type { useAuditT } from '../messages';

/** Actions the server and workstations record (server/, shared/mutations.ts), in the filter's order. */
export const knownActions = [
  'log_entry.created',
  'log_entry.amended',
  'log_entry.voided',
  'comment.created',
  'shift_log.submitted',
  'shift_log.signed_off',
  'shift_log.reopened',
  'handover.acknowledged',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.erased',
  'user.locked',
  'user.unlocked',
  'user.password_reset',
  'user.totp_reset',
  'role.created',
  'role.updated',
  'session.created',
  'session.logout',
  'session.revoked',
  'session.revoked_all',
  'auth.login_failed',
  'auth.login_refused',
  'auth.totp_failed',
  'tenant_settings.updated',
  'support.access',
  'local.sign_in',
  'local.unlock',
  'local.lock',
  'local.sign_out',
  'local.export',
  'local.wipe',
  'local.passphrase_changed',
  'local.conflict_discarded',
  'demo.seeded',
] as const;

type AuditT = ReturnType<typeof useAuditT>;

/** A translated label for an action or entity code; a code this version does not know is shown as is. */
export function actionLabel(t: AuditT, action: string): string {
  return (knownActions as readonly string[]).includes(action) ? t(`action_${action as (typeof knownActions)[number]}`) : action;
}

export function entityLabel(t: AuditT, entity: string): string {
  const label = t(`entity_${entity}` as Parameters<AuditT>[0]);
  return label === `entity_${entity}` ? entity : label;
}
