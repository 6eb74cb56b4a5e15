import type { CompleteEnrolmentRequest, EnrolmentInfoResponse, SignInResponse } from '../../shared/domain/auth';
import { forEachTenantOfPerson } from '../store/person-tenants';
import { appendAudit } from '../audit/audit-log';
import { issueSession } from '../auth/issue-session';
import { hashPassword, passwordPolicyProblem } from '../auth/passwords';
import type { RequestMeta, SignInDeps } from '../auth/sign-in';
import { clearAccountThrottle, clearAfterSignIn, refundAttempt, reserveAttempt, throttleKeys, type Reservation, type ThrottleKeys } from '../auth/throttle';
import { checkTotp, newTotpSecret, totpEnrollmentUri } from '../crypto/totp';
import { tokenHash } from '../auth/tokens';
import type { Tx } from '../db/database';
import { apiError } from '../errors';
import {
  chargeWrongCode,
  findEnrolmentLinkForUpdate,
  isOpen,
  markEnrolmentLinkUsed,
  revokeOpenEnrolmentLinks,
  setPendingTotpSecret,
  type EnrolmentLinkRecord,
} from '../store/enrolment-links';
import { getTenant, type TenantRecord } from '../store/tenants';
import { getUser, updateUser, type UserRecord } from '../store/users';

/**
 * The person's side of an enrolment link (public endpoints: the token is the credential).
 * Opening it shows whom it is for and a fresh authenticator secret, to that person only;
 * completing it with their own password and a code from that secret sets both factors and
 * signs them in exactly as a password sign-in does. An unknown, used, expired or superseded
 * token answers `enrolment_invalid`, all alike; failures count toward the client address's
 * sign-in throttle.
 */
export const MAX_WRONG_CODES_PER_LINK = 5;

/** Throttled per client address with sign-in, and per link. */
function enrolmentThrottleKeys(ip: string, linkHash: string): ThrottleKeys {
  return { ip: throttleKeys(ip, '').ip, account: `enrolment:${linkHash}` };
}

/** The pending secret is sealed to its link, so it opens nowhere else (not as a users.totp_secret). */
const pendingSecretContext = (link: EnrolmentLinkRecord) => `enrolment:${link.id}:${link.user_id}`;

type Opened = { kind: 'open'; link: EnrolmentLinkRecord; user: UserRecord; tenant: TenantRecord; reservation: Reservation };
type Refused = { kind: 'throttled'; wait: number } | { kind: 'invalid' };

/** Reserves a throttled attempt, then finds the open link and its active person; binds to them. */
async function openLink(tx: Tx, deps: SignInDeps, hash: string, keys: ThrottleKeys, now: Date): Promise<Opened | Refused> {
  const attempt = await reserveAttempt(tx, keys, now, deps.throttle);
  if ('wait' in attempt) return { kind: 'throttled', wait: attempt.wait };
  const link = await findEnrolmentLinkForUpdate(tx, hash);
  if (!link || !isOpen(link, now)) return { kind: 'invalid' };
  await tx.bind({ enrolmentHash: hash, userId: link.user_id, tenantId: link.tenant_id });
  const user = await getUser(tx, link.user_id, { forUpdate: true });
  const tenant = await getTenant(tx, link.tenant_id);
  if (!user || user.status !== 'active' || !tenant) return { kind: 'invalid' };
  return { kind: 'open', link, user, tenant, reservation: attempt.reservation };
}

function refusal(outcome: Refused): never {
  if (outcome.kind === 'throttled') throw apiError('throttled', { retryAfter: outcome.wait });
  throw apiError('enrolment_invalid');
}

const anonymousActor = (meta: RequestMeta) => ({ userId: null, sessionId: null, ip: meta.ip, deviceId: null });

export async function openEnrolment(deps: SignInDeps, token: string, meta: RequestMeta): Promise<EnrolmentInfoResponse> {
  const now = deps.clock.now();
  const hash = tokenHash(token);
  const keys = enrolmentThrottleKeys(meta.ip, hash);
  const outcome = await deps.db.transaction({ enrolmentHash: hash }, async (tx) => {
    const opened = await openLink(tx, deps, hash, keys, now);
    if (opened.kind !== 'open') return opened;
    await refundAttempt(tx, opened.reservation);
    // Each opening replaces the secret: only the latest one shown can complete the link.
    const secret = newTotpSecret();
    await setPendingTotpSecret(tx, opened.link.id, deps.signer.secretBox.seal(secret, pendingSecretContext(opened.link)));
    await appendAudit(tx, opened.link.tenant_id, anonymousActor(meta), { action: 'user.enrolment_opened', entity: 'user', entityId: opened.user.id }, now);
    const response: EnrolmentInfoResponse = {
      email: opened.user.email,
      displayName: opened.user.display_name,
      tenantName: opened.tenant.name,
      expiresAt: opened.link.expires_at.toISOString(),
      totp: { secret, otpauthUri: totpEnrollmentUri(secret, opened.user.email) },
    };
    return { kind: 'answer' as const, response };
  });
  if (outcome.kind === 'answer') return outcome.response;
  return refusal(outcome);
}

