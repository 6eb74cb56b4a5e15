import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SessionStatus } from '../../../shared/contract';
import { EnrolmentInfoResponseSchema, LoginChallengeSchema, passwordRuleProblem, SessionInfoResponseSchema, SignInResponseSchema, type EnrolmentInfoResponse, type SignInResponse } from '../../../shared/domain/auth';
import { parseEnrolmentLink } from '../../../shared/domain/enrolment';
import type { MembershipSummary, UserRow } from '../../../shared/domain/tenancy';
import { PlantdeskError } from '../../../shared/errors';
import { SignedGrantSchema, type ServerKey, type SignedGrant } from '../../../shared/grant';
import type { LocalAuditDetails } from '../../../shared/local-audit';
import type { MutationArgs } from '../../../shared/mutations';
import type { Ability } from '../../../shared/rbac';
import { verifySignedGrant } from '../auth/grant-verifier';
import { ServerPins } from '../auth/server-pins';
import { ServerClient } from '../net/server-client';
import { normalizeServer, secretPurposes, type SecretOwner, type SecretStore } from '../secrets/secret-store';
import { profileIdOf, secretOwnerOf } from '../secrets/secret-owner';
import { queueMutation } from '../store/queue-mutation';
import { countPendingOutbox } from '../store/queries/outbox';
import { readStoredSignIn, saveStoredSignIn } from '../store/queries/workstation-session';
import { PreviousPasswordNeeded, VaultNotFound, WrongPassphrase, WrongPassword } from '../vault/errors';
import type { ScryptParams } from '../vault/key-wrap';
import { vaultPaths } from '../vault/location';
import { changeVaultPassword, createVault, unlockVault, unlockVaultForSignIn, vaultExists, verifyVaultPassword, wipeVault, type UnlockedVault } from '../vault/vault';
import { UnlockThrottle } from './unlock-throttle';
import { advanceClockMark, checkClockAgainstServer, resetClockMark } from './workstation-clock';
import { withScheme } from '../../../shared/server-address';
import { parseServerUrl } from '../net/server-url';
import { siteTimeZones } from '../../../shared/site-time';
import { listAreas } from '../store/queries/areas';
import { browserSignIn, deviceSignIn, ssoProviderFor, ssoProviders, type SsoWaiting } from './sso-sign-in';
import { AccountsFile, appendWipeLog, deviceIdOf, sameAccount, type KnownAccount } from './profile-files';

export interface SessionManagerOptions {
  profileDir: string;
  now: () => Date;
  secretStoreFor: (owner: SecretOwner) => SecretStore;
  serverClientFor: (baseUrl: string) => ServerClient;
  deviceName: string;
  /** Tests only: a cheaper scrypt cost for new caches. */
  kdf?: ScryptParams;
  onChange: (status: SessionStatus) => void;
  /** Opens the single sign-on page in the system browser; null where the host has none. */
  openExternal: ((url: string) => Promise<void>) | null;
  /** How long a single sign-on waits for the browser (tests shorten it). */
  ssoBrowserTimeoutMs?: number;
  /** Where a single sign-on sent the person (the window shows it, the CLI prints it). */
  onSsoWaiting: (waiting: SsoWaiting) => void;
}

export interface SsoSignInRequest {
  server: string;
  tenantId?: string;
  email?: string;
  passphrase: string;
  flow: 'browser' | 'device';
}

/** What unlocks a cache at sign-in: the password the server accepted, or an SSO account's local passphrase. */
interface CacheSecret {
  method: 'password' | 'sso';
  secret: string;
  /** Password sign-in after a change on the server: the one the cache is still under. */
  previousSecret?: string;
}

export interface SignInRequest {
  server: string;
  email: string;
  password: string;
  totpCode: string;
  tenantId?: string;
  /** After a password change on the server: the one this workstation's cache is still under. */
  previousPassword?: string;
}

export type LockReason = 'manual' | 'idle' | 'grant_expired' | 'session_ended';

/** What an unlocked session holds: the open cache and the verified grant it is allowed by. */
export interface OpenSession {
  account: KnownAccount;
  vault: UnlockedVault;
  grant: SignedGrant;
  ability: Ability;
  secrets: SecretStore;
}

const StoredSessionSchema = z.object({ signed_grant: z.string(), user: z.string(), memberships: z.string() });

/** The server and token of an enrolment link, or a typed refusal that says what a link looks like. */
function enrolmentTarget(link: string): { server: string; token: string } {
  const parsed = parseEnrolmentLink(link);
  if (!parsed) throw new PlantdeskError('enrolment_link_malformed');
  return { server: normalizeServer(parsed.server), token: parsed.token };
}

