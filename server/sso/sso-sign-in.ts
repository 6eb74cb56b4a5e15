import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import type { SignInResponse } from '../../shared/domain/auth';
import { SSO_BASE_SCOPES, type SsoDeviceStartResponse, type SsoExchangeRequest } from '../../shared/domain/sso';
import type { ErrorCode } from '../../shared/errors';
import { orgRolePresets, type OrgRolePreset } from '../../shared/rbac';
import { createMember } from '../admin/provisioning';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import { fieldDiff } from '../audit/diff';
import { issueSession } from '../auth/issue-session';
import type { RequestMeta, SignInDeps } from '../auth/sign-in';
import { clearAfterSignIn, reserveAttempt, throttleKeys, type Reservation, type ThrottleKeys } from '../auth/throttle';
import { newOpaqueToken, sha256Hex, tokenHash } from '../auth/tokens';
import type { Tx } from '../db/database';
import { apiError } from '../errors';
import { getMembership } from '../store/memberships';
import {
  findSsoIdentity,
  findSsoIdentityOfUser,
  getSsoDeviceRequest,
  getSsoSettings,
  insertSsoDeviceRequest,
  insertSsoIdentity,
  spendProof,
  updateSsoDeviceRequest,
  type SsoSettingsRecord,
} from '../store/sso';
import { findUserByEmail, getUser, type UserRecord } from '../store/users';
import { classifyTokenError, ProviderUnreachable, providerFor } from './oidc-client';

/**
 * Single sign-on, the server's half. Two ways in, one ending:
 *
 * - Desktop (RFC 8252): the app ran the browser part (loopback redirect, PKCE S256, state,
 *   nonce) and hands over the code, its verifier, the redirect URI and the nonce. The server
 *   redeems the code itself and verifies the ID token it received.
 * - Command line (RFC 8628): the server starts the device authorization and redeems the device
 *   code itself when the CLI polls. The CLI never hands the server a token: an ID token that a
 *   client presents could have been issued to any app sharing the client id, or be replayed;
 *   one the server fetched over its own back channel with its own device code cannot.
 *
 * Either way the ID token's claims then go through `finishSignIn`: single use, a verified email
 * in an allowed domain, the person found by (issuer, subject) or by email, and `issueSession`,
 * exactly as after a password and a code.
 */

type SsoDeps = SignInDeps;

/** Longer than any authorization code or ID token lives at a provider. */
const MIN_PROOF_MEMORY_MS = 60 * 60_000;
const MAX_PROOF_MEMORY_MS = 48 * 3_600_000;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const refusalActor = (meta: RequestMeta, deviceId: string | null): AuditActor => ({ userId: null, sessionId: null, ip: meta.ip, deviceId });

/** Sign-in attempts per address and per tenant seen from that address, the password sign-in's counters. */
function ssoThrottleKeys(ip: string, tenantId: string): ThrottleKeys {
  return { ip: throttleKeys(ip, '').ip, account: `account:sso:${sha256Hex(`${tenantId}|${ip}`)}` };
}

export function ssoScopes(settings: Pick<SsoSettingsRecord, 'groups_claim'>): string[] {
  return settings.groups_claim ? [...SSO_BASE_SCOPES, 'groups'] : [...SSO_BASE_SCOPES];
}

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(reason);
  }
}

async function auditRefusal(tx: Tx, tenantId: string, meta: RequestMeta, deviceId: string | null, userId: string | null, reason: string, now: Date): Promise<void> {
  await appendAudit(tx, tenantId, refusalActor(meta, deviceId), { action: 'auth.sso_refused', entity: userId ? 'user' : 'auth', entityId: userId, reason }, now);
}

/** Audits a refusal in its own transaction and throws the typed error. */
async function refuse(deps: SsoDeps, tenantId: string, meta: RequestMeta, deviceId: string | null, refusal: Refusal, now: Date): Promise<never> {
  await deps.db.transaction({ tenantId }, (tx) => auditRefusal(tx, tenantId, meta, deviceId, null, refusal.reason, now));
  throw apiError(refusal.code, { reason: refusal.details?.reason ?? refusal.reason });
}

