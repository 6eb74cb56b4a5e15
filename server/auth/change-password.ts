import type { ChangePasswordRequest } from '../../shared/domain/auth';
import { normalizePassword } from '../../shared/domain/auth';
import { forEachTenantOfPerson } from '../store/person-tenants';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import { apiError } from '../errors';
import { revokeOtherSessionsOfUser } from '../store/sessions';
import { publishSessions } from '../feed/session-feed';
import { getUser, updateUser } from '../store/users';
import type { AuthContext } from './authenticate';
import { hashPassword, passwordPolicyProblem, verifyPassword } from './passwords';
import type { RequestMeta, SignInDeps } from './sign-in';
import { refundAttempt, reserveAttempt, throttleKeys } from './throttle';

/**
 * Self-service password change (POST /v1/auth/password): the signed-in person proves the
 * current password (a wrong one counts toward the account's sign-in throttle, like a wrong
 * sign-in), picks a new one under the same policy, and every other session of theirs ends
 * (the one asking is kept). Audited in every tenant the person belongs to.
 */
export async function changeOwnPassword(deps: SignInDeps, auth: AuthContext, actor: AuditActor, request: ChangePasswordRequest, meta: RequestMeta, now: Date): Promise<void> {
  const person = auth.principal.user;
  const problem =
    passwordPolicyProblem(request.newPassword, { email: person.email, displayName: person.display_name }) ??
    (normalizePassword(request.newPassword) === normalizePassword(request.currentPassword) ? 'choose a password other than your current one' : null);
  if (problem) throw apiError('weak_password', { problem });

  const keys = throttleKeys(meta.ip, person.email);
  const binding = { userId: person.id, tenantId: auth.session.tenant_id };
  const gate = await deps.db.transaction(binding, async (tx) => {
    const attempt = await reserveAttempt(tx, keys, now, deps.throttle);
    if ('wait' in attempt) return { kind: 'throttled' as const, wait: attempt.wait };
    return { kind: 'check' as const, reservation: attempt.reservation, storedHash: (await getUser(tx, person.id))?.password_hash ?? null };
  });
  if (gate.kind === 'throttled') throw apiError('throttled', { retryAfter: gate.wait });
  const currentOk = gate.storedHash !== null && (await verifyPassword(request.currentPassword, gate.storedHash));
  if (!currentOk) {
    // The attempt stays charged to the account and the address.
    await deps.db.transaction(binding, (tx) =>
      appendAudit(tx, auth.session.tenant_id, actor, { action: 'auth.password_change_failed', entity: 'user', entityId: person.id, reason: 'wrong_password' }, now),
    );
    throw apiError('invalid_credentials');
  }
  const passwordHash = await hashPassword(request.newPassword, deps.scrypt);

  await deps.db.transaction(binding, async (tx) => {
    const user = await getUser(tx, person.id, { forUpdate: true });
    // Changed by someone else since it was checked (another change, a reset): check again.
    if (!user || user.password_hash !== gate.storedHash) throw apiError('invalid_credentials');
    // The right current password gets its own attempt back; earlier failures stay counted.
    await refundAttempt(tx, gate.reservation);
    await updateUser(tx, user.id, { password_hash: passwordHash }, now);
    const ended = await revokeOtherSessionsOfUser(tx, user.id, auth.session.id, user.id, 'password_changed', now);
    await forEachTenantOfPerson(tx, user.id, binding, async (membership) => {
      // The change log is per tenant: each tenant's feed carries its own ended sessions.
      await publishSessions(tx, ended.filter((session) => session.tenant_id === membership.tenant_id));
      await appendAudit(tx, membership.tenant_id, actor, { action: 'user.password_changed', entity: 'user', entityId: user.id, diff: { password: { before: '[secret]', after: '[secret]' } } }, now);
    });
  });
}