/** Server verdicts that end this workstation's access to the tenant: its cache is destroyed. */
const wipeVerdicts = new Set(['user_inactive', 'no_membership']);
/** Server verdicts that end the session but keep the cache (and the outbox) for the next sign-in. */
const sessionEndVerdicts = new Set(['session_revoked', 'session_expired', 'unauthenticated']);

/**
 * Sign-in, offline unlock, lock, sign-out and wipe of one workstation profile (SECURITY.md).
 *
 * States: signed_out (no open cache) -> unlocked (cache open, grant verified) -> locked (cache
 * closed, key forgotten; the account is remembered for unlock). A locked session whose server
 * session ended needs an online sign-in; one locked for idleness or by hand unlocks offline
 * with the password while its grant is valid.
 */
export class SessionManager {
  private open: OpenSession | null = null;
  private lockedAccount: KnownAccount | null = null;
  private lockReason: LockReason | null = null;
  private needsOnlineSignIn = false;
  private online = false;
  private readonly accounts: AccountsFile;
  private readonly pins: ServerPins;
  private readonly unlockThrottle: UnlockThrottle;
  /** The single sign-on waiting for the browser (or the device code), to cancel it. */
  private ssoFlow: AbortController | null = null;

  constructor(private readonly options: SessionManagerOptions) {
    this.accounts = new AccountsFile(options.profileDir);
    this.pins = new ServerPins(options.profileDir);
    this.unlockThrottle = new UnlockThrottle(options.profileDir);
    const last = this.accounts.lastUsed();
    if (last && vaultExists(this.locationOf(last))) this.lockedAccount = last;
  }

  status(): SessionStatus {
    const account = this.open?.account ?? this.lockedAccount;
    return {
      state: this.open ? 'unlocked' : account ? 'locked' : 'signed_out',
      online: this.online,
      user: account ? { id: account.userId, email: account.email, displayName: account.displayName } : null,
      tenantId: account?.tenantId ?? null,
      tenantName: account?.tenantName ?? null,
      server: account?.server ?? null,
      grantNotAfter: this.open?.grant.notAfter ?? null,
      lockReason: this.open ? null : this.lockReason,
      needsOnlineSignIn: !this.open && account !== null && this.needsOnlineSignIn,
    };
  }

  knownAccounts(): KnownAccount[] {
    return this.accounts.list();
  }

  /** The open session, or `locked` / sign-in errors for calls that need the cache. */
  requireOpen(): OpenSession {
    if (this.open) return this.open;
    throw new PlantdeskError(this.lockedAccount ? 'locked' : 'unauthenticated');
  }

  /** Online sign-in: password, then TOTP; verifies and pins, then opens (or creates) the cache. */
  async signIn(request: SignInRequest): Promise<SessionStatus> {
    // Typed without a scheme: https (http for this machine); anything else is a typed refusal.
    const server = normalizeServer(parseServerUrl(withScheme(request.server)).href);
    await this.requireKeychain(server);
    const client = this.options.serverClientFor(server);
    const deviceId = deviceIdOf(this.options.profileDir, this.options.now());
    let answer: SignInResponse;
    let prepared: UnlockedVault | null = null;
    try {
      const { challengeId } = await client.request({
        method: 'POST',
        path: '/auth/login',
        body: { email: request.email, password: request.password, deviceId, deviceName: this.options.deviceName, ...(request.tenantId ? { tenantId: request.tenantId } : {}) },
        schema: LoginChallengeSchema,
      });
      // The server accepted the password: open the cache now, so a password changed on the
      // server asks for the previous one before the one-time code is spent.
      prepared = await this.openKnownVault(server, request);
      answer = await client.request({ method: 'POST', path: '/auth/totp', body: { challengeId, code: request.totpCode }, schema: SignInResponseSchema });
    } catch (error) {
      prepared?.lock();
      throw error;
    } finally {
      client.close();
    }
    try {
      return await this.completeSignIn(server, deviceId, { method: 'password', secret: request.password, previousSecret: request.previousPassword }, answer, prepared);
    } finally {
      if (prepared && this.open?.vault !== prepared) prepared.lock();
    }
  }

