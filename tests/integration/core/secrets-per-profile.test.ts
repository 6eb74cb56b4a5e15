import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import { defaultModuleFlags } from '../../../shared/rbac';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf, type CoreCall } from '../../support/core-workstation';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';

type Status = { state: string; tenantId: string | null; grantNotAfter: string | null };

/**
 * Keychain items belong to one (server, user, tenant, profile): two profiles of one account, or
 * one person's caches of two tenants, never overwrite each other's token or device secret, and
 * a grant is stored only in the cache of the tenant and person it names. With the real keychain.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('secrets per profile and per tenant', () => {
  let server: TestServer;
  let north: TestTenant;
  let south: TestTenant;
  const cores: Core[] = [];

  function workstation(profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-profile-'))): CoreCall {
    const core = createCore({ profileDir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
    cores.push(core);
    return callerOf(core);
  }
  const signIn = async (call: CoreCall, user: TestUser, tenantId?: string) =>
    call<Status>('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user), ...(tenantId ? { tenantId } : {}) });

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    north = await server.createTenant('North Plant');
    south = await server.createTenant('South Plant');
  });
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((core) => core.close()));
  });
  afterAll(async () => server?.stop());

  it('two profiles of one account: each cache opens with its own password and syncs', async () => {
    const person = await server.addMember(north.id, 'admin');
    const first = workstation();
    const second = workstation();
    await signIn(first, person);
    await first('auth.lock');
    // The second profile's sign-in makes a cache and a device secret of its own...
    await signIn(second, person);
    // ...and the first profile's cache still opens, offline items untouched, and syncs.
    expect(await first<Status>('auth.unlock', { password: TEST_PASSWORD })).toMatchObject({ state: 'unlocked', tenantId: north.id });
    expect(await first('sync.now')).toMatchObject({ conflicts: 0 });
    await second('auth.lock');
    expect(await second<Status>('auth.unlock', { password: TEST_PASSWORD })).toMatchObject({ state: 'unlocked', tenantId: north.id });
    expect(await second('sync.now')).toMatchObject({ conflicts: 0 });
  });

  it('one person in two tenants on one workstation: each tenant’s cache unlocks under its own grant and syncs', async () => {
    const person = await server.addMember(north.id, 'contributor', { areas: [north.areas.boilers] });
    await server.db.ownerTransaction((tx) =>
      tx.query("INSERT INTO memberships (tenant_id, user_id, org_role, areas, module_flags, created_at, updated_at) VALUES ($1, $2, 'admin', '[]', $3::jsonb, $4, $4)", [
        south.id,
        person.id,
        JSON.stringify(defaultModuleFlags('admin')),
        server.clock.now(),
      ]),
    );
    const call = workstation();
    await signIn(call, person, north.id);
    await call('auth.lock');
    await signIn(call, person, south.id);
    await call('auth.lock');

    const account = (tenantId: string) => ({ server: server.url, userId: person.id, tenantId });
    const northStatus = await call<Status>('auth.unlock', { password: TEST_PASSWORD, account: account(north.id) });
    expect(northStatus).toMatchObject({ state: 'unlocked', tenantId: north.id });
    // North's cache holds North's grant (a contributor there), never South's admin grant.
    const access = await call<{ tenantId: string; orgRole: string }>('session.access');
    expect(access).toMatchObject({ tenantId: north.id, orgRole: 'contributor' });
    expect(await call('sync.now')).toMatchObject({ conflicts: 0 });
    await call('auth.lock');

    expect(await call<Status>('auth.unlock', { password: TEST_PASSWORD, account: account(south.id) })).toMatchObject({ state: 'unlocked', tenantId: south.id });
    expect(await call<{ tenantId: string; orgRole: string }>('session.access')).toMatchObject({ tenantId: south.id, orgRole: 'admin' });
    expect(await call('sync.now')).toMatchObject({ conflicts: 0 });
  });
});
