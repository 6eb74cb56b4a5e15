import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsPageSchema } from '../../../shared/domain/admin';
import { serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sessions (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      // Idle 30 minutes, absolute 2 hours: small enough to cross with the clock.
      tenant = await t.createTenant('Session Works', { session_idle_minutes: 30, session_absolute_hours: 2 });
    });
    afterAll(() => t?.stop());

    const whoAmI = (token: string) => t.request('GET', '/v1/auth/session', { token });

    it('expires a session left idle longer than the tenant allows', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user);
      t.clock.advance(29 * 60_000);
      expect((await whoAmI(token)).status).toBe(200);
      // Use moved the idle deadline: 29 more minutes are fine again.
      t.clock.advance(29 * 60_000);
      expect((await whoAmI(token)).status).toBe(200);
      t.clock.advance(30 * 60_000 + 1);
      const expired = await whoAmI(token);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('session_expired');
    });

    it('expires a busy session at its absolute timeout', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user);
      // Every 20 minutes for 1 h 59 min: never idle, still valid.
      for (const step of [20, 20, 20, 20, 20, 19]) {
        t.clock.advance(step * 60_000);
        expect((await whoAmI(token)).status).toBe(200);
      }
      t.clock.advance(60_000);
      const expired = await whoAmI(token);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('session_expired');
    });

    it('applies a change of the idle timeout to open sessions', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user);
      const admin = (await t.signIn(tenant.admin)).token;
      expect((await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { sessionIdleMinutes: 5 } })).status).toBe(200);
      t.clock.advance(6 * 60_000);
      expect((await whoAmI(token)).body.error.code).toBe('session_expired');
      expect((await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: (await t.signIn(tenant.admin)).token, body: { sessionIdleMinutes: 30 } })).status).toBe(200);
    });

    it('lists sessions with IP, device and user agent, and revokes one: effective on the next request', async () => {
      const user = await t.addMember(tenant.id, 'contributor');
      const first = await t.signIn(user, { deviceId: 'ws-a', ip: '198.51.100.7' });
      const second = await t.signIn(user, { deviceId: 'ws-b' });
      const admin = (await t.signIn(tenant.admin)).token;
      const listed = await t.request('GET', `/v1/tenants/${tenant.id}/sessions?userId=${user.id}`, { token: admin, headers: {} });
      expect(listed.status).toBe(200);
      const page = SessionsPageSchema.parse(listed.body);
      expect(page.items.map((session) => session.device_id).sort()).toEqual(['ws-a', 'ws-b']);
      const sessionA = page.items.find((session) => session.device_id === 'ws-a')!;
      expect(sessionA).toMatchObject({ ip: '198.51.100.7', device_name: 'Test workstation', user_agent: expect.any(String), revoked_at: null });

      expect((await whoAmI(first.token)).status).toBe(200);
      const revoke = await t.request('DELETE', `/v1/tenants/${tenant.id}/sessions/${sessionA.id}`, { token: admin });
      expect(revoke.status).toBe(200);
      expect(revoke.body.revoked_at).toBe(t.clock.now().toISOString());
      const refused = await whoAmI(first.token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('session_revoked');
      expect((await whoAmI(second.token)).status).toBe(200);
    });

    it("revokes all of a user's sessions at once", async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const tokens = [(await t.signIn(user)).token, (await t.signIn(user)).token, (await t.signIn(user)).token];
      const admin = (await t.signIn(tenant.admin)).token;
      const answer = await t.request('DELETE', `/v1/tenants/${tenant.id}/sessions?userId=${user.id}`, { token: admin });
      expect(answer.body).toEqual({ revoked: 3 });
      for (const token of tokens) expect((await whoAmI(token)).body.error.code).toBe('session_revoked');
      expect((await whoAmI(admin)).status).toBe(200);
    });

    it('answers user_inactive for a deactivated user, and lets a reactivated one sign in again', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user);
      const admin = (await t.signIn(tenant.admin)).token;
      const deactivate = await t.request('PATCH', `/v1/tenants/${tenant.id}/users/${user.id}`, { token: admin, body: { status: 'deactivated', reason: 'left the company' } });
      expect(deactivate.status).toBe(200);
      const refused = await whoAmI(token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('user_inactive');
      const login = await t.request('POST', '/v1/auth/login', { body: { email: user.email, password: user.password, deviceId: 'd', deviceName: 'd' } });
      expect(login.body.error.code).toBe('user_inactive');

      expect((await t.request('PATCH', `/v1/tenants/${tenant.id}/users/${user.id}`, { token: admin, body: { status: 'active' } })).status).toBe(200);
      // Reactivation does not bring the old session back.
      expect((await whoAmI(token)).body.error.code).toBe('session_revoked');
      expect((await whoAmI((await t.signIn(user)).token)).status).toBe(200);
    });

    it('keys sessions by a hash: the stored row never holds the token', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user);
      const rows = await t.db.ownerTransaction((tx) => tx.query('SELECT to_jsonb(s)::text AS row FROM sessions s WHERE user_id = $1', [user.id]));
      expect(rows).toHaveLength(1);
      expect(String(rows[0].row)).not.toContain(token);
    });
  });
}
