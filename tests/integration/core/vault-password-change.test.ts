import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import type { SessionStatus } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';

// A password changed on the server (here by the person, from another device) while this workstation's cache is
// still wrapped under the previous one: the real server (PGlite), a real Secret Service
// keychain, real encrypted SQLite.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;
const NEW_PASSWORD = 'changed-elsewhere-Valve-77';

describe.skipIf(skipUnless(secretServiceCapability()))('sign-in after a password change on the server', () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Southgate Works', { offline_grant_hours: 72 });
  });

  afterAll(async () => {
    await server?.stop();
  });

  function workstation() {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-vault-pw-'));
    const core = createCore({ profileDir, appVersion: 'test', deviceName: 'Control room PC' }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = async <T = SessionStatus>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    const vaultFile = (suffix: string) => {
      const dir = path.join(profileDir, 'vaults');
      const name = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith(suffix)) : undefined;
      return name === undefined ? null : readFileSync(path.join(dir, name));
    };
    return { profileDir, core, call, vaultFile };
  }

  async function resetPassword(user: TestUser, password: string) {
    const elsewhere = (await server.signIn(user, { deviceId: 'another-device' })).token;
    const changed = await server.request('POST', '/v1/auth/password', { token: elsewhere, body: { currentPassword: user.password, newPassword: password } });
    expect(changed.status).toBe(204);
  }

  const outboxIds = async (ws: ReturnType<typeof workstation>) => (await ws.call<{ id: string }[]>('sync.outbox', { limit: 500 })).map((item) => item.id);

  it('asks for the previous password before spending the code, then moves the cache over with its outbox', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
    await ws.call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    const pending = await outboxIds(ws);
    expect(pending.length).toBeGreaterThan(0);
    await ws.call('auth.lock');
    await resetPassword(user, NEW_PASSWORD);
    const keyFile = ws.vaultFile('.key.json');

    // The server accepts the new password; the local copy does not open with it.
    const code = await server.freshCode(user);
    const asked = await ws.call('auth.signIn', { server: server.url, email: user.email, password: NEW_PASSWORD, totpCode: code }).catch((e: unknown) => e);
    expect(asked).toMatchObject({ code: 'previous_password_needed', details: { previousPasswordRejected: false } });
    expect((asked as Error).message).toMatch(/previous password/);
    expect((asked as Error).message).toMatch(/remove this workstation's data/);
    expect(await ws.call('session.status')).toMatchObject({ state: 'locked' });

    // A wrong previous password changes nothing either.
    await expect(
      ws.call('auth.signIn', { server: server.url, email: user.email, password: NEW_PASSWORD, previousPassword: 'not-what-it-was-1234', totpCode: code }),
    ).rejects.toMatchObject({ code: 'previous_password_needed', details: { previousPasswordRejected: true } });
    expect(ws.vaultFile('.key.json')!.equals(keyFile!)).toBe(true);

    // The same code still works: it was never sent while the local copy could not be opened.
    const status = await ws.call('auth.signIn', { server: server.url, email: user.email, password: NEW_PASSWORD, previousPassword: TEST_PASSWORD, totpCode: code });
    expect(status).toMatchObject({ state: 'unlocked', online: true, tenantId: tenant.id });
    expect(await outboxIds(ws)).toEqual(expect.arrayContaining(pending));
    expect(ws.vaultFile('.key.json')!.equals(keyFile!)).toBe(false);

    // From now on the new password opens it offline, the previous one no longer does.
    await ws.call('auth.lock');
    await expect(ws.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'wrong_password' });
    expect((await ws.call('auth.unlock', { password: NEW_PASSWORD })).state).toBe('unlocked');
    await ws.core.close();
  });

  it('signs in as before when the password did not change, whatever previous password is sent', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await ws.call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await ws.call('auth.lock');
    const keyFile = ws.vaultFile('.key.json');
    const status = await ws.call('auth.signIn', {
      server: server.url,
      email: user.email,
      password: TEST_PASSWORD,
      previousPassword: 'anything-at-all-5678',
      totpCode: await server.freshCode(user),
    });
    expect(status.state).toBe('unlocked');
    expect(ws.vaultFile('.key.json')!.equals(keyFile!)).toBe(true);
    await ws.core.close();
  });

  it('without the previous password: removing the local copy lets the new password sign in to a fresh one', async () => {
    const ws = workstation();
    const user = await server.addMember(tenant.id, 'viewer');
    await ws.call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await ws.call('auth.lock');
    const database = ws.vaultFile('.db');
    await resetPassword(user, NEW_PASSWORD);
    const code = await server.freshCode(user);
    await expect(ws.call('auth.signIn', { server: server.url, email: user.email, password: NEW_PASSWORD, totpCode: code })).rejects.toMatchObject({
      code: 'previous_password_needed',
    });
    // Its local audit records were never sent: the wipe names how many it discards.
    const { confirmation } = await ws.call<{ confirmation: string }>('auth.wipePreview');
    expect(confirmation).toMatch(/^DISCARD \d+$/);
    expect((await ws.call('auth.wipe', { confirm: confirmation })).state).toBe('signed_out');
    expect(ws.vaultFile('.db')).toBeNull();
    const status = await ws.call('auth.signIn', { server: server.url, email: user.email, password: NEW_PASSWORD, totpCode: code });
    expect(status.state).toBe('unlocked');
    expect(ws.vaultFile('.db')!.equals(database!)).toBe(false);
    await ws.core.close();
  });
});