export async function completeEnrolment(deps: SignInDeps, request: CompleteEnrolmentRequest, meta: RequestMeta): Promise<SignInResponse> {
  const now = deps.clock.now();
  const hash = tokenHash(request.token);
  const keys = enrolmentThrottleKeys(meta.ip, hash);

  // First the link and the password policy (which needs the person's email and name)...
  const gate = await deps.db.transaction({ enrolmentHash: hash }, async (tx) => {
    const opened = await openLink(tx, deps, hash, keys, now);
    if (opened.kind !== 'open') return opened;
    const problem = passwordPolicyProblem(request.password, { email: opened.user.email, displayName: opened.user.display_name });
    if (!problem) return { kind: 'checked' as const, reservation: opened.reservation };
    // A weak password is no guess at the link: nothing is charged for it.
    await refundAttempt(tx, opened.reservation);
    return { kind: 'weak' as const, problem };
  });
  if (gate.kind === 'weak') throw apiError('weak_password', { problem: gate.problem });
  if (gate.kind !== 'checked') return refusal(gate);

  // ...then the slow hash outside any transaction, so it holds no row locks...
  const passwordHash = await hashPassword(request.password, deps.scrypt);

  // ...then the code, against the link as it is now (another request may have used it meanwhile).
  const outcome = await deps.db.transaction({ enrolmentHash: hash }, async (tx) => {
    const link = await findEnrolmentLinkForUpdate(tx, hash);
    if (!link || !isOpen(link, now)) return { kind: 'invalid' as const };
    await tx.bind({ enrolmentHash: hash, userId: link.user_id, tenantId: link.tenant_id });
    const user = await getUser(tx, link.user_id, { forUpdate: true });
    if (!user || user.status !== 'active') return { kind: 'invalid' as const };
    const secret = link.pending_totp_secret ? deps.signer.secretBox.open(link.pending_totp_secret, pendingSecretContext(link)) : null;
    const check = secret ? await checkTotp({ secret, code: request.code, now, lastStep: null }) : { ok: false as const };
    if (!check.ok || !secret) {
      const failures = await chargeWrongCode(tx, link.id, MAX_WRONG_CODES_PER_LINK, now);
      await appendAudit(tx, link.tenant_id, anonymousActor(meta), { action: 'user.enrolment_code_failed', entity: 'user', entityId: user.id, reason: `${failures} of ${MAX_WRONG_CODES_PER_LINK} wrong codes` }, now);
      return { kind: 'invalid_code' as const };
    }
    // Enrolled: the address gets its attempt back and the link's count starts afresh.
    await clearAfterSignIn(tx, gate.reservation);
    const enrolled = await updateUser(
      tx,
      user.id,
      { password_hash: passwordHash, totp_secret: deps.signer.secretBox.seal(secret, user.id), totp_last_step: check.step, locked_at: null },
      now,
    );
    // New factors: failures charged against the old ones no longer say anything.
    await clearAccountThrottle(tx, user.email);
    await markEnrolmentLinkUsed(tx, link.id, now);
    await revokeOpenEnrolmentLinks(tx, user.id, 'superseded', now);
    const binding = { enrolmentHash: hash, userId: user.id, tenantId: link.tenant_id };
    const response = await issueSession(tx, deps.signer, { user: enrolled, tenantId: link.tenant_id, deviceId: request.deviceId, deviceName: request.deviceName, ip: meta.ip, userAgent: meta.userAgent, now });
    // No membership left in the link's tenant: nothing of this completion is kept.
    if (!response) throw apiError('enrolment_invalid');
    const actor = { userId: user.id, sessionId: response.grant.sessionId, ip: meta.ip, deviceId: request.deviceId };
    await forEachTenantOfPerson(tx, user.id, binding, (membership) =>
      appendAudit(tx, membership.tenant_id, actor, { action: 'user.enrolled', entity: 'user', entityId: user.id, diff: { password: { before: null, after: '[secret]' }, totp_secret: { before: null, after: '[secret]' } } }, now).then(() => undefined),
    );
    return { kind: 'signed_in' as const, response };
  });
  if (outcome.kind === 'signed_in') return outcome.response;
  if (outcome.kind === 'invalid_code') throw apiError('invalid_code');
  throw apiError('enrolment_invalid');
}
