import { existsSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import { secretPurposes } from '../../../main/core/secrets/secret-store';
import { calls, channels, type SessionStatus } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { makeSigningKey } from '../../support/grant-fixtures';
import { appendChange } from '../../../server/feed/change-log';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { secretOwnerOf } from '../../../main/core/secrets/secret-owner';

// The workstation vault against the real server (PGlite), a real Secret Service keychain and
// real encrypted SQLite: sign-in, offline unlock, idle lock, revocation and wipe verdicts.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

describe.skipIf(skipUnless(secretServiceCapability()))('the workstation vault', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let stopped = false;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant', { session_idle_minutes: 10, offline_grant_hours: 72 });
  });

  afterAll(async () => {
    if (!stopped) await server?.stop();
  });

  function workstation() {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-vault-'));
    const core = createCore({ profileDir, appVersion: 'test', deviceName: 'Control room PC' }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = async <T = SessionStatus>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    return { profileDir, core, call };
  }

  async function signIn(ws: ReturnType<typeof workstation>, user: TestUser, password = TEST_PASSWORD) {
    return ws.call('auth.signIn', { server: server.url, email: user.email, password, totpCode: await server.freshCode(user) });
  }

  const vaultFiles = (profileDir: string) => (existsSync(path.join(profileDir, 'vaults')) ? readdirSync(path.join(profileDir, 'vaults')) : []);

  it('signs in online and opens an encrypted cache for the tenant', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
    const status = await signIn(ws, user);
    expect(status).toMatchObject({ state: 'unlocked', online: true, tenantId: tenant.id, tenantName: 'Northfield Plant', user: { email: user.email } });
    expect(Date.parse(status.grantNotAfter!)).toBe(server.clock.now().getTime() + 72 * 3_600_000);
    const database = vaultFiles(ws.profileDir).find((name) => name.endsWith('.db'))!;
    expect(readFileSync(path.join(ws.profileDir, 'vaults', database)).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    const token = await createKeychainSecretStore(secretOwnerOf({ profileDir: ws.profileDir, server: server.url, userId: status.user!.id, tenantId: status.tenantId! })).get(secretPurposes.sessionToken);
    expect(token?.length).toBeGreaterThan(20);
    await ws.core.close();
  });

  it('completes an address typed without a scheme (http only for this machine), and refuses a bad one with a typed error', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    const typed = server.url.replace(/^http:\/\//, '');
    const status = await ws.call('auth.signIn', { server: typed, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    expect(status).toMatchObject({ state: 'unlocked', server: new URL(server.url).origin });
    for (const bad of ['plant example', 'ftp://127.0.0.1:1', 'http://plant.example']) {
      await expect(ws.call('auth.signIn', { server: bad, email: user.email, password: TEST_PASSWORD, totpCode: '123456' })).rejects.toMatchObject({ code: 'insecure_server_url' });
    }
    await ws.core.close();
  });

  it('remembers the site zone when the cache closes, so the locked screen keeps the site clock', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await signIn(ws, user);
    // The fixture writes its areas behind the change feed: publish them as the server would.
    await server.db.ownerTransaction(async (tx) => {
      const rows = await tx.query<{ id: string; parent_id: string | null; kind: string; name: string; time_zone: string | null }>(
        'SELECT id, parent_id, kind, name, time_zone FROM areas WHERE tenant_id = $1',
        [tenant.id],
      );
      for (const row of rows) await appendChange(tx, tenant.id, { entity: 'area', entityId: row.id, op: 'upsert', row, scope: { area_id: row.id } });
    });
    await ws.call('sync.now');
    await ws.call('auth.lock');
    const [known] = await ws.call<{ tenantId: string; timeZone?: string }[]>('session.accounts');
    const areas = await ownerRows(server.db, "SELECT time_zone FROM areas WHERE tenant_id = $1 AND kind = 'site' AND time_zone IS NOT NULL ORDER BY name", [tenant.id]);
    expect(areas.length).toBeGreaterThan(0);
    expect(known.timeZone).toBe(areas[0].time_zone);
    await ws.core.close();
  });

  it('refuses a wrong password on unlock without touching the cache file', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await signIn(ws, user);
    expect((await ws.call('auth.lock')).state).toBe('locked');
    const database = path.join(ws.profileDir, 'vaults', vaultFiles(ws.profileDir).find((n) => n.endsWith('.db'))!);
    const before = readFileSync(database);
    await expect(ws.call('auth.unlock', { password: 'not-the-password-at-all' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect(readFileSync(database).equals(before)).toBe(true);
    expect((await ws.call('auth.unlock', { password: TEST_PASSWORD })).state).toBe('unlocked');
    await ws.core.close();
  });

  it('locks itself after the tenant idle time without activity', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await signIn(ws, user);
    await ws.call('session.activity');
    server.clock.advance(9 * 60_000);
    expect((await ws.call('session.status')).state).toBe('unlocked');
    server.clock.advance(16 * 60_000);
    expect(await ws.call('session.status')).toMatchObject({ state: 'locked', lockReason: 'idle' });
    await ws.core.close();
  });

  it('counts as activity only what the contract says a person does: passive reads never postpone the idle lock', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await signIn(ws, user);
    await ws.call('session.activity');
    // The tenant's 10 idle minutes reach the workstation with its first sync. A call that is not
    // passive (asking for a sync) is activity and moves the lock out.
    server.clock.advance(9 * 60_000);
    expect(calls['sync.now'].passive).toBe(false);
    await ws.call('sync.now');
    server.clock.advance(9 * 60_000);
    expect((await ws.call('session.status')).state).toBe('unlocked');

    // Every passive call a window may repeat by itself, minute after minute (the online-only
    // sessions list may answer forbidden here; it is called all the same), never does.
    const passiveReads = channels.filter((channel) => calls[channel].passive && calls[channel].request.safeParse({}).success);
    expect(passiveReads).toEqual(expect.arrayContaining(['session.status', 'sync.state', 'shiftLogs.list', 'audit.list', 'conflicts.list']));
    for (let minute = 0; minute < 7; minute += 1) {
      server.clock.advance(60_000);
      for (const channel of passiveReads) await ws.call(channel).catch(() => undefined);
    }
    expect(await ws.call('session.status')).toMatchObject({ state: 'locked', lockReason: 'idle' });
    await ws.core.close();
  });

  it('refuses a server whose grant key differs from the one pinned at first sign-in', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    const { ServerPins } = await import('../../../main/core/auth/server-pins');
    await new ServerPins(ws.profileDir).pinOrCheck(new URL(server.url).origin, makeSigningKey('other').serverKey, server.clock.now());
    await expect(signIn(ws, user)).rejects.toMatchObject({ code: 'server_key_changed' });
    expect(vaultFiles(ws.profileDir)).toEqual([]);
    await ws.core.close();
  });

  it('locks and asks for an online sign-in when an admin revokes the session, keeping the cache', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'contributor');
    await signIn(ws, user);
    await ws.call('auth.lock');
    const adminToken = (await server.signIn(tenant.admin)).token;
    const sessions = await server.request('GET', `/v1/tenants/${tenant.id}/sessions?userId=${user.id}`, { token: adminToken });
    for (const session of sessions.body.items.filter((s: { user_id: string }) => s.user_id === user.id)) {
      expect((await server.request('DELETE', `/v1/tenants/${tenant.id}/sessions/${session.id}`, { token: adminToken })).status).toBeLessThan(300);
    }
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'session_revoked' });
    expect(await ws.call('session.status')).toMatchObject({ state: 'locked', needsOnlineSignIn: true });
    expect(vaultFiles(ws.profileDir).length).toBeGreaterThan(0);
    expect((await signIn(ws, user)).state).toBe('unlocked');
    await ws.core.close();
  });

  it('destroys the cache and keychain items when the user is deactivated', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    const status = await signIn(ws, user);
    await ws.call('auth.lock');
    const adminToken = (await server.signIn(tenant.admin)).token;
    const patched = await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${user.id}`, { token: adminToken, body: { status: 'deactivated' } });
    expect(patched.status).toBe(200);
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'user_inactive' });
    expect(vaultFiles(ws.profileDir)).toEqual([]);
    expect(await createKeychainSecretStore(secretOwnerOf({ profileDir: ws.profileDir, server: server.url, userId: status.user!.id, tenantId: status.tenantId! })).list()).toEqual([]);
    expect((await ws.call('session.status')).state).toBe('signed_out');
    await ws.core.close();
  });

  it('lets an admin revoke sessions from the app while online, ending the other workstation\'s session', async () => {
    const adminWs = workstation();
    await signIn(adminWs, await server.addMember(tenant.id, 'admin'));
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await signIn(ws, user);
    await ws.call('auth.lock');
    expect(await adminWs.call('sessions.revoke', { userId: user.id })).toEqual({ ok: true });
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'session_revoked' });
    await adminWs.core.close();
    await ws.core.close();
  });

  it('unlocks offline with the password while the grant is valid, and refuses after it', async () => {
    const adminWs = workstation();
    await signIn(adminWs, await server.addMember(tenant.id, 'admin'));
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'contributor');
    await signIn(ws, user);
    await ws.call('auth.lock');
    await server.stop();
    // Admin actions are online-only: offline they say so instead of queueing.
    await expect(adminWs.call('sessions.revoke', { userId: user.id })).rejects.toMatchObject({ code: 'needs_connection' });
    await expect(adminWs.call('users.update', { userId: user.id, patch: { status: 'deactivated' } })).rejects.toMatchObject({ code: 'needs_connection' });
    await adminWs.core.close();
    stopped = true;
    const offline = await ws.call('auth.unlock', { password: TEST_PASSWORD });
    expect(offline).toMatchObject({ state: 'unlocked', online: false });
    await ws.call('auth.lock');
    server.clock.advance(73 * 3_600_000);
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'grant_expired' });
    expect(await ws.call('session.status')).toMatchObject({ state: 'locked', lockReason: 'grant_expired' });
    await ws.core.close();
  });
});
