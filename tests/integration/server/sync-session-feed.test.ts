import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreDatabase, type SqliteDatabase } from '../../../main/core/store/open';
import type { SessionRow } from '../../../main/core/store/rows';
import { applyPullPage, parsePullPage } from '../../../main/core/sync/apply-pull';
import { ownerRows, serverBackends, startTestServer, type TestTenant } from '../../support/server';


/**
 * Sign-ins reach the workstation caches through the pull feed, so People shows each person's
 * last sign-in and the audit trail names devices, offline too: under the ordinary `read
 * session` rule, with revocations following, and without the token hash ever in the feed.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sessions in the pull feed (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-session-feed-'));
    const stores: SqliteDatabase[] = [];

    async function pulledSessions(token: string): Promise<SessionRow[]> {
      const store = openStoreDatabase({ path: join(dir, `${randomUUID()}.db`), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
      stores.push(store);
      let since = 0;
      for (;;) {
        const response = await server.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=${since}&limit=50`, { token });
        expect(response.status).toBe(200);
        const page = parsePullPage(response.body, since);
        since = applyPullPage(store, page, new Date()).cursor;
        if (!page.hasMore) break;
      }
      return store.prepare('SELECT * FROM session ORDER BY created_at, id').all() as SessionRow[];
    }

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      tenant = await server.createTenant('Session Feed');
    });
    afterAll(async () => {
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
      await server?.stop();
    });

    it("gives an admin everyone's sign-ins with device names, and a person without the users module none of anyone's", async () => {
      const operator = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      const operatorSignIn = await server.signIn(operator, { deviceId: 'ws-control-room' });
      const admin = await server.signIn(tenant.admin, { deviceId: 'ws-shift-office' });
      const sessions = await pulledSessions(admin.token);
      const ofOperator = sessions.filter((row) => row.user_id === operator.id);
      expect(ofOperator).toHaveLength(1);
      expect(ofOperator[0]).toMatchObject({ tenant_id: tenant.id, device_id: 'ws-control-room', revoked_at: null });
      expect(ofOperator[0].device_name).toEqual(expect.any(String));
      expect(ofOperator[0].created_at).toMatch(/Z$/);
      expect(sessions.some((row) => row.user_id === tenant.admin.id && row.device_id === 'ws-shift-office')).toBe(true);
      // A contributor's modules do not include users: no one's sessions, their own included.
      expect(await pulledSessions(operatorSignIn.token)).toEqual([]);
    });

    it('follows a revocation, and keeps the token hash, the revoke reason, the address and the browser out of the change log', async () => {
      const person = await server.addMember(tenant.id, 'viewer');
      const signedIn = await server.signIn(person, { deviceId: 'ws-lab' });
      const admin = await server.signIn(tenant.admin);
      const [open] = (await pulledSessions(admin.token)).filter((row) => row.user_id === person.id);
      expect(open.revoked_at).toBeNull();
      const revoked = await server.request('DELETE', `/v1/tenants/${tenant.id}/sessions/${open.id}`, { token: admin.token });
      expect(revoked.status).toBe(200);
      const [after] = (await pulledSessions(admin.token)).filter((row) => row.user_id === person.id);
      expect(after).toMatchObject({ id: open.id, revoked_by: tenant.admin.id });
      expect(after.revoked_at).toMatch(/Z$/);
      expect(signedIn.token).toEqual(expect.any(String));
      const logged = await ownerRows(server.db, "SELECT row::text AS row FROM change_log WHERE tenant_id = $1 AND entity = 'session'", [tenant.id]);
      expect(logged.length).toBeGreaterThan(0);
      for (const { row } of logged) {
        expect(String(row)).not.toMatch(/token_hash|revoke_reason|"ip"|user_agent/);
      }
    });

    it("publishes each ended session when an admin ends all of a person's sessions", async () => {
      const person = await server.addMember(tenant.id, 'viewer');
      await server.signIn(person, { deviceId: 'ws-a' });
      await server.signIn(person, { deviceId: 'ws-b' });
      const admin = await server.signIn(tenant.admin);
      const ended = await server.request('DELETE', `/v1/tenants/${tenant.id}/sessions?userId=${person.id}`, { token: admin.token });
      expect(ended.status).toBe(200);
      expect(ended.body.revoked).toBe(2);
      const rows = (await pulledSessions(admin.token)).filter((row) => row.user_id === person.id);
      expect(rows.map((row) => row.device_id).sort()).toEqual(['ws-a', 'ws-b']);
      for (const row of rows) expect(row.revoked_at).not.toBeNull();
    });
  });
}
