import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerRows, serverBackends, startTestServer, validBodyFor, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

/**
 * A user of tenant A, whatever their role, gets 403/404 for every endpoint when it names
 * tenant B or B's objects, and B's rows do not change; under A's transaction context a raw
 * query sees none of B's rows in any table.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`tenant isolation (${name})`, () => {
    let t: TestServer;
    let a: TestTenant;
    let b: TestTenant;
    const bIds = { userId: '', sessionId: '', roleId: '', shiftLogId: '' };
    const aIds = { roleId: '' };
    const actorsOfA: { label: string; user: TestUser; token: string }[] = [];

    beforeAll(async () => {
      t = await startTestServer({ backend });
      a = await t.createTenant('Tenant A');
      b = await t.createTenant('Tenant B');
      const bAdmin = (await t.signIn(b.admin)).token;
      const bRole = await t.request('POST', `/v1/tenants/${b.id}/roles`, { token: bAdmin, body: { name: 'B readers', grants: [{ action: 'read', access: 'org', entity: 'user' }] } });
      bIds.roleId = bRole.body.id;
      const bUser = await t.addMember(b.id, 'contributor');
      bIds.userId = bUser.id;
      bIds.sessionId = (await t.signIn(bUser)).grant.sessionId;
      bIds.shiftLogId = (await insertShiftLog(t.db, b.id, { areaId: b.areas.boilers, createdBy: b.admin.id, now: t.clock.now(), status: 'submitted' })).id;

      const aAdmin = (await t.signIn(a.admin)).token;
      // A custom role in A that holds every org-scoped right a custom role can hold.
      const everything = ['read', 'create', 'update', 'amend', 'sign', 'export', 'manage', 'revoke', 'delete'].flatMap((action) =>
        ['user', 'membership', 'role', 'session', 'audit_event', 'tenant_settings', 'feature_flag', 'shift_log', 'log_entry'].map((entity) => ({ action, access: 'org', entity })),
      );
      // More than any admin of A holds, so nobody in A could grant it: stored as a platform operator would.
      aIds.roleId = randomUUID();
      await t.db.ownerTransaction((tx) =>
        tx.query("INSERT INTO roles (tenant_id, id, name, grants, created_at, updated_at) VALUES ($1, $2, 'A everything', $3::jsonb, $4, $4)", [a.id, aIds.roleId, JSON.stringify(everything), t.clock.now()]),
      );
      actorsOfA.push({ label: 'admin', user: a.admin, token: aAdmin });
      for (const role of ['viewer', 'contributor'] as const) {
        const user = await t.addMember(a.id, role, { moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true } });
        actorsOfA.push({ label: role, user, token: (await t.signIn(user)).token });
      }
      const custom = await t.addMember(a.id, { customRoleId: aIds.roleId });
      actorsOfA.push({ label: 'custom', user: custom, token: (await t.signIn(custom)).token });
    });
    afterAll(() => t?.stop());

    /** Everything of B, as the superuser sees it. */
    const fingerprintOfB = async () => {
      const tables = await ownerRows(t.db, "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name");
      const parts = [];
      for (const { table_name: table } of tables) {
        const [row] = await ownerRows(t.db, `SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') AS h FROM "${String(table)}" x WHERE tenant_id = $1`, [b.id]);
        parts.push(`${String(table)}:${row.n}:${row.h}`);
      }
      const [users] = await ownerRows(t.db, "SELECT md5(string_agg(u::text, ',' ORDER BY u.id)) AS h FROM users u WHERE home_tenant_id = $1", [b.id]);
      const [tenant] = await ownerRows(t.db, 'SELECT md5(x::text) AS h FROM tenants x WHERE id = $1', [b.id]);
      return [...parts, `users:${users.h}`, `tenant:${tenant.h}`].join('\n');
    };

    const fill = (url: string, tenantId: string, ids: typeof bIds) =>
      url.replace(':tenantId', tenantId).replace(':userId', ids.userId).replace(':sessionId', ids.sessionId).replace(':roleId', ids.roleId).replace(':shiftLogId', ids.shiftLogId);

    it('answers 403 or 404 on every tenant endpoint for every role of A, and changes nothing of B', async () => {
      const before = await fingerprintOfB();
      const tenantRoutes = t.server.routes.filter((route) => route.kind === 'tenant');
      expect(tenantRoutes.length).toBeGreaterThanOrEqual(14);
      const leaks: string[] = [];
      for (const actor of actorsOfA) {
        for (const route of tenantRoutes) {
          const query = route.method === 'DELETE' && route.url.endsWith('/sessions') ? `?userId=${bIds.userId}` : '';
          // B's tenant id with B's objects, and A's tenant id with B's objects.
          for (const tenantId of [b.id, a.id]) {
            if (tenantId === a.id && !/:userId|:sessionId|:roleId|:shiftLogId/.test(route.url) && !query) continue;
            const path = `${fill(route.url, tenantId, bIds)}${query}`;
            const answer = await t.request(route.method, path, { token: actor.token, body: validBodyFor(route.method, route.url) });
            if (answer.status !== 403 && answer.status !== 404) leaks.push(`${actor.label}: ${route.method} ${path} -> ${answer.status}`);
          }
        }
      }
      expect(leaks).toEqual([]);
      expect(await fingerprintOfB()).toBe(before);
    });

    it('does not let a user of A open a session in B, nor see B in their own session', async () => {
      const viewer = actorsOfA.find((actor) => actor.label === 'viewer')!;
      const login = await t.request('POST', '/v1/auth/login', { body: { email: viewer.user.email, password: viewer.user.password, deviceId: 'd', deviceName: 'd', tenantId: b.id } });
      expect([login.status, login.body.error.code]).toEqual([403, 'no_membership']);
      const session = await t.request('GET', '/v1/auth/session', { token: viewer.token });
      expect(JSON.stringify(session.body)).not.toContain(b.id);
    });

    it('shows none of B\'s rows to a raw query under A\'s transaction context, in any table', async () => {
      const tables = (await ownerRows(t.db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'login_throttle', 'security_events')")).map((row) => String(row.table_name));
      expect(tables).toEqual(expect.arrayContaining(['tenants', 'users', 'memberships', 'sessions', 'audit_events', 'log_entries', 'change_log']));
      const bUserIds = (await ownerRows(t.db, 'SELECT id FROM users WHERE home_tenant_id = $1', [b.id])).map((row) => String(row.id));
      const seenUnderA = await t.db.transaction({ tenantId: a.id }, async (tx) => {
        const seen: Record<string, string> = {};
        for (const table of tables) {
          const rows = await tx.query(`SELECT to_jsonb(x)::text AS row FROM "${table}" x`);
          seen[table] = rows.map((row) => String(row.row)).join('\n');
        }
        return seen;
      });
      for (const [table, text] of Object.entries(seenUnderA)) {
        expect(text, table).not.toContain(b.id);
        for (const id of bUserIds) expect(text, table).not.toContain(id);
      }
      // The same query with no tenant bound sees nothing at all.
      const unbound = await t.db.transaction({}, async (tx) => {
        let total = 0;
        for (const table of tables) total += Number((await tx.query(`SELECT count(*)::int AS n FROM "${table}"`))[0].n);
        return total;
      });
      expect(unbound).toBe(0);
    });

    it('refuses to write a row into B from a transaction bound to A', async () => {
      await expect(
        t.db.transaction({ tenantId: a.id }, (tx) =>
          tx.query("INSERT INTO areas (tenant_id, id, kind, name, time_zone, created_at) VALUES ($1, gen_random_uuid(), 'site', 'Intruder', 'UTC', now())", [b.id]),
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(t.db.transaction({ tenantId: a.id }, (tx) => tx.query("UPDATE tenants SET name = 'Taken' WHERE id = $1 RETURNING id", [b.id]))).resolves.toEqual([]);
    });

    it('runs requests as a role that is neither owner nor superuser and cannot bypass RLS', async () => {
      const [role] = await t.db.transaction({ tenantId: a.id }, (tx) =>
        tx.query("SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass FROM pg_roles r WHERE r.rolname = current_user"),
      );
      expect(role).toEqual({ name: 'plantdesk_app', super: false, bypass: false });
      const forced = await ownerRows(t.db, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname <> 'schema_migrations' AND relname NOT IN ('login_throttle', 'security_events') AND NOT (relrowsecurity AND relforcerowsecurity)");
      expect(forced).toEqual([]);
    });
  });
}