async function enabledSettings(deps: SsoDeps, tenantId: string): Promise<SsoSettingsRecord> {
  const settings = await deps.db.transaction({ tenantId }, (tx) => getSsoSettings(tx, tenantId));
  if (!settings?.enabled) throw apiError('sso_not_configured');
  return settings;
}

async function provider(deps: SsoDeps, settings: SsoSettingsRecord, meta: RequestMeta, deviceId: string, now: Date): Promise<oidc.Configuration> {
  try {
    return await providerFor(settings, deps.signer.secretBox);
  } catch (error) {
    if (!(error instanceof ProviderUnreachable)) throw error;
    return refuse(deps, settings.tenant_id, meta, deviceId, new Refusal('sso_provider_unreachable', `provider_${error.problem}`), now);
  }
}

/** Reserves an attempt like a password would; the caller refunds it on success. */
async function reserve(deps: SsoDeps, tenantId: string, meta: RequestMeta, now: Date, spend?: (tx: Tx) => Promise<Refusal | null>): Promise<Reservation> {
  const gate = await deps.db.transaction({ tenantId }, async (tx) => {
    const attempt = await reserveAttempt(tx, ssoThrottleKeys(meta.ip, tenantId), now, deps.throttle);
    if ('wait' in attempt) return { wait: attempt.wait };
    const refusal = spend ? await spend(tx) : null;
    return { reservation: attempt.reservation, refusal };
  });
  if ('wait' in gate) throw apiError('throttled', { retryAfter: gate.wait });
  if (gate.refusal) await refuse(deps, tenantId, meta, null, gate.refusal, now);
  return gate.reservation;
}

/** How long a spent nonce or ID token is remembered: until its token could no longer pass anyway. */
function proofMemory(claims: oidc.IDToken, now: Date): Date {
  const lifetime = Math.max(0, claims.exp * 1000 - Date.now());
  return new Date(now.getTime() + Math.min(Math.max(lifetime + MIN_PROOF_MEMORY_MS, MIN_PROOF_MEMORY_MS), MAX_PROOF_MEMORY_MS));
}

export async function exchangeSsoCode(deps: SsoDeps, request: SsoExchangeRequest, meta: RequestMeta): Promise<SignInResponse> {
  const now = deps.clock.now();
  const settings = await enabledSettings(deps, request.tenantId);
  const tenantId = settings.tenant_id;
  // The code is spent before it is sent: the same code arriving twice, on any instance, is
  // refused here even if the provider would redeem it again.
  const reservation = await reserve(deps, tenantId, meta, now, async (tx) => {
    const fresh = await spendProof(tx, tenantId, { hash: sha256Hex(`code|${settings.issuer}|${request.code}`), kind: 'code', expiresAt: new Date(now.getTime() + MIN_PROOF_MEMORY_MS) }, now);
    return fresh ? null : new Refusal('sso_replayed', 'code_replayed');
  });
  const config = await provider(deps, settings, meta, request.deviceId, now);
  const callback = new URL(request.redirectUri);
  callback.searchParams.set('code', request.code);
  if (request.iss !== undefined) callback.searchParams.set('iss', request.iss);
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, idTokenExpected: true });
  } catch (error) {
    const { code, reason } = classifyTokenError(error);
    return refuse(deps, tenantId, meta, request.deviceId, new Refusal(code, reason === 'provider_unreachable' ? reason : `token_${reason}`, { reason }), now);
  }
  return finishSignIn(deps, settings, config, tokens, { nonce: request.nonce, deviceId: request.deviceId, deviceName: request.deviceName, reservation, via: 'authorization_code' }, meta, now);
}

