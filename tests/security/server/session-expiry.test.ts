import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';
import { TestClient } from '../../integration/server/sync-fixtures';

/** An idle or absolute expiry, once reached, ends the session for good, whatever the settings become later. */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`expiry is final (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Expiry Works', { session_idle_minutes: 30, session_absolute_hours: 2 });
    });
    afterAll(() => t?.stop());

    const whoAmI = (token: string) => t.request('GET', '/v1/auth/session', { token });
    const setSettings = async (body: Record<string, number>) => {
      const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: (await t.signIn(tenant.admin)).token, body });
      expect(answer.status).toBe(200);
    };
    const localAction = (client: TestClient) => client.mutation('audit.local', { action: 'lock', at: t.clock.now().toISOString(), details: { reason: 'manual' } });

    /** The token is refused as expired on a read and on a push, and the push writes nothing. */
    async function expectStillExpired(token: string, client: TestClient) {
      const read = await whoAmI(token);
      expect([read.status, read.body?.error?.code]).toEqual([401, 'session_expired']);
      const before = await databaseFingerprint(t.db);
      const push = await client.push([localAction(client)]);
      expect([push.status, push.body?.error?.code]).toEqual([401, 'session_expired']);
      expect(await databaseFingerprint(t.db)).toBe(before);
    }

    it('keeps a token refused as idle-expired refused after an admin raises the idle timeout, for reads and pushes', async () => {
      await setSettings({ sessionIdleMinutes: 30 });
      const user = await t.addMember(tenant.id, 'contributor');
      const { token } = await t.signIn(user);
      const client = new TestClient(t, token);
      expect((await client.push([localAction(client)])).status).toBe(200);
      t.clock.advance(31 * 60_000);
      const refused = await whoAmI(token);
      expect([refused.status, refused.body.error.code]).toEqual([401, 'session_expired']);

      await setSettings({ sessionIdleMinutes: 600 });
      await expectStillExpired(token, client);
    });

    it('keeps a session that expired unnoticed (no request since) expired when the idle timeout is raised', async () => {
      await setSettings({ sessionIdleMinutes: 30 });
      const user = await t.addMember(tenant.id, 'contributor');
      const { token } = await t.signIn(user);
      t.clock.advance(45 * 60_000);
      await setSettings({ sessionIdleMinutes: 600 });
      await expectStillExpired(token, new TestClient(t, token));
    });

    it('keeps a session past its absolute timeout expired when the absolute timeout is raised', async () => {
      await setSettings({ sessionIdleMinutes: 30, sessionAbsoluteHours: 2 });
      const user = await t.addMember(tenant.id, 'contributor');
      const { token } = await t.signIn(user);
      for (let minutes = 0; minutes < 120; minutes += 20) {
        t.clock.advance(20 * 60_000);
        if (minutes + 20 < 120) expect((await whoAmI(token)).status).toBe(200);
      }
      expect((await whoAmI(token)).body.error.code).toBe('session_expired');
      await setSettings({ sessionAbsoluteHours: 24 });
      await expectStillExpired(token, new TestClient(t, token));
    });
  });
}
