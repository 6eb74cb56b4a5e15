import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/auth/passwords';
import { newTotpSecret } from '../../../server/crypto/totp';
import { defaultModuleFlags } from '../../../shared/rbac';
import { databaseFingerprint, ownerRows, serverBackends, startTestServer, TEST_PASSWORD, testScrypt, type TestServer, type TestTenant, type TestUser } from '../../support/server';

/**
 * The tenant boundary holds for identity: a person who belongs to tenants A and B has one
 * password and one authenticator, so A's admin resetting them would reach into B (and sign in
 * there as B's admin). A's admin is refused (`shared_identity`) and nothing changes; the person
 * changes their own password, or global support resets them with a stated reason, recorded in
 * A's and B's audit trails alike.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`resets of people who belong to several tenants (${name})`, () => {
    let t: TestServer;
    let a: TestTenant;
    let b: TestTenant;
    let person: TestUser;
    let adminOfA: string;
    let support: TestUser;
    let supportToken: string;

    beforeAll(async () => {
      t = await startTestServer({ backend });
      a = await t.createTenant('Tenant A');
      b = await t.createTenant('Tenant B');
      // Homed in A, and an admin in B too.
      person = await t.addMember(a.id, 'viewer');
      await t.db.ownerTransaction((tx) =>
        tx.query("INSERT INTO memberships (tenant_id, user_id, org_role, areas, module_flags, created_at, updated_at) VALUES ($1, $2, 'admin', '[]', $3::jsonb, $4, $4)", [
          b.id,
          person.id,
          JSON.stringify(defaultModuleFlags('admin')),
          t.clock.now(),
        ]),
      );
      adminOfA = (await t.signIn(a.admin)).token;

      const supportId = randomUUID();
      const totpSecret = newTotpSecret();
      const email = `support-${supportId.slice(0, 8)}@platform.example`;
      await t.db.ownerTransaction(async (tx) =>
        tx.query(
          `INSERT INTO users (id, email, display_name, global_role, password_hash, totp_secret, created_at, updated_at)
           VALUES ($1, $2, 'Platform Support', 'support', $3, $4, $5, $5)`,
          [supportId, email, await hashPassword(TEST_PASSWORD, testScrypt), t.server.signer.secretBox.seal(totpSecret, supportId), t.clock.now()],
        ),
      );
      support = { id: supportId, email, password: TEST_PASSWORD, totpSecret, tenantId: '', role: 'viewer' };
      const desk = await t.createTenant('Support Desk');
      supportToken = (await t.signIn(support, { tenantId: desk.id })).token;
    });
    afterAll(() => t?.stop());

    const resetPath = (tenantId: string) => `/v1/tenants/${tenantId}/users/${person.id}/reset`;
    const trail = (tenantId: string, action: string) =>
      ownerRows(t.db, 'SELECT actor_id, entity_id, reason FROM audit_events WHERE tenant_id = $1 AND action = $2 ORDER BY seq', [tenantId, action]);

    it("refuses A's admin every way to set the person's password or authenticator, and changes nothing", async () => {
      const before = await databaseFingerprint(t.db);
      // The admin-set password and TOTP of old are gone altogether.
      const password = await t.request('POST', `/v1/tenants/${a.id}/users/${person.id}/password`, { token: adminOfA, body: { password: 'Taken-over-Passphrase-1' } });
      expect([password.status, password.body?.error?.code]).toEqual([404, 'not_found']);
      const totp = await t.request('POST', `/v1/tenants/${a.id}/users/${person.id}/totp`, { token: adminOfA, body: {} });
      expect([totp.status, totp.body?.error?.code]).toEqual([404, 'not_found']);
      // The reset that replaced them stops at the tenant boundary, and says why.
      const reset = await t.request('POST', resetPath(a.id), { token: adminOfA, body: { reason: 'forgot it' } });
      expect([reset.status, reset.body?.error?.code]).toEqual([403, 'shared_identity']);
      expect(reset.body.error.message).toMatch(/another organisation/);
      expect(reset.body.error.message).toMatch(/support/);
      expect(JSON.stringify(reset.body)).not.toContain('/enrol#');
      expect(await databaseFingerprint(t.db)).toBe(before);
      // So A's admin holds nothing to sign in to B with.
      const login = await t.request('POST', '/v1/auth/login', { body: { email: person.email, password: 'Taken-over-Passphrase-1', deviceId: 'd', deviceName: 'd', tenantId: b.id } });
      expect(login.body.error.code).toBe('invalid_credentials');
    });

    it("refuses B's admin too: the person is not theirs alone either", async () => {
      const adminOfB = (await t.signIn(b.admin)).token;
      const before = await databaseFingerprint(t.db);
      const reset = await t.request('POST', resetPath(b.id), { token: adminOfB, body: {} });
      expect([reset.status, reset.body?.error?.code]).toEqual([403, 'shared_identity']);
      expect(await databaseFingerprint(t.db)).toBe(before);
    });

    it('lets the person change their own password, audited in A and B', async () => {
      const { token } = await t.signIn(person, { tenantId: b.id });
      const other = await t.signIn(person, { tenantId: a.id });
      const wrong = await t.request('POST', '/v1/auth/password', { token, body: { currentPassword: 'not-my-password-at-all', newPassword: 'My-own-Passphrase-2024' } });
      expect([wrong.status, wrong.body?.error?.code]).toEqual([401, 'invalid_credentials']);
      const changed = await t.request('POST', '/v1/auth/password', { token, body: { currentPassword: person.password, newPassword: 'My-own-Passphrase-2024' } });
      expect(changed.status).toBe(204);
      person = { ...person, password: 'My-own-Passphrase-2024' };
      for (const tenantId of [a.id, b.id]) expect(await trail(tenantId, 'user.password_changed')).toEqual([{ actor_id: person.id, entity_id: person.id, reason: null }]);
      // The session that asked is kept; the person's others end.
      expect((await t.request('GET', '/v1/auth/session', { token })).status).toBe(200);
      expect((await t.request('GET', '/v1/auth/session', { token: other.token })).body.error.code).toBe('session_revoked');
      expect((await t.signIn(person, { tenantId: a.id })).user.id).toBe(person.id);
    });

    it("lets global support reset the person with a stated reason, recorded in every tenant's trail", async () => {
      const sessionInB = await t.signIn(person, { tenantId: b.id });
      const without = await t.request('POST', resetPath(a.id), { token: supportToken, body: {} });
      expect([without.status, without.body?.error?.code]).toEqual([403, 'reason_required']);

      const reason = 'Ticket 5120: lost phone, identity checked by video call';
      const reset = await t.request('POST', resetPath(a.id), { token: supportToken, body: {}, headers: { 'x-plantdesk-reason': reason } });
      expect(reset.status).toBe(200);
      expect(reset.body.enrolment.link).toMatch(/\/enrol#[A-Za-z0-9_-]{43}$/);
      for (const tenantId of [a.id, b.id]) expect(await trail(tenantId, 'user.reset')).toEqual([{ actor_id: support.id, entity_id: person.id, reason }]);

      // Both factors are gone and every session ended, in B as well.
      const stored = await ownerRows(t.db, 'SELECT password_hash, totp_secret FROM users WHERE id = $1', [person.id]);
      expect(stored).toEqual([{ password_hash: null, totp_secret: null }]);
      expect((await t.request('GET', '/v1/auth/session', { token: sessionInB.token })).body.error.code).toBe('session_revoked');
      const login = await t.request('POST', '/v1/auth/login', { body: { email: person.email, password: person.password, deviceId: 'd', deviceName: 'd' } });
      expect(login.body.error.code).toBe('invalid_credentials');
      // The person, and only the person, sets new ones.
      const { signedIn } = await t.enrol(reset.body.enrolment.link, { password: 'Fresh-Passphrase-for-2025' });
      expect(signedIn.memberships.map((membership: { tenant_id: string }) => membership.tenant_id).sort()).toEqual([a.id, b.id].sort());
    });
  });
}