  /** The organisations that sign in by SSO for an email or id, and whether this workstation holds a copy for each. */
  async ssoProviders(target: { server: string; tenantId?: string; email?: string }): Promise<{ providers: { tenantId: string; tenantName: string; ssoRequired: boolean; localCopy: boolean }[] }> {
    const server = normalizeServer(parseServerUrl(withScheme(target.server)).href);
    const client = this.options.serverClientFor(server);
    try {
      const providers = await ssoProviders(client, target);
      return { providers: providers.map(({ tenantId, tenantName, ssoRequired }) => ({ tenantId, tenantName, ssoRequired, localCopy: this.knownSsoAccounts(server, tenantId, target.email).length > 0 })) };
    } finally {
      client.close();
    }
  }

  /**
   * Single sign-on (RFC 8252 in the system browser, or RFC 8628 by device code), then the same
   * steps as a password sign-in after its TOTP step. The cache is under the local passphrase and
   * the device secret: the one chosen at the first SSO sign-in here (checked before the browser
   * opens, where the account is known), or a new one for a new cache (password rules).
   */
  async signInWithSso(request: SsoSignInRequest): Promise<SessionStatus> {
    const server = normalizeServer(parseServerUrl(withScheme(request.server)).href);
    if (this.ssoFlow) throw new PlantdeskError('conflict', 'Another single sign-on is already waiting for the browser. Finish or cancel it first.');
    await this.requireKeychain(server);
    const flow = new AbortController();
    this.ssoFlow = flow;
    const client = this.options.serverClientFor(server);
    let prepared: UnlockedVault | null = null;
    try {
      const provider = await ssoProviderFor(client, request);
      prepared = await this.checkPassphraseBeforeSso(server, provider.tenantId, request);
      const deviceId = deviceIdOf(this.options.profileDir, this.options.now());
      const device = { deviceId, deviceName: this.options.deviceName };
      const hooks = { signal: flow.signal, onWaiting: this.options.onSsoWaiting, browserTimeoutMs: this.options.ssoBrowserTimeoutMs };
      let answer: SignInResponse;
      if (request.flow === 'device') {
        answer = await deviceSignIn(client, provider, device, hooks);
      } else {
        const openExternal = this.options.openExternal;
        if (!openExternal) throw new PlantdeskError('invalid_request', 'This host cannot open a browser. Use the device code sign-in instead.');
        answer = await browserSignIn(client, provider, device, { ...hooks, openExternal }, request.email);
      }
      return await this.completeSignIn(server, deviceId, { method: 'sso', secret: request.passphrase }, answer, prepared);
    } finally {
      if (this.ssoFlow === flow) this.ssoFlow = null;
      client.close();
      if (prepared && this.open?.vault !== prepared) prepared.lock();
    }
  }

  /** Stops the single sign-on that waits for the browser or a device code. */
  cancelSso(): boolean {
    if (!this.ssoFlow) return false;
    this.ssoFlow.abort();
    return true;
  }

  /**
   * Changes an SSO account's local passphrase: the cache key is re-wrapped under the new one (with
   * the same device secret). Offline too; a wrong current passphrase counts as a failed unlock.
   */
  async changePassphrase(currentPassphrase: string, newPassphrase: string): Promise<void> {
    const open = this.requireOpen();
    const known = this.accounts.list().find((account) => sameAccount(account, open.account));
    if (known?.signInMethod !== 'sso') throw new PlantdeskError('not_sso_account');
    requireStrongPassphrase(newPassphrase, open.account);
    this.unlockThrottle.check(open.account, this.options.now());
    try {
      await changeVaultPassword(this.locationOf(open.account), { secrets: open.secrets, password: currentPassphrase, newPassword: newPassphrase });
    } catch (error) {
      if (error instanceof WrongPassword) {
        this.unlockThrottle.recordFailure(open.account, this.options.now());
        throw new WrongPassphrase();
      }
      throw error;
    }
    // Local-only, so the server's trail learns of it from this record.
    this.audit('passphrase_changed', {});
  }

