import { randomUUID } from 'node:crypto';
import type { LoginRequestSchema, SignInResponse, TotpRequest } from '../../shared/domain/auth';
import { LOCKOUT_THRESHOLD_MAX } from '../../shared/domain/tenancy';
import type { z } from 'zod';
import { appendAudit } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Database, Tx } from '../db/database';
import type { GrantSigner } from '../grant/signing-key';
import { apiError } from '../errors';
import { listMembershipsOfUser } from '../store/memberships';
import { findSsoSettingsByDomain, ssoRequiredSettings } from '../store/sso';
import { findUserByEmail, getUser, updateUser, type UserRecord } from '../store/users';
import { decoyPasswordHash, verifyPassword, type ScryptParams } from './passwords';
import { issueSession } from './issue-session';
import { accountFailures, clearAfterSignIn, refundAttempt, reserveAttempt, throttleKeys, type ThrottlePolicy } from './throttle';
import { checkTotp } from '../crypto/totp';
import { newOpaqueToken, tokenHash } from './tokens';

/**
 * Two-step sign-in (API.md): email + password give a short-lived challenge, the challenge +
 * a TOTP code give a session token, the user's memberships and a signed offline grant.
 */
export interface SignInDeps {
  db: Database;
  clock: Clock;
  signer: GrantSigner;
  throttle: ThrottlePolicy;
  scrypt: ScryptParams;
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

const CHALLENGE_TTL_MS = 5 * 60_000;
/** A wrong code or two is a typo; more on one challenge is guessing: start again with the password. */
const MAX_CODE_ATTEMPTS_PER_CHALLENGE = 3;
const DEFAULT_LOCKOUT_THRESHOLD = 10;

type LoginRequest = z.output<typeof LoginRequestSchema>;

/** The strictest lockout threshold among the user's tenants, and never 100 or more whatever they say. */
async function lockoutThreshold(tx: Tx, userId: string): Promise<number> {
  const rows = await tx.query<{ threshold: number | null }>(
    'SELECT min(t.lockout_threshold)::int AS threshold FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1',
    [userId],
  );
  return Math.min(rows[0]?.threshold ?? DEFAULT_LOCKOUT_THRESHOLD, LOCKOUT_THRESHOLD_MAX);
}

/**
 * A tenant that requires single sign-on refuses passwords of its members, except the
 * break-glass admins it names (the identity provider may be down). The tenant is the one this
 * sign-in would open; an unknown email answers like a member when its domain belongs to such a
 * tenant, so the answer does not tell who has an account.
 */
async function passwordRefusedForSso(tx: Tx, user: UserRecord | null, email: string, requestedTenant: string | undefined): Promise<boolean> {
  if (user) {
    await tx.bind({ loginEmail: email, userId: user.id });
    const memberships = await listMembershipsOfUser(tx, user.id);
    const target = requestedTenant ?? memberships[0]?.tenant_id;
    if (!target || !memberships.some((m) => m.tenant_id === target)) return false;
    const [settings] = await ssoRequiredSettings(tx, [target]);
    return settings !== undefined && !settings.break_glass_user_ids.includes(user.id);
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  await tx.bind({ loginEmail: email, ssoDomain: domain });
  return (await findSsoSettingsByDomain(tx, domain)).some((settings) => settings.sso_required);
}

/** Records a sign-in event in every tenant the user belongs to (each admin sees it). */
async function auditInUserTenants(
  tx: Tx,
  user: UserRecord,
  binding: { loginEmail?: string; challengeHash?: string },
  event: { action: string; reason: string; deviceId: string | null },
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const memberships = await listMembershipsOfUser(tx, user.id);
  for (const membership of memberships) {
    await tx.bind({ ...binding, userId: user.id, tenantId: membership.tenant_id });
    await appendAudit(
      tx,
      membership.tenant_id,
      { userId: null, sessionId: null, ip: meta.ip, deviceId: event.deviceId },
      { action: event.action, entity: 'user', entityId: user.id, reason: event.reason },
      now,
    );
  }
  await tx.bind({ ...binding, userId: user.id });
}

/**
 * Locks the account once its consecutive failures (wrong passwords and wrong codes together)
 * reach the threshold. Called before any audit append: rows are always locked in the order
 * challenge -> user -> throttle -> tenant counter, the order admin writes use too, so none of
 * them can deadlock.
 */
async function lockIfOverThreshold(tx: Tx, user: UserRecord, failures: number, now: Date): Promise<boolean> {
  if (user.locked_at || failures < (await lockoutThreshold(tx, user.id))) return false;
  await updateUser(tx, user.id, { locked_at: now }, now);
  return true;
}

/** A failed attempt in every tenant of the user, and the lock it caused, if it did. */
async function auditFailure(
  tx: Tx,
  user: UserRecord,
  binding: { loginEmail?: string; challengeHash?: string },
  failure: { action: string; reason: string; deviceId: string | null; failures: number; lockedNow: boolean },
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await auditInUserTenants(tx, user, binding, { action: failure.action, reason: failure.reason, deviceId: failure.deviceId }, meta, now);
  if (failure.lockedNow) {
    await auditInUserTenants(tx, user, binding, { action: 'user.locked', reason: `${failure.failures} consecutive failed sign-in attempts`, deviceId: failure.deviceId }, meta, now);
  }
}

export async function startSignIn(deps: SignInDeps, request: LoginRequest, meta: RequestMeta): Promise<{ challengeId: string }> {
  const now = deps.clock.now();
  const email = request.email;
  const keys = throttleKeys(meta.ip, email);
  const binding = { loginEmail: email };

  const gate = await deps.db.transaction(binding, async (tx) => {
    const attempt = await reserveAttempt(tx, keys, now, deps.throttle);
    if ('wait' in attempt) return { kind: 'throttled' as const, wait: attempt.wait };
    const user = await findUserByEmail(tx, email);
    if (user?.locked_at) {
      // Refused without looking at the password; audited so admins see attempts on a locked account.
      await tx.bind({ ...binding, userId: user.id });
      await auditInUserTenants(tx, user, binding, { action: 'auth.login_refused', reason: 'locked', deviceId: request.deviceId }, meta, now);
      return { kind: 'locked' as const };
    }
    if (await passwordRefusedForSso(tx, user, email, request.tenantId)) {
      // Not a wrong password: nothing counted. Unknown emails of such a domain answer alike.
      await refundAttempt(tx, attempt.reservation);
      if (user) await auditInUserTenants(tx, user, binding, { action: 'auth.login_refused', reason: 'sso_required', deviceId: request.deviceId }, meta, now);
      return { kind: 'sso_required' as const };
    }
    await tx.bind(binding);
    return { kind: 'check' as const, user, reservation: attempt.reservation };
  });
  if (gate.kind === 'throttled') throw apiError('throttled', { retryAfter: gate.wait });
  if (gate.kind === 'locked') throw apiError('locked', undefined, 'This account is locked after too many failed sign-ins. Ask a tenant admin to unlock it.');
  if (gate.kind === 'sso_required') throw apiError('sso_required');

  const user = gate.user;
  const passwordOk = user?.password_hash
    ? await verifyPassword(request.password, user.password_hash)
    : (await verifyPassword(request.password, await decoyPasswordHash(deps.scrypt)), false);

  const outcome = await deps.db.transaction(user ? { ...binding, userId: user.id } : binding, async (tx) => {
    if (!user || !passwordOk) {
      if (user) {
        const failures = await accountFailures(tx, keys);
        const lockedNow = await lockIfOverThreshold(tx, user, failures, now);
        await auditFailure(tx, user, binding, { action: 'auth.login_failed', reason: 'wrong_password', deviceId: request.deviceId, failures, lockedNow }, meta, now);
      } else {
        await tx.query('INSERT INTO security_events (id, at, kind, ip, detail) VALUES ($1, $2, $3, $4, $5::jsonb)', [
          randomUUID(),
          now,
          'login_failed_unknown_account',
          meta.ip,
          JSON.stringify({ accountKey: keys.account }),
        ]);
      }
      return { kind: 'invalid_credentials' as const };
    }
    // Only this attempt is refunded: the failures before it stay until the code is right too.
    await refundAttempt(tx, gate.reservation);
    if (user.status !== 'active') {
      await auditInUserTenants(tx, user, binding, { action: 'auth.login_refused', reason: user.status, deviceId: request.deviceId }, meta, now);
      return { kind: 'user_inactive' as const };
    }
    const memberships = await listMembershipsOfUser(tx, user.id);
    let tenantId: string | null = request.tenantId ?? memberships[0]?.tenant_id ?? null;
    if (request.tenantId && !memberships.some((m) => m.tenant_id === request.tenantId) && user.global_role === 'none') tenantId = null;
    if (!tenantId) return { kind: 'no_membership' as const };
    await tx.bind({ ...binding, userId: user.id, tenantId });
    const tenantExists = (await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).length > 0;
    if (!tenantExists) return { kind: 'no_membership' as const };
    const challengeId = newOpaqueToken();
    await tx.query(
      `INSERT INTO auth_challenges (id, challenge_hash, user_id, tenant_id, device_id, device_name, ip, user_agent, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [randomUUID(), tokenHash(challengeId), user.id, tenantId, request.deviceId, request.deviceName, meta.ip, meta.userAgent, now, new Date(now.getTime() + CHALLENGE_TTL_MS)],
    );
    return { kind: 'challenge' as const, challengeId };
  });
  if (outcome.kind === 'challenge') return { challengeId: outcome.challengeId };
  throw apiError(outcome.kind);
}

interface ChallengeRecord {
  id: string;
  user_id: string;
  tenant_id: string;
  device_id: string;
  device_name: string;
  expires_at: Date;
  used_at: Date | null;
  failed_attempts: number;
}

export async function completeSignIn(deps: SignInDeps, request: TotpRequest, meta: RequestMeta): Promise<SignInResponse> {
  const now = deps.clock.now();
  const challengeHash = tokenHash(request.challengeId);
  const outcome = await deps.db.transaction({ challengeHash }, async (tx) => {
    const [challenge] = await tx.query<ChallengeRecord & Record<string, unknown>>('SELECT * FROM auth_challenges WHERE challenge_hash = $1 FOR UPDATE', [challengeHash]);
    if (!challenge || challenge.used_at || challenge.expires_at.getTime() <= now.getTime() || challenge.failed_attempts >= MAX_CODE_ATTEMPTS_PER_CHALLENGE) {
      return { kind: 'challenge_expired' as const };
    }
    const binding = { challengeHash };
    await tx.bind({ challengeHash, userId: challenge.user_id, tenantId: challenge.tenant_id });
    // Locked row: two requests with the same code, on any instance, cannot both pass.
    const user = await getUser(tx, challenge.user_id, { forUpdate: true });
    if (!user || user.status !== 'active') return { kind: 'user_inactive' as const };
    if (user.locked_at) return { kind: 'locked' as const };
    // A code is an attempt like a password: the same account and IP counters, the same delays.
    const keys = throttleKeys(meta.ip, user.email);
    const attempt = await reserveAttempt(tx, keys, now, deps.throttle);
    if ('wait' in attempt) return { kind: 'throttled' as const, wait: attempt.wait };
    const secret = user.totp_secret ? deps.signer.secretBox.open(user.totp_secret, user.id) : null;
    const check = secret ? await checkTotp({ secret, code: request.code, now, lastStep: user.totp_last_step }) : { ok: false as const };
    if (!check.ok) {
      await tx.query('UPDATE auth_challenges SET failed_attempts = failed_attempts + 1 WHERE id = $1', [challenge.id]);
      const failures = await accountFailures(tx, keys);
      const lockedNow = await lockIfOverThreshold(tx, user, failures, now);
      await auditFailure(tx, user, binding, { action: 'auth.totp_failed', reason: 'wrong_or_reused_code', deviceId: challenge.device_id, failures, lockedNow }, meta, now);
      return { kind: 'invalid_code' as const };
    }
    await clearAfterSignIn(tx, attempt.reservation);
    const updated = await updateUser(tx, user.id, { totp_last_step: check.step }, now);
    await tx.query('UPDATE auth_challenges SET used_at = $2 WHERE id = $1', [challenge.id, now]);
    await tx.bind({ challengeHash, userId: user.id, tenantId: challenge.tenant_id });
    const response = await issueSession(tx, deps.signer, {
      user: updated,
      tenantId: challenge.tenant_id,
      deviceId: challenge.device_id,
      deviceName: challenge.device_name,
      ip: meta.ip,
      userAgent: meta.userAgent,
      now,
    });
    if (!response) return { kind: 'no_membership' as const };
    return { kind: 'signed_in' as const, response };
  });
  if (outcome.kind === 'signed_in') return outcome.response;
  if (outcome.kind === 'throttled') throw apiError('throttled', { retryAfter: outcome.wait });
  if (outcome.kind === 'locked') throw apiError('locked', undefined, 'This account is locked after too many failed sign-ins. Ask a tenant admin to unlock it.');
  throw apiError(outcome.kind);
}