export async function startSsoDeviceSignIn(deps: SsoDeps, request: { tenantId: string; deviceId: string; deviceName: string }, meta: RequestMeta): Promise<SsoDeviceStartResponse> {
  const now = deps.clock.now();
  const settings = await enabledSettings(deps, request.tenantId);
  const config = await provider(deps, settings, meta, request.deviceId, now);
  let started: oidc.DeviceAuthorizationResponse;
  try {
    started = await oidc.initiateDeviceAuthorization(config, { scope: ssoScopes(settings).join(' ') });
  } catch {
    return refuse(deps, settings.tenant_id, meta, request.deviceId, new Refusal('sso_provider_unreachable', 'device_authorization_refused'), now);
  }
  const handle = newOpaqueToken();
  const id = randomUUID();
  const interval = Math.max(5, started.interval ?? 5);
  const expiresAt = new Date(now.getTime() + Math.min(started.expires_in, 30 * 60) * 1000);
  await deps.db.transaction({ tenantId: settings.tenant_id }, (tx) =>
    insertSsoDeviceRequest(tx, {
      id,
      tenantId: settings.tenant_id,
      handleHash: tokenHash(handle),
      // Sealed: a database dump alone cannot finish someone's device sign-in.
      deviceCodeSealed: deps.signer.secretBox.seal(started.device_code, `sso-device:${id}`),
      deviceId: request.deviceId,
      deviceName: request.deviceName,
      interval,
      now,
      expiresAt,
    }),
  );
  return {
    handle,
    userCode: started.user_code,
    verificationUri: started.verification_uri,
    verificationUriComplete: started.verification_uri_complete ?? null,
    expiresAt: expiresAt.toISOString(),
    interval,
  };
}

export async function pollSsoDeviceSignIn(deps: SsoDeps, request: { tenantId: string; handle: string }, meta: RequestMeta): Promise<SignInResponse | { status: 'pending'; interval: number }> {
  const now = deps.clock.now();
  const settings = await enabledSettings(deps, request.tenantId);
  const tenantId = settings.tenant_id;
  const handleHash = tokenHash(request.handle);
  const due = await deps.db.transaction({ tenantId }, async (tx) => {
    const row = await getSsoDeviceRequest(tx, tenantId, handleHash);
    if (!row || row.finished_at || row.expires_at.getTime() <= now.getTime()) return { kind: 'expired' as const };
    // The provider is asked at most once per interval, whatever the client does.
    if (now.getTime() < row.next_poll_at.getTime()) return { kind: 'pending' as const, interval: row.poll_interval };
    await updateSsoDeviceRequest(tx, row.id, { nextPollAt: new Date(now.getTime() + row.poll_interval * 1000) });
    return { kind: 'ask' as const, row };
  });
  if (due.kind === 'expired') throw apiError('sso_device_expired');
  if (due.kind === 'pending') return { status: 'pending', interval: due.interval };
  const { row } = due;
  const config = await provider(deps, settings, meta, row.device_id, now);
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    tokens = await oidc.genericGrantRequest(config, DEVICE_GRANT, { device_code: deps.signer.secretBox.open(row.device_code_sealed, `sso-device:${row.id}`) });
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError && (error.error === 'authorization_pending' || error.error === 'slow_down')) {
      const interval = error.error === 'slow_down' ? row.poll_interval + 5 : row.poll_interval;
      await deps.db.transaction({ tenantId }, (tx) => updateSsoDeviceRequest(tx, row.id, { interval, nextPollAt: new Date(now.getTime() + interval * 1000) }));
      return { status: 'pending', interval };
    }
    await deps.db.transaction({ tenantId }, (tx) => updateSsoDeviceRequest(tx, row.id, { finishedAt: now }));
    if (error instanceof oidc.ResponseBodyError && (error.error === 'access_denied' || error.error === 'expired_token')) {
      return refuse(deps, tenantId, meta, row.device_id, new Refusal('sso_device_expired', `device_${error.error}`), now);
    }
    const { code, reason } = classifyTokenError(error);
    return refuse(deps, tenantId, meta, row.device_id, new Refusal(code, reason === 'provider_unreachable' ? reason : `token_${reason}`, { reason }), now);
  }
  const reservation = await reserve(deps, tenantId, meta, now);
  return finishSignIn(deps, settings, config, tokens, { nonce: null, deviceId: row.device_id, deviceName: row.device_name, reservation, via: 'device_code', deviceRequestId: row.id }, meta, now);
}