  private async completeSignIn(server: string, deviceId: string, cacheSecret: CacheSecret, answer: SignInResponse, prepared: UnlockedVault | null): Promise<SessionStatus> {
    this.online = true;
    const now = this.options.now();
    const pinned = await this.pins.pinOrCheck(server, answer.serverKey, now);
    // Judged on the server's time (the grant was just issued): a clock a few minutes off still
    // signs in, one off by more than the limit is told by how much.
    const serverNow = new Date(answer.grant.issuedAt);
    const grant = verifySignedGrant(answer.grant, pinned, serverNow);
    checkClockAgainstServer(now, serverNow);
    if (grant.user.id !== answer.user.id || grant.deviceId !== deviceId) throw new PlantdeskError('grant_invalid', undefined, { reason: 'subject' });

    const account: KnownAccount = {
      server,
      userId: answer.user.id,
      email: answer.user.email,
      displayName: answer.user.display_name,
      tenantId: grant.tenant.id,
      tenantName: grant.tenant.name,
      lastSignInAt: now.toISOString(),
      grantNotAfter: grant.notAfter,
      signInMethod: cacheSecret.method,
    };
    const secrets = this.secretsOf(account);
    const location = this.locationOf(account);
    const reuse = prepared !== null && prepared.paths.keyFile === vaultPaths(location).keyFile;
    // A new cache for an SSO account: its passphrase is the only thing besides the keychain that guards it.
    if (!reuse && cacheSecret.method === 'sso' && !vaultExists(location)) requireStrongPassphrase(cacheSecret.secret, account);
    await secrets.set(secretPurposes.sessionToken, Buffer.from(answer.token, 'utf8'));
    this.closeOpen();
    const vault = reuse
      ? prepared!
      : vaultExists(location)
        ? await this.openCacheAtSignIn(location, secrets, cacheSecret)
        : await createVault(location, { secrets, password: cacheSecret.secret, kdf: this.options.kdf });
    this.saveSession(vault, grant, answer.user, answer.memberships, now);
    resetClockMark(vault.db, serverNow);
    this.accounts.remember(account);
    this.becomeOpen({ account, vault, grant, ability: abilityOf(grant), secrets });
    this.audit('sign_in', { online: true, method: cacheSecret.method });
    return this.status();
  }

  /**
   * Unlock with the password: works offline within the grant's window. When the server answers,
   * the grant is refreshed and the server's verdict on the session is applied first.
   */
  async unlock(password: string, which?: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>): Promise<SessionStatus> {
    const account = which ? this.accounts.list().find((a) => sameAccount(a, which)) : (this.lockedAccount ?? this.accounts.lastUsed());
    if (!account) throw new VaultNotFound(which?.tenantId ?? 'unknown');
    if (this.open && sameAccount(this.open.account, account)) return this.status();
    const secrets = this.secretsOf(account);
    this.unlockThrottle.check(account, this.options.now());
    let vault: UnlockedVault;
    try {
      vault = await unlockVault(this.locationOf(account), { secrets, password });
    } catch (error) {
      if (error instanceof WrongPassword) this.unlockThrottle.recordFailure(account, this.options.now());
      throw this.worded(account, error);
    }
    try {
      advanceClockMark(vault.db, this.options.now());
      const stored = this.readSession(vault);
      const pinned = await this.pins.get(account.server);
      if (!pinned) throw new PlantdeskError('grant_invalid', undefined, { reason: 'no pinned key' });
      let grant = stored;
      const fresh = await this.fetchSessionGrant(account, secrets, vault, pinned);
      if (fresh) grant = fresh;
      else if (this.needsOnlineSignIn) throw new PlantdeskError('session_revoked');
      grant = verifySignedGrant(grant, pinned, this.options.now());
      this.closeOpen();
      this.becomeOpen({ account, vault, grant, ability: abilityOf(grant), secrets });
      // Opened: the count starts afresh, and each wrong password before this one is reported
      // (the oldest beyond the kept times are counted in the first record).
      const failed = this.unlockThrottle.clear(account);
      if (failed) {
        const unnamed = failed.failures - failed.times.length;
        failed.times.forEach((at, index) => this.audit('unlock_failed', { failures: index === 0 ? unnamed + 1 : 1, firstAt: index === 0 ? failed.firstAt : at, lastAt: at }));
      }
      this.audit('unlock', { online: fresh !== null });
      return this.status();
    } catch (error) {
      vault.lock();
      if (error instanceof PlantdeskError && error.code === 'grant_expired') this.setLocked(account, 'grant_expired');
      throw error;
    }
  }

  /** Drops the key and closes the cache; the account stays remembered for unlock. */
  lock(reason: LockReason): void {
    if (!this.open) return;
    this.audit('lock', { reason });
    const account = this.open.account;
    this.closeOpen();
    this.setLocked(account, reason);
  }

  /**
   * Ends the server session (best effort), forgets the token; keeps the cache and outbox.
   * Works while locked too: the token is in the keychain, not in the cache.
   */
  async signOut(): Promise<SessionStatus> {
    const account = this.open?.account ?? this.lockedAccount;
    if (!account) throw new PlantdeskError('unauthenticated');
    const secrets = this.open?.secrets ?? this.secretsOf(account);
    const token = await secrets.get(secretPurposes.sessionToken);
    if (token) {
      const client = this.options.serverClientFor(account.server);
      await client.request({ method: 'POST', path: '/auth/logout', token: token.toString('utf8'), schema: z.null() }).catch(() => undefined);
      client.close();
      await secrets.delete(secretPurposes.sessionToken);
    }
    this.audit('sign_out', {});
    this.closeOpen();
    this.lockedAccount = null;
    this.lockReason = null;
    this.needsOnlineSignIn = false;
    this.emit();
    return this.status();
  }

