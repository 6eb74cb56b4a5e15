import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf } from '../../support/core-workstation';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';
import { insertShiftLog } from '../server/sync-fixtures';

/**
 * Anyone at a locked shared workstation could once remove another person's unsynced work with
 * one call. Now a wipe that would discard changes takes the account's password or a typed
 * confirmation naming how many, and the wipe log records which.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('a guarded wipe', () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Wipe Plant', { session_idle_minutes: 1440 });
  });
  afterAll(async () => server?.stop());

  async function lockedWithPendingWork() {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-wipe-'));
    const core = createCore({ profileDir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = callerOf(core);
    const person = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    await call('auth.signIn', { server: server.url, email: person.email, password: TEST_PASSWORD, totpCode: await server.freshCode(person) });
    await call('sync.now');
    await call('logEntries.create', { shiftLogId: log.id, areaId: tenant.areas.boilers, category: 'operations', severity: 'info', body: 'Not yet sent', occurredAt: server.clock.now().toISOString() });
    await call('auth.lock');
    return { core, call, profileDir };
  }

  it('refuses a bare REMOVE when changes would be lost, and takes a confirmation naming how many', async () => {
    const { core, call, profileDir } = await lockedWithPendingWork();
    const preview = await call<{ pendingChanges: number; confirmation: string }>('auth.wipePreview');
    expect(preview.pendingChanges).toBeGreaterThanOrEqual(1);
    expect(preview.confirmation).toBe(`DISCARD ${preview.pendingChanges}`);
    await expect(call('auth.wipe', { confirm: 'REMOVE' })).rejects.toMatchObject({ code: 'wipe_not_confirmed', details: { pendingChanges: preview.pendingChanges } });
    await expect(call('auth.wipe', {})).rejects.toMatchObject({ code: 'wipe_not_confirmed' });
    await expect(call('auth.wipe', { password: 'not-the-password-at-all' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect(readdirSync(path.join(profileDir, 'vaults')).some((name) => name.endsWith('.db'))).toBe(true);

    expect(await call('auth.wipe', { confirm: preview.confirmation })).toMatchObject({ state: 'signed_out' });
    expect(existsSync(path.join(profileDir, 'vaults')) ? readdirSync(path.join(profileDir, 'vaults')) : []).toEqual([]);
    const log = readFileSync(path.join(profileDir, 'wipe-log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(log.at(-1)).toMatchObject({ reason: 'by_hand', pendingDiscarded: preview.pendingChanges, method: 'confirmation' });
    await core.close();
  });

  it('takes the account’s password instead', async () => {
    const { core, call, profileDir } = await lockedWithPendingWork();
    expect(await call('auth.wipe', { password: TEST_PASSWORD })).toMatchObject({ state: 'signed_out' });
    const log = readFileSync(path.join(profileDir, 'wipe-log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(log.at(-1)).toMatchObject({ reason: 'by_hand', method: 'password' });
    await core.close();
  });
});
