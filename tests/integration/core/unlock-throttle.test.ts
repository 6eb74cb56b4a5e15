import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf } from '../../support/core-workstation';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';

/**
 * A locked workstation cannot be brute-forced: after five wrong passwords each attempt waits,
 * the waits double, the count survives a restart, and the failures reach the audit trail with
 * the next unlock. With the real keychain and an encrypted cache.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('local unlock throttling', () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Throttle Plant', { session_idle_minutes: 1440 });
  });
  afterAll(async () => server?.stop());

  it('waits after five wrong passwords, doubling, across restarts; each failure is audited by the next unlock', async () => {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-unlock-throttle-'));
    let core = createCore({ profileDir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
    let call = callerOf(core);
    const person = await server.addMember(tenant.id, 'viewer');
    await call('auth.signIn', { server: server.url, email: person.email, password: TEST_PASSWORD, totpCode: await server.freshCode(person) });
    await call('auth.lock');
    for (let i = 0; i < 5; i++) await expect(call('auth.unlock', { password: `wrong-password-${i}` })).rejects.toMatchObject({ code: 'wrong_password' });
    // Even the right password waits now.
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'throttled', details: { retryAfter: 30 } });

    // A restart does not reset the count.
    await core.close();
    core = createCore({ profileDir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
    call = callerOf(core);
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'throttled' });
    server.clock.advance(31_000);
    await expect(call('auth.unlock', { password: 'wrong-password-5' })).rejects.toMatchObject({ code: 'wrong_password' });
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'throttled', details: { retryAfter: 60 } });
    server.clock.advance(61_000);
    expect(await call('auth.unlock', { password: TEST_PASSWORD })).toMatchObject({ state: 'unlocked' });

    await call('sync.now');
    const events = await ownerRows(server.db, "SELECT action, diff FROM audit_events WHERE tenant_id = $1 AND actor_id = $2 AND action = 'local.unlock_failed'", [tenant.id, person.id]);
    // Each of the six wrong passwords is in the trail.
    expect(events).toHaveLength(6);
    expect(events.every((event) => JSON.stringify(event.diff).includes('"failures":1'))).toBe(true);
    // Counting starts afresh after a right password.
    await call('auth.lock');
    await expect(call('auth.unlock', { password: 'wrong-password-7' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect(await call('auth.unlock', { password: TEST_PASSWORD })).toMatchObject({ state: 'unlocked' });
    await core.close();
  });
});