  /** "Remove this workstation's data" for the current (or locked) account: crypto-shred. */
  /** The changes a wipe would discard now: counted in the open cache, else as last recorded. */
  wipePreview(): { pendingChanges: number; confirmation: string } {
    const account = this.open?.account ?? this.lockedAccount;
    if (!account) throw new PlantdeskError('unauthenticated');
    const pendingChanges = this.open ? countPendingOutbox(this.open.vault.db) : (this.accounts.list().find((known) => sameAccount(known, account))?.pendingChanges ?? 0);
    return { pendingChanges, confirmation: pendingChanges > 0 ? `DISCARD ${pendingChanges}` : 'REMOVE' };
  }

  /**
   * "Remove this workstation's data", by a person: with changes not yet sent it takes the
   * account's password (checked against the cache, throttled like an unlock) or a confirmation
   * that names how many changes it discards. Recorded in the profile's wipe log.
   */
  async wipeByHand(request: { confirm?: string; password?: string }): Promise<SessionStatus> {
    const account = this.open?.account ?? this.lockedAccount;
    if (!account) throw new PlantdeskError('unauthenticated');
    const { pendingChanges, confirmation } = this.wipePreview();
    let method: 'password' | 'confirmation';
    if (request.password !== undefined) {
      if (this.open) await this.verifyPassword(request.password);
      else await this.checkPasswordOfLocked(account, request.password);
      method = 'password';
    } else if (request.confirm === confirmation) {
      method = 'confirmation';
    } else {
      throw new PlantdeskError(
        'wipe_not_confirmed',
        pendingChanges > 0
          ? `${pendingChanges} change${pendingChanges === 1 ? ' has' : 's have'} not reached the server yet and would be lost. Enter your password, or type ${confirmation} to remove them with this workstation's data.`
          : `Type ${confirmation} to remove this workstation's data for the account.`,
        { pendingChanges, confirmation },
      );
    }
    return this.wipe('by_hand', { pendingDiscarded: pendingChanges, method });
  }

  /** The password of a locked account, checked by opening its cache (and closing it at once). */
  private async checkPasswordOfLocked(account: KnownAccount, password: string): Promise<void> {
    this.unlockThrottle.check(account, this.options.now());
    try {
      (await unlockVault(this.locationOf(account), { secrets: this.secretsOf(account), password })).lock();
    } catch (error) {
      if (error instanceof WrongPassword) this.unlockThrottle.recordFailure(account, this.options.now());
      throw this.worded(account, error);
    }
  }

  async wipe(reason = 'requested', details: { pendingDiscarded?: number; method?: 'password' | 'confirmation' } = {}): Promise<SessionStatus> {
    const account = this.open?.account ?? this.lockedAccount;
    if (!account) throw new PlantdeskError('unauthenticated');
    const secrets = this.open?.secrets ?? this.secretsOf(account);
    const vault = this.open?.vault ?? null;
    this.open = null;
    await wipeVault(this.locationOf(account), { secrets, open: vault });
    await secrets.delete(secretPurposes.sessionToken);
    this.accounts.forget(account);
    appendWipeLog(this.options.profileDir, { at: this.options.now().toISOString(), server: account.server, tenantId: account.tenantId, reason, ...details });
    this.lockedAccount = null;
    this.lockReason = null;
    this.needsOnlineSignIn = false;
    this.emit();
    return this.status();
  }

  /**
   * Applies a server verdict seen by any online call (sync, refresh, admin): a revoked or
   * expired session locks and asks for an online sign-in, keeping the cache; a deactivated
   * user or a removed membership destroys this tenant's cache.
   */
  async applyVerdict(error: unknown): Promise<boolean> {
    if (!(error instanceof PlantdeskError)) return false;
    if (error.code === 'server_unreachable') {
      this.setOnline(false);
      return false;
    }
    const membershipRemoved = (error.details as { reason?: unknown } | undefined)?.reason === 'membership_removed';
    if (wipeVerdicts.has(error.code) || membershipRemoved) {
      await this.wipe(membershipRemoved ? 'membership_removed' : error.code);
      return true;
    }
    if (sessionEndVerdicts.has(error.code)) {
      const account = this.open?.account ?? this.lockedAccount;
      if (this.open) await this.open.secrets.delete(secretPurposes.sessionToken).catch(() => false);
      if (this.open) this.audit('lock', { reason: error.code });
      this.closeOpen();
      if (account) this.setLocked(account, 'session_ended');
      this.needsOnlineSignIn = true;
      this.emit();
      return true;
    }
    return false;
  }

