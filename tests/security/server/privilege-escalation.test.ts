import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModuleFlags, effectiveRules, type PermissionRule } from '../../../shared/rbac';
import { databaseFingerprint, ownerRows, serverBackends, startTestServer, uniqueEmail, type Json, type TestServer, type TestTenant, type TestUser } from '../../support/server';

/**
 * Custom roles cannot climb: an admin write is checked against the subject row in the actor's
 * scope, nobody grants rights beyond their own (per action x scope x entity), and nobody
 * changes their own role, areas, module flags or the rights of a role they hold. Each attack
 * below succeeded before these checks; now each is refused with a typed error and the
 * database is exactly as it was.
 */
const rule = (action: PermissionRule['action'], access: PermissionRule['access'], entity: PermissionRule['entity']): PermissionRule => ({ action, access, entity });
const adminRules = effectiveRules({ orgRole: 'admin', moduleFlags: defaultModuleFlags('admin'), globalRole: 'none' });

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`privilege escalation through custom roles (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let admin: string;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Escalation Works');
      admin = (await t.signIn(tenant.admin)).token;
    });
    afterAll(() => t?.stop());

    const users = (path = '') => `/v1/tenants/${tenant.id}/users${path}`;
    const roles = (path = '') => `/v1/tenants/${tenant.id}/roles${path}`;

    async function holderOf(grants: PermissionRule[], options: { areas?: string[] } = {}): Promise<{ user: TestUser; token: string; roleId: string }> {
      const role = await t.request('POST', roles(), { token: admin, body: { name: `Role ${randomUUID()}`, grants } });
      expect(role.status).toBe(201);
      const user = await t.addMember(tenant.id, { customRoleId: role.body.id }, { areas: options.areas });
      return { user, token: (await t.signIn(user)).token, roleId: role.body.id };
    }

    /** Runs the attack and expects a typed refusal that left every row of every table as it was. */
    async function expectRefused(attack: () => Promise<{ status: number; body: Json }>, status: number, code: string) {
      const before = await databaseFingerprint(t.db);
      const answer = await attack();
      expect([answer.status, answer.body?.error?.code]).toEqual([status, code]);
      expect(answer.body.error.message).toEqual(expect.any(String));
      expect(await databaseFingerprint(t.db)).toBe(before);
      return answer;
    }

    it('a role with only manage/own on user and membership cannot create an org admin, whatever the body', async () => {
      const { token } = await holderOf([rule('manage', 'own', 'user'), rule('manage', 'own', 'membership')]);
      const email = uniqueEmail('planted-admin');
      const body = { email, displayName: 'Planted Admin', role: 'admin' };
      // The body as it used to be (admin-chosen password): no longer accepted at all.
      await expectRefused(() => t.request('POST', users(), { token, body: { ...body, password: 'Planted-Passphrase-42' } }), 400, 'invalid_request');
      // The body as the API takes it now: the new person is not the actor's own row.
      await expectRefused(() => t.request('POST', users(), { token, body }), 403, 'forbidden');
      expect(await ownerRows(t.db, 'SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
    });

    it('a role with only manage/own on user and membership cannot promote its own holder, nor change its own areas or module flags', async () => {
      const { user, token } = await holderOf([rule('manage', 'own', 'user'), rule('manage', 'own', 'membership')]);
      for (const body of [{ role: 'admin' }, { areas: [tenant.areas.site] }, { moduleFlags: defaultModuleFlags('admin') }]) {
        await expectRefused(() => t.request('PATCH', users(`/${user.id}`), { token, body }), 403, 'self_change');
      }
      // Not even an admin changes their own access.
      await expectRefused(() => t.request('PATCH', users(`/${tenant.admin.id}`), { token: admin, body: { areas: [tenant.areas.north] } }), 403, 'self_change');
      expect((await ownerRows(t.db, 'SELECT org_role FROM memberships WHERE user_id = $1', [user.id]))[0].org_role).toBe('custom');
    });

    it('a role with manage/own on role cannot rewrite its own grants to org-wide', async () => {
      // Such a role could be made before own access to roles was refused: it is stored as it was.
      const roleId = randomUUID();
      await t.db.ownerTransaction((tx) =>
        tx.query("INSERT INTO roles (tenant_id, id, name, grants, created_at, updated_at) VALUES ($1, $2, 'Role keeper', $3::jsonb, $4, $4)", [
          tenant.id,
          roleId,
          JSON.stringify([rule('manage', 'own', 'role')]),
          t.clock.now(),
        ]),
      );
      const holder = await t.addMember(tenant.id, { customRoleId: roleId });
      const token = (await t.signIn(holder)).token;
      const orgWide = [rule('manage', 'org', 'role'), rule('manage', 'org', 'user'), rule('manage', 'org', 'membership')];
      await expectRefused(() => t.request('PATCH', roles(`/${roleId}`), { token, body: { grants: orgWide } }), 403, 'self_change');
      // Own access to a role reaches no role, so it cannot edit another either.
      const other = await t.request('POST', roles(), { token: admin, body: { name: `Other ${randomUUID()}`, grants: [] } });
      await expectRefused(() => t.request('PATCH', roles(`/${other.body.id}`), { token, body: { grants: orgWide } }), 404, 'not_found');
      // And such a role is no longer made.
      await expectRefused(() => t.request('POST', roles(), { token: admin, body: { name: 'Own roles', grants: [rule('manage', 'own', 'role')] } }), 400, 'invalid_request');
      expect((await ownerRows(t.db, 'SELECT grants FROM roles WHERE id = $1', [roleId]))[0].grants).toEqual([rule('manage', 'own', 'role')]);
    });

    it('nobody creates, assigns or edits a membership carrying rights beyond their own', async () => {
      const managerRules = [rule('read', 'org', 'user'), rule('manage', 'org', 'user'), rule('read', 'org', 'membership'), rule('manage', 'org', 'membership')];
      const { token } = await holderOf(managerRules);
      // Every org-scoped rule is covered only by itself, so what is beyond is plain to list.
      // Nor may the manager act on someone who holds more than they do (here: the admin).
      await expectRefused(() => t.request('POST', users(`/${tenant.admin.id}/unlock`), { token, body: {} }), 403, 'privilege_ceiling');
      await expectRefused(() => t.request('PATCH', users(`/${tenant.admin.id}`), { token, body: { displayName: 'Renamed Admin' } }), 403, 'privilege_ceiling');
      // A person with exactly nothing may be managed; making them a viewer would hand out reads the manager lacks.
      const nothing = await t.request('POST', roles(), { token: admin, body: { name: `Nothing ${randomUUID()}`, grants: [] } });
      const plain = await t.addMember(tenant.id, { customRoleId: nothing.body.id });
      await expectRefused(() => t.request('PATCH', users(`/${plain.id}`), { token, body: { role: 'viewer' } }), 403, 'privilege_ceiling');
      expect((await t.request('PATCH', users(`/${plain.id}`), { token, body: { displayName: 'Still Plain' } })).status).toBe(200);
      // Every org-scoped rule is covered only by itself, so what is beyond is plain to list.
      const beyondAdmin = adminRules.filter((wanted) => !managerRules.some((held) => held.action === wanted.action && held.entity === wanted.entity));
      const created = await expectRefused(() => t.request('POST', users(), { token, body: { email: uniqueEmail('too-much'), displayName: 'Too Much', role: 'admin' } }), 403, 'privilege_ceiling');
      expect(created.body.error.details.beyond).toEqual(beyondAdmin);
    });

    it('nobody makes or edits a role carrying rights beyond their own', async () => {
      const { token } = await holderOf([rule('read', 'org', 'role'), rule('manage', 'org', 'role'), rule('read', 'org', 'shift_log')]);
      const made = await expectRefused(
        () => t.request('POST', roles(), { token, body: { name: 'Escalator', grants: [rule('read', 'org', 'shift_log'), rule('manage', 'org', 'user')] } }),
        403,
        'privilege_ceiling',
      );
      expect(made.body.error.details.beyond).toEqual([rule('manage', 'org', 'user')]);
      const modest = await t.request('POST', roles(), { token, body: { name: `Modest ${randomUUID()}`, grants: [rule('read', 'org', 'shift_log')] } });
      expect(modest.status).toBe(201);
      await expectRefused(() => t.request('PATCH', roles(`/${modest.body.id}`), { token, body: { grants: [rule('sign', 'org', 'shift_log')] } }), 403, 'privilege_ceiling');
      // A role already beyond the editor's rights is not theirs to touch, not even to narrow or rename.
      const strong = await t.request('POST', roles(), { token: admin, body: { name: `Strong ${randomUUID()}`, grants: [rule('manage', 'org', 'user')] } });
      await expectRefused(() => t.request('PATCH', roles(`/${strong.body.id}`), { token, body: { name: 'Weakened' } }), 403, 'privilege_ceiling');
    });

    it('a manager of some areas assigns only areas within their own, and only to people within them', async () => {
      const { token } = await holderOf([rule('read', 'area', 'user'), rule('manage', 'area', 'user'), rule('read', 'area', 'membership'), rule('manage', 'area', 'membership')], {
        areas: [tenant.areas.north],
      });
      const nothing = await t.request('POST', roles(), { token: admin, body: { name: `Nothing ${randomUUID()}`, grants: [] } });
      const role = { customRoleId: nothing.body.id };
      const inside = await t.addMember(tenant.id, role, { areas: [tenant.areas.boilers] });
      await expectRefused(() => t.request('PATCH', users(`/${inside.id}`), { token, body: { areas: [tenant.areas.boilers, tenant.areas.tanks] } }), 403, 'forbidden');
      // Someone of another area is out of reach: not even their existence is confirmed.
      const southerner = await t.addMember(tenant.id, role, { areas: [tenant.areas.south] });
      await expectRefused(() => t.request('PATCH', users(`/${southerner.id}`), { token, body: { areas: [tenant.areas.boilers] } }), 404, 'not_found');
      await expectRefused(() => t.request('POST', users(), { token, body: { email: uniqueEmail(), displayName: 'South Side', role, areas: [tenant.areas.south] } }), 403, 'forbidden');
      await expectRefused(() => t.request('POST', users(), { token, body: { email: uniqueEmail(), displayName: 'Nowhere', role } }), 403, 'forbidden');
      const created = await t.request('POST', users(), { token, body: { email: uniqueEmail(), displayName: 'Boiler Person', role, areas: [tenant.areas.boilers] } });
      expect(created.status).toBe(201);
      expect((await t.request('PATCH', users(`/${inside.id}`), { token, body: { areas: [tenant.areas.north] } })).status).toBe(200);
    });
  });
}