interface Finish {
  nonce: string | null;
  deviceId: string;
  deviceName: string;
  reservation: Reservation;
  via: 'authorization_code' | 'device_code';
  deviceRequestId?: string;
}

/** Verified claims, as far as this tenant is concerned: what the person may be matched by. */
interface Identity {
  issuer: string;
  subject: string;
  email: string;
  name: string | null;
  groups: string[];
}

async function identityOf(config: oidc.Configuration, settings: SsoSettingsRecord, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<Identity | Refusal> {
  const claims = tokens.claims();
  if (!claims) return new Refusal('sso_token_invalid', 'token_missing', { reason: 'malformed' });
  let source: Record<string, unknown> = claims;
  // Some providers put email and groups in userinfo only; asked for the same subject.
  if (typeof claims.email !== 'string' && tokens.access_token) {
    try {
      source = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
    } catch {
      return new Refusal('sso_email_not_allowed', 'email_unavailable');
    }
  }
  const email = typeof source.email === 'string' ? source.email.trim().toLowerCase() : null;
  if (!email || source.email_verified !== true) return new Refusal('sso_email_not_allowed', 'email_not_verified');
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!email.includes('@') || !settings.allowed_domains.includes(domain)) return new Refusal('sso_email_not_allowed', 'email_domain_not_allowed');
  const rawGroups = settings.groups_claim ? source[settings.groups_claim] : undefined;
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((group): group is string => typeof group === 'string') : [];
  return { issuer: claims.iss, subject: claims.sub, email, name: typeof source.name === 'string' && source.name.trim() ? source.name.trim().slice(0, 200) : null, groups };
}

/** The highest role any of the person's groups maps to, else the tenant's default. */
function roleFor(settings: SsoSettingsRecord, groups: readonly string[]): OrgRolePreset {
  const mapped = groups.map((group) => settings.group_roles[group]).filter((role): role is OrgRolePreset => role !== undefined);
  if (mapped.length === 0) return settings.default_role;
  return orgRolePresets[Math.max(...mapped.map((role) => orgRolePresets.indexOf(role)))];
}

async function finishSignIn(
  deps: SsoDeps,
  settings: SsoSettingsRecord,
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  finish: Finish,
  meta: RequestMeta,
  now: Date,
): Promise<SignInResponse> {
  const tenantId = settings.tenant_id;
  const identity = await identityOf(config, settings, tokens);
  const claims = tokens.claims();
  const outcome = await deps.db.transaction({ tenantId }, async (tx) => {
    // Spent before anything else, so a refused token is spent too.
    const memory = claims ? proofMemory(claims, now) : new Date(now.getTime() + MIN_PROOF_MEMORY_MS);
    if (finish.nonce !== null && !(await spendProof(tx, tenantId, { hash: sha256Hex(`nonce|${settings.issuer}|${finish.nonce}`), kind: 'nonce', expiresAt: memory }, now))) {
      return new Refusal('sso_replayed', 'nonce_replayed');
    }
    if (tokens.id_token && !(await spendProof(tx, tenantId, { hash: sha256Hex(`id_token|${tokens.id_token}`), kind: 'id_token', expiresAt: memory }, now))) {
      return new Refusal('sso_replayed', 'id_token_replayed');
    }
    if (finish.deviceRequestId) {
      // Locked and re-read: two polls that both got tokens cannot both open a session.
      const [row] = await tx.query<{ finished_at: Date | null }>('SELECT finished_at FROM sso_device_requests WHERE id = $1 FOR UPDATE', [finish.deviceRequestId]);
      if (!row || row.finished_at) return new Refusal('sso_device_expired', 'device_already_finished');
      await updateSsoDeviceRequest(tx, finish.deviceRequestId, { finishedAt: now });
    }
    if (identity instanceof Refusal) return identity;
    const person = await matchPerson(tx, deps, settings, identity, finish, meta, now);
    if (person instanceof Refusal) return person;
    if (person.status !== 'active') return new Refusal('user_inactive', `user_${person.status}`, { userId: person.id });
    if (person.locked_at) return new Refusal('locked', 'locked', { userId: person.id });
    await clearAfterSignIn(tx, finish.reservation);
    await tx.bind({ tenantId, userId: person.id });
    await appendAudit(
      tx,
      tenantId,
      { userId: person.id, sessionId: null, ip: meta.ip, deviceId: finish.deviceId },
      { action: 'auth.sso_succeeded', entity: 'user', entityId: person.id, reason: finish.via },
      now,
    );
    const response = await issueSession(tx, deps.signer, { user: person, tenantId, deviceId: finish.deviceId, deviceName: finish.deviceName, ip: meta.ip, userAgent: meta.userAgent, now });
    return response ?? new Refusal('no_membership', 'no_membership', { userId: person.id });
  });
  if (!(outcome instanceof Refusal)) return outcome;
  await deps.db.transaction({ tenantId }, (tx) =>
    auditRefusal(tx, tenantId, meta, finish.deviceId, typeof outcome.details?.userId === 'string' ? outcome.details.userId : null, outcome.reason, now),
  );
  throw apiError(outcome.code, outcome.code === 'sso_token_invalid' ? { reason: outcome.details?.reason } : { reason: outcome.reason });
}