  /** Fetches a new grant while unlocked (the sync scheduler asks after a rights change, and hourly). */
  async refresh(): Promise<void> {
    const open = this.requireOpen();
    const pinned = await this.pins.get(open.account.server);
    if (!pinned) throw new PlantdeskError('grant_invalid');
    const grant = await this.fetchSessionGrant(open.account, open.secrets, open.vault, pinned);
    if (!grant) return;
    this.open = { ...open, grant, ability: abilityOf(grant) };
    this.emit();
  }

  /** Password re-entry for a signature: checked against this workstation's key file. */
  async verifyPassword(password: string): Promise<void> {
    const open = this.requireOpen();
    try {
      await verifyVaultPassword(this.locationOf(open.account), { secrets: open.secrets, password });
    } catch (error) {
      throw this.worded(open.account, error);
    }
  }

  /**
   * After the server accepted a new password for this person: the open cache's data key is
   * wrapped under it instead of the old one (the database itself is untouched). A crash in
   * between leaves the old wrapping, which the next sign-in moves over with the previous password.
   */
  async rewrapOpenVault(currentPassword: string, newPassword: string): Promise<void> {
    const open = this.requireOpen();
    await changeVaultPassword(this.locationOf(open.account), { secrets: open.secrets, password: currentPassword, newPassword });
  }

  /** Reads an enrolment link: whom it is for, and a fresh authenticator secret for them to enrol. */
  async startEnrolment(link: string): Promise<EnrolmentInfoResponse & { server: string }> {
    const { server, token } = enrolmentTarget(link);
    const client = this.options.serverClientFor(server);
    try {
      const answer = await client.request({ method: 'POST', path: '/auth/enrolment', body: { token }, schema: EnrolmentInfoResponseSchema });
      return { ...answer, server };
    } finally {
      client.close();
    }
  }

  /**
   * Completes an enrolment: the person's own password and a code from the authenticator they
   * just enrolled. The server answers as it does to a sign-in, and the cache is created (or, for
   * a person reset by an admin, opened with the previous password) exactly as after one.
   */
  async completeEnrolment(request: { link: string; password: string; totpCode: string; previousPassword?: string }): Promise<SessionStatus> {
    const { server, token } = enrolmentTarget(request.link);
    await this.requireKeychain(server);
    const client = this.options.serverClientFor(server);
    const deviceId = deviceIdOf(this.options.profileDir, this.options.now());
    let answer: SignInResponse;
    try {
      answer = await client.request({
        method: 'POST',
        path: '/auth/enrolment/complete',
        body: { token, password: request.password, code: request.totpCode, deviceId, deviceName: this.options.deviceName },
        schema: SignInResponseSchema,
      });
    } finally {
      client.close();
    }
    return this.completeSignIn(server, deviceId, { method: 'password', secret: request.password, previousSecret: request.previousPassword }, answer, null);
  }

  /** Locks when the grant's window has passed (checked on every call and by the idle timer). */
  enforceGrantWindow(): void {
    if (this.open && Date.parse(this.open.grant.notAfter) <= this.options.now().getTime()) this.lock('grant_expired');
  }

  async close(): Promise<void> {
    this.closeOpen();
  }

  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.emit();
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * The cache of the account this sign-in is most likely for (same server and email, the
   * tenant asked for or the last one used), opened with the password the server has just
   * accepted, re-wrapped with the previous one when given. Null when there is none or it fails
   * for another reason: that is met, and reported, again once the sign-in has completed.
   */
  private async openKnownVault(server: string, request: SignInRequest): Promise<UnlockedVault | null> {
    const email = request.email.trim().toLowerCase();
    const known = this.accounts
      .list()
      .filter((a) => a.server === server && a.email.toLowerCase() === email && (request.tenantId === undefined || a.tenantId === request.tenantId))
      .sort((a, b) => b.lastSignInAt.localeCompare(a.lastSignInAt))[0];
    if (!known || !vaultExists(this.locationOf(known))) return null;
    const secrets = this.secretsOf(known);
    try {
      return await unlockVaultForSignIn(this.locationOf(known), { secrets, password: request.password, previousPassword: request.previousPassword });
    } catch (error) {
      if (error instanceof PreviousPasswordNeeded) throw error;
      return null;
    }
  }

