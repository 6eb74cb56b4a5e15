import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import type { ContractEvent, KnownAccount, SessionStatus } from '../../../shared/contract';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf } from '../../support/core-workstation';
import { NATIVE_CLIENT_ID, startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';
import { insertShiftLog } from '../server/sync-fixtures';

// Single sign-on from the workstation's core against the real server (PGlite), a real OpenID
// provider and the real keychain. The test plays the system browser: it opens the address the
// core handed to openExternal and follows the provider's redirects to the core's loopback listener.

const PASSPHRASE = 'amber-lantern-over-the-kiln-7';

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe.skipIf(skipUnless(secretServiceCapability()))('single sign-on from the workstation', () => {
  let t: TestServer;
  let idp: TestOidcProvider;
  let tenant: TestTenant;
  let serverStopped = false;
  const cores: Core[] = [];

  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    idp = await startOidcProvider();
    tenant = await t.createTenant('Kiln Works');
    const token = (await t.signIn(tenant.admin)).token;
    const configured = await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, {
      token,
      body: { enabled: true, issuer: idp.issuer, clientId: NATIVE_CLIENT_ID, allowedDomains: ['kiln-works.example'] },
    });
    expect(configured.status, JSON.stringify(configured.body)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    for (const core of cores) await core.close();
    if (!serverStopped) await t?.stop();
    await idp?.stop();
  });

  let people = 0;
  /** A member of the tenant with an account at the provider (its id is the email, the core's login_hint). */
  async function person() {
    const member = await t.addMember(tenant.id, 'contributor', { email: `worker-${(people += 1)}-${Date.now().toString(36)}@kiln-works.example` });
    idp.addAccount({ id: member.email, email: member.email, name: `Worker ${people}` });
    return member;
  }

  /** A workstation whose openExternal is the test's browser (or nothing, for a person who never returns). */
  function workstation(options: { browser?: boolean; timeoutMs?: number } = {}) {
    const opened: string[] = [];
    const pages: Promise<{ url: URL; status: number; body: string }>[] = [];
    const events: ContractEvent[] = [];
    const core = createCore(
      { profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-sso-')), appVersion: 'test', deviceName: 'Kiln control room' },
      {
        now: () => t.clock.now(),
        kdf: cheapKdf,
        ssoBrowserTimeoutMs: options.timeoutMs,
        openExternal: async (url) => {
          opened.push(url);
          if (options.browser !== false) pages.push(idp.browse(url));
        },
      },
    );
    core.onEvent((event) => events.push(event));
    cores.push(core);
    return { core, call: callerOf(core), opened, pages, events };
  }

  it('refuses a password sign-in for a tenant that requires single sign-on, with the typed sso_required', async () => {
    const strict = await t.createTenant('Strict Kiln');
    const worker = await t.addMember(strict.id, 'contributor');
    const token = (await t.signIn(strict.admin)).token;
    await t.request('PATCH', `/v1/tenants/${strict.id}/sso`, { token, body: { enabled: true, issuer: idp.issuer, clientId: NATIVE_CLIENT_ID, allowedDomains: ['strict-kiln.example'], ssoRequired: true } });
    const ws = workstation();
    await expect(ws.call('auth.signIn', { server: t.url, email: worker.email, password: TEST_PASSWORD, totpCode: '123456' })).rejects.toMatchObject({ code: 'sso_required' });
    expect((await ws.call<SessionStatus>('session.status')).state).toBe('signed_out');
  });

  it('names the organisation for an email domain, and whether this workstation already holds its data', async () => {
    const ws = workstation();
    const member = await person();
    const before = await ws.call<{ providers: { tenantId: string; localCopy: boolean }[] }>('auth.ssoProviders', { server: t.url, email: member.email });
    expect(before.providers).toEqual([{ tenantId: tenant.id, tenantName: 'Kiln Works', ssoRequired: false, localCopy: false }]);
    await ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: PASSPHRASE });
    const after = await ws.call<{ providers: { localCopy: boolean }[] }>('auth.ssoProviders', { server: t.url, email: member.email });
    expect(after.providers[0].localCopy).toBe(true);
  });

  it('refuses a weak new passphrase before the browser opens', async () => {
    const ws = workstation();
    const member = await person();
    await expect(ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: 'short' })).rejects.toMatchObject({ code: 'weak_password' });
    await expect(ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: 'aaaaaaaaaaaaaaaa' })).rejects.toMatchObject({ code: 'weak_password' });
    expect(ws.opened).toEqual([]);
  });

  it('stops when cancelled while waiting for the browser: sso_cancelled, and the loopback port is closed', async () => {
    const ws = workstation({ browser: false });
    const member = await person();
    const pending = ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: PASSPHRASE });
    await expect.poll(() => ws.opened.length).toBe(1);
    const port = Number(new URL(new URL(ws.opened[0]).searchParams.get('redirect_uri')!).port);
    expect(await connectOutcome(port)).toBe('connected');
    expect(await ws.call('auth.ssoCancel')).toEqual({ cancelled: true });
    await expect(pending).rejects.toMatchObject({ code: 'sso_cancelled' });
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    expect(await ws.call('auth.ssoCancel')).toEqual({ cancelled: false });
  });

  it('stops after the time limit when the browser never comes back: sso_timed_out', async () => {
    const ws = workstation({ browser: false, timeoutMs: 300 });
    const member = await person();
    await expect(ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'sso_timed_out' });
    const port = Number(new URL(new URL(ws.opened[0]).searchParams.get('redirect_uri')!).port);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  });

  it('a forgotten passphrase: the refusal says what to do, and a wipe and a fresh single sign-on with a new passphrase work', async () => {
    const ws = workstation();
    const member = await person();
    await ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: PASSPHRASE });
    await ws.call('auth.lock');
    const refusal = ws.call('auth.unlock', { password: 'not-the-passphrase-at-all' });
    await expect(refusal).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await expect(refusal).rejects.toThrow(/sign in with single sign-on again/);
    // Signing in again with a wrong passphrase is refused before the browser opens.
    const openedBefore = ws.opened.length;
    await expect(ws.call('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: 'still-not-the-passphrase' })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(ws.opened.length).toBe(openedBefore);
    const { confirmation } = await ws.call<{ confirmation: string }>('auth.wipePreview');
    expect((await ws.call<SessionStatus>('auth.wipe', { confirm: confirmation })).state).toBe('signed_out');
    const status = await ws.call<SessionStatus>('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: 'a-brand-new-kiln-passphrase-9' });
    expect(status).toMatchObject({ state: 'unlocked', user: { email: member.email } });
  });

  it('signs a shift log online with the local passphrase (there is no server password to re-enter), and the server records it', async () => {
    const ws = workstation();
    const admin = await t.addMember(tenant.id, 'admin', { email: `lead-${Date.now().toString(36)}@kiln-works.example` });
    idp.addAccount({ id: admin.email, email: admin.email, name: 'Kiln Lead' });
    const log = await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now(), status: 'submitted' });
    await ws.call('auth.ssoSignIn', { server: t.url, email: admin.email, passphrase: PASSPHRASE });
    await ws.call('sync.now');
    expect((await ws.call<SessionStatus>('session.status')).online).toBe(true);
    await expect(ws.call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: 'not-the-passphrase-at-all' })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await ws.call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: PASSPHRASE });
    const synced = await ws.call<{ applied: number; conflicts: number; rejected: number }>('sync.now');
    expect(synced).toMatchObject({ conflicts: 0, rejected: 0 });
    const rows = await ownerRows(t.db, 'SELECT signer_id, meaning, auth_method FROM signoffs WHERE shift_log_id = $1', [log.id]);
    expect(rows).toEqual([{ signer_id: admin.id, meaning: 'approved', auth_method: 'password_offline' }]);
    // The trail says how the person signed in on the workstation.
    const signIns = await ownerRows(t.db, "SELECT diff FROM audit_events WHERE tenant_id = $1 AND actor_id = $2 AND action = 'local.sign_in'", [tenant.id, admin.id]);
    expect(signIns.map((row) => (row.diff as { details: { after: unknown } }).details.after)).toEqual([{ online: true, method: 'sso' }]);
  });

  it('signs in through the system browser, syncs, and unlocks offline with the local passphrase only', async () => {
    const ws = workstation();
    const member = await person();
    const status = await ws.call<SessionStatus>('auth.ssoSignIn', { server: t.url, email: member.email, passphrase: PASSPHRASE });
    expect(status).toMatchObject({ state: 'unlocked', online: true, tenantId: tenant.id, user: { id: member.id, email: member.email } });

    // What went to the browser: the provider's authorization endpoint, PKCE S256, state, nonce, a loopback redirect.
    expect(ws.opened).toHaveLength(1);
    const authorization = new URL(ws.opened[0]);
    expect(authorization.origin).toBe(idp.issuer);
    expect(authorization.searchParams.get('client_id')).toBe(NATIVE_CLIENT_ID);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22);
    expect(authorization.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(22);
    const redirect = new URL(authorization.searchParams.get('redirect_uri')!);
    expect(redirect.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ws.events.find((event) => event.name === 'sso.waiting')?.payload).toMatchObject({ flow: 'browser', authorizationUrl: ws.opened[0] });
    // The browser landed on the listener, which told the person to return, then closed.
    const page = await ws.pages[0];
    expect(page.url.origin).toBe(redirect.origin);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Return to Plantdesk/);
    expect(page.body).not.toContain(page.url.searchParams.get('code')!);
    expect(await connectOutcome(Number(redirect.port))).toBe('ECONNREFUSED');

    const [account] = await ws.call<KnownAccount[]>('session.accounts');
    expect(account).toMatchObject({ email: member.email, signInMethod: 'sso' });

    const summary = await ws.call<{ pulled: number; cursor: number }>('sync.now');
    expect(summary.cursor).toBeGreaterThan(0);

    // The passphrase changes with the current one only; offline, too (the server stops below).
    await expect(ws.call('auth.changePassphrase', { currentPassphrase: 'wrong-current-passphrase', newPassphrase: 'copper-kettle-by-the-door-3' })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await expect(ws.call('auth.changePassphrase', { currentPassphrase: PASSPHRASE, newPassphrase: 'short' })).rejects.toMatchObject({ code: 'weak_password' });

    expect((await ws.call<SessionStatus>('auth.lock')).state).toBe('locked');
    await t.stop();
    serverStopped = true;
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const unlocked = await ws.call<SessionStatus>('auth.unlock', { password: PASSPHRASE });
    expect(unlocked).toMatchObject({ state: 'unlocked', online: false, user: { email: member.email } });

    expect(await ws.call('auth.changePassphrase', { currentPassphrase: PASSPHRASE, newPassphrase: 'copper-kettle-by-the-door-3' })).toEqual({ ok: true });
    // Local-only, so it waits in the outbox as the workstation's own record for the server's trail.
    const outbox = await ws.call<{ local_action: string | null }[]>('sync.outbox', { limit: 200 });
    expect(outbox.map((item) => item.local_action)).toContain('passphrase_changed');
    await ws.call('auth.lock');
    await expect(ws.call('auth.unlock', { password: PASSPHRASE })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect((await ws.call<SessionStatus>('auth.unlock', { password: 'copper-kettle-by-the-door-3' })).state).toBe('unlocked');
  });
});