/**
 * The Plantdesk person behind a verified identity: the one already linked to (issuer, subject);
 * else the member with that email, linked now; else, where the tenant allows it, a new member.
 * The transaction is bound to the tenant.
 */
async function matchPerson(tx: Tx, deps: SsoDeps, settings: SsoSettingsRecord, identity: Identity, finish: Finish, meta: RequestMeta, now: Date): Promise<UserRecord | Refusal> {
  const tenantId = settings.tenant_id;
  const actor = refusalActor(meta, finish.deviceId);
  const linked = await findSsoIdentity(tx, tenantId, identity.issuer, identity.subject);
  if (linked) {
    const user = await getUser(tx, linked.user_id);
    if (!user || !(await getMembership(tx, tenantId, user.id))) return new Refusal('sso_no_account', 'linked_member_removed');
    return user;
  }
  // Outside this tenant's members the email may name someone else's account: bound by email only to look.
  await tx.bind({ tenantId, loginEmail: identity.email });
  const existing = await findUserByEmail(tx, identity.email);
  await tx.bind({ tenantId });
  if (existing) {
    if (!(await getMembership(tx, tenantId, existing.id))) return new Refusal('sso_no_account', 'account_of_another_tenant');
    const other = await findSsoIdentityOfUser(tx, tenantId, identity.issuer, existing.id);
    if (other) return new Refusal('sso_identity_mismatch', 'linked_to_other_subject', { userId: existing.id });
    await insertSsoIdentity(tx, { tenantId, issuer: identity.issuer, subject: identity.subject, userId: existing.id, now });
    await appendAudit(tx, tenantId, actor, { action: 'sso.link_created', entity: 'user', entityId: existing.id, diff: { sso_issuer: { before: null, after: identity.issuer } }, reason: 'matched_by_email' }, now);
    return existing;
  }
  if (!settings.create_members) return new Refusal('sso_no_account', 'no_member_with_email');
  const role = roleFor(settings, identity.groups);
  const created = await createMember(tx, tenantId, { email: identity.email, displayName: identity.name ?? identity.email, passwordHash: null, role, now }, deps.signer.secretBox);
  await appendAudit(
    tx,
    tenantId,
    actor,
    {
      action: 'sso.member_created',
      entity: 'user',
      entityId: created.user.id,
      diff: fieldDiff(null, { email: created.user.email, display_name: created.user.display_name, org_role: role }, { personal: ['email', 'display_name'] }),
      reason: identity.groups.some((group) => settings.group_roles[group]) ? 'role_from_groups' : 'default_role',
    },
    now,
  );
  await insertSsoIdentity(tx, { tenantId, issuer: identity.issuer, subject: identity.subject, userId: created.user.id, now });
  await appendAudit(tx, tenantId, actor, { action: 'sso.link_created', entity: 'user', entityId: created.user.id, diff: { sso_issuer: { before: null, after: identity.issuer } }, reason: 'member_created' }, now);
  return created.user;
}