  /** A wrong secret for an SSO account is a wrong passphrase, with the way out for a forgotten one. */
  private worded(account: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>, error: unknown): unknown {
    if (!(error instanceof WrongPassword)) return error;
    return this.accounts.list().find((known) => sameAccount(known, account))?.signInMethod === 'sso' ? new WrongPassphrase() : error;
  }

  /** This workstation's SSO accounts of a tenant that still have a cache (one email's, where given). */
  private knownSsoAccounts(server: string, tenantId: string, email?: string): KnownAccount[] {
    const wanted = email?.trim().toLowerCase();
    return this.accounts
      .list()
      .filter((a) => a.server === server && a.tenantId === tenantId && a.signInMethod === 'sso' && (wanted === undefined || a.email.toLowerCase() === wanted))
      .filter((a) => vaultExists(this.locationOf(a)));
  }

  /**
   * Before the browser opens: with one SSO account of this tenant here, its cache must open with
   * the passphrase (throttled like an unlock), so a mistyped one costs no sign-in; with none, the
   * new passphrase must meet the password rules. With several, the person is known only afterwards.
   */
  private async checkPassphraseBeforeSso(server: string, tenantId: string, request: SsoSignInRequest): Promise<UnlockedVault | null> {
    const known = this.knownSsoAccounts(server, tenantId, request.email);
    if (known.length === 0) {
      requireStrongPassphrase(request.passphrase, { email: request.email });
      return null;
    }
    if (known.length > 1) return null;
    const [account] = known;
    this.unlockThrottle.check(account, this.options.now());
    try {
      return await unlockVault(this.locationOf(account), { secrets: this.secretsOf(account), password: request.passphrase });
    } catch (error) {
      if (error instanceof WrongPassword) this.unlockThrottle.recordFailure(account, this.options.now());
      throw this.worded(account, error);
    }
  }

  /**
   * An existing cache at an online sign-in. A password the server has just accepted may move the
   * cache over from the previous one; a passphrase is only this workstation's, so it must open
   * the cache as it is (a password cache whose tenant moved to SSO opens with that password,
   * which stays its passphrase).
   */
  private async openCacheAtSignIn(location: ReturnType<SessionManager['locationOf']>, secrets: SecretStore, cacheSecret: CacheSecret): Promise<UnlockedVault> {
    if (cacheSecret.method === 'password') return unlockVaultForSignIn(location, { secrets, password: cacheSecret.secret, previousPassword: cacheSecret.previousSecret });
    try {
      return await unlockVault(location, { secrets, password: cacheSecret.secret });
    } catch (error) {
      if (error instanceof WrongPassword) throw new WrongPassphrase();
      throw error;
    }
  }

  /**
   * The keychain answers before anything is sent: a sign-in that could not keep its token and
   * device secret must fail before the one-time code (or the enrolment link) is spent.
   */
  private async requireKeychain(server: string): Promise<void> {
    // A write, because a locked keychain still answers searches and reads of missing items.
    const probe = this.options.secretStoreFor({ server, userId: 'keychain-check', tenantId: 'keychain-check', profile: profileIdOf(this.options.profileDir) });
    await probe.set(secretPurposes.sessionToken, randomBytes(16));
    await probe.delete(secretPurposes.sessionToken);
  }

  /** The keychain items of exactly this cache: its server, user, tenant and this profile. */
  private secretsOf(account: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>): SecretStore {
    return this.options.secretStoreFor(secretOwnerOf({ profileDir: this.options.profileDir, server: account.server, userId: account.userId, tenantId: account.tenantId }));
  }

  private locationOf(account: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>) {
    return { profileDir: this.options.profileDir, server: account.server, userId: account.userId, tenantId: account.tenantId };
  }

  /**
   * GET /auth/session with the stored token: a fresh grant, or null when the server cannot be
   * reached or there is no token. Verdicts (revoked, inactive...) are applied and rethrown.
   */
  private async fetchSessionGrant(account: KnownAccount, secrets: SecretStore, vault: UnlockedVault, pinned: ServerKey): Promise<SignedGrant | null> {
    const token = await secrets.get(secretPurposes.sessionToken);
    if (!token) {
      this.needsOnlineSignIn = true;
      return null;
    }
    const client = this.options.serverClientFor(account.server);
    try {
      const info = await client.request({ path: '/auth/session', token: token.toString('utf8'), schema: SessionInfoResponseSchema });
      this.online = true;
      this.needsOnlineSignIn = false;
      // Verified before it replaces the stored grant: a bad one must not lock out offline work.
      const serverNow = new Date(info.serverTime);
      checkClockAgainstServer(this.options.now(), serverNow);
      const grant = verifySignedGrant(info.grant, pinned, serverNow);
      // A grant for another tenant or person never enters this cache, whatever token fetched it.
      if (grant.tenant.id !== account.tenantId || grant.user.id !== account.userId) {
        throw new PlantdeskError('grant_invalid', 'The server answered with a permit for another organisation or person than this local copy; it was refused and nothing was stored. Sign in online again.', { reason: 'subject' });
      }
      this.saveSession(vault, grant, info.user, info.memberships, this.options.now());
      advanceClockMark(vault.db, this.options.now(), [serverNow]);
      this.accounts.remember({ ...account, grantNotAfter: grant.notAfter });
      return grant;
    } catch (error) {
      if (error instanceof PlantdeskError && error.code === 'server_unreachable') {
        this.online = false;
        return null;
      }
      const wasOpen = this.open?.vault === vault;
      if (!wasOpen) {
        // Unlocking: make the verdict act on this account before rethrowing.
        this.lockedAccount = account;
      }
      const applied = await this.applyVerdict(error);
      if (applied && !wasOpen && !vault.locked) vault.lock();
      throw error;
    } finally {
      client.close();
    }
  }

  private saveSession(vault: UnlockedVault, grant: SignedGrant, user: UserRow, memberships: MembershipSummary[], now: Date): void {
    saveStoredSignIn(vault.db, { signedGrant: JSON.stringify(grant), user: JSON.stringify(user), memberships: JSON.stringify(memberships) }, now);
  }

  private readSession(vault: UnlockedVault): SignedGrant {
    const row = StoredSessionSchema.safeParse(readStoredSignIn(vault.db));
    if (!row.success) throw new PlantdeskError('grant_invalid', undefined, { reason: 'no stored grant' });
    const grant = SignedGrantSchema.safeParse(JSON.parse(row.data.signed_grant));
    if (!grant.success) throw new PlantdeskError('grant_invalid', undefined, { reason: 'shape' });
    return grant.data;
  }

  private becomeOpen(session: OpenSession): void {
    this.open = session;
    this.lockedAccount = session.account;
    this.lockReason = null;
    this.emit();
  }

  private closeOpen(): void {
    if (this.open && !this.open.vault.locked) {
      // What a wipe of the closed cache would discard, readable without opening it again.
      const pendingChanges = countPendingOutbox(this.open.vault.db);
      // The site's clock for the locked screen, which cannot read the area tree.
      const areas = listAreas(this.open.vault.db);
      const timeZone = areas.length > 0 ? siteTimeZones(areas).tenantZone : undefined;
      const known = this.accounts.list().find((account) => sameAccount(account, this.open!.account));
      if (known) this.accounts.remember({ ...known, pendingChanges, ...(timeZone ? { timeZone } : {}) });
    }
    this.open?.vault.lock();
    this.open = null;
  }

  private setLocked(account: KnownAccount, reason: LockReason): void {
    this.lockedAccount = account;
    this.lockReason = reason;
    this.emit();
  }

  /**
   * Local-only actions become audit.local mutations (SECURITY.md): recorded in the local log and
   * pushed with the outbox, so the server's trail shows them with their client time.
   */
  private audit<A extends 'sign_in' | 'unlock' | 'unlock_failed' | 'lock' | 'sign_out' | 'passphrase_changed'>(action: A, details: LocalAuditDetails<A>): void {
    if (!this.open) return;
    const now = this.options.now();
    queueMutation(this.open.vault.db, {
      name: 'audit.local',
      // The pairing of action and details is checked by the signature above.
      args: { action, at: now.toISOString(), details } as MutationArgs<'audit.local'>,
      grantId: this.open.grant.grantId,
      actorId: this.open.account.userId,
      now,
    });
  }

  private emit(): void {
    this.options.onChange(this.status());
  }
}

/** A local passphrase meets the password rules that need no list (shared/domain/auth.ts). */
function requireStrongPassphrase(passphrase: string, person: { email?: string; displayName?: string }): void {
  const problem = passwordRuleProblem(passphrase, person);
  if (problem) throw new PlantdeskError('weak_password', `That passphrase is not accepted: ${problem}. Choose a passphrase of 12 to 128 characters for unlocking Plantdesk on this workstation.`, { problem });
}

export function abilityOf(grant: SignedGrant): Ability {
  return { userId: grant.user.id, tenantId: grant.tenant.id, areas: grant.areas, rules: grant.rules };
}
