import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/auth/passwords';
import { newTotpSecret } from '../../../server/auth/totp';
import { can, effectiveRules, type OrgRolePreset } from '../../../shared/rbac';
import { ownerRows, startTestServer, TEST_PASSWORD, testScrypt, validBodyFor, type TestServer, type TestTenant, type TestUser } from '../../support/server';

/**
 * Every endpoint asks the shared evaluator: for each preset, a tenant endpoint answers 403
 * exactly when `can(role, permission)` says no. And global support staff read other tenants
 * only with a reason, which lands in that tenant's audit trail.
 */
describe('endpoints enforce the shared RBAC evaluator', () => {
  let t: TestServer;
  let tenant: TestTenant;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite', server: { rateLimits: { perUser: { limit: 100_000, windowMs: 60_000 } } } });
    tenant = await t.createTenant('RBAC Works');
    const admin = (await t.signIn(tenant.admin)).token;
    const target = await t.addMember(tenant.id, 'viewer');
    ids.userId = target.id;
    ids.sessionId = (await t.signIn(target)).grant.sessionId;
    ids.roleId = (await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: admin, body: { name: 'Target role', grants: [] } })).body.id;
  });
  afterAll(() => t?.stop());

  const presets: { role: OrgRolePreset; flags?: 'all' }[] = [{ role: 'viewer' }, { role: 'contributor' }, { role: 'viewer', flags: 'all' }, { role: 'contributor', flags: 'all' }];
  for (const { role, flags } of presets) {
    it(`${role}${flags ? ' with every module on' : ''}: 403 exactly where the evaluator denies`, async () => {
      const moduleFlags = flags ? { shift_logs: true, handovers: true, audit: true, users: true, exports: true } : undefined;
      const user: TestUser = await t.addMember(tenant.id, role, { moduleFlags });
      const signed = await t.signIn(user);
      const ability = { userId: user.id, tenantId: tenant.id, areas: [], rules: signed.grant.rules };
      expect(signed.grant.rules).toEqual(effectiveRules({ orgRole: role, moduleFlags: signed.grant.moduleFlags, globalRole: 'none' }));
      const mismatches: string[] = [];
      for (const route of t.server.routes.filter((r) => r.kind === 'tenant')) {
        const query = route.method === 'DELETE' && route.url.endsWith('/sessions') ? `?userId=${ids.userId}` : '';
        const path = route.url.replace(':tenantId', tenant.id).replace(':userId', ids.userId).replace(':sessionId', ids.sessionId).replace(':roleId', ids.roleId) + query;
        const answer = await t.request(route.method, path, { token: signed.token, body: validBodyFor(route.method, route.url) });
        const allowed = can(ability, route.permission!.action, route.permission!.entity);
        if ((answer.status === 403) === allowed) mismatches.push(`${route.method} ${route.url}: evaluator ${allowed ? 'allows' : 'denies'}, server ${answer.status}`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('lets global support read another tenant only with a reason, and audits it there', async () => {
    const email = `support-${randomUUID().slice(0, 8)}@platform.example`;
    const totpSecret = newTotpSecret();
    const supportId = randomUUID();
    await t.db.ownerTransaction(async (tx) =>
      tx.query(
        `INSERT INTO users (id, email, display_name, global_role, password_hash, totp_secret, created_at, updated_at)
         VALUES ($1, $2, 'Platform Support', 'support', $3, $4, $5, $5)`,
        [supportId, email, await hashPassword(TEST_PASSWORD, testScrypt), t.server.signer.secretBox.seal(totpSecret, supportId), t.clock.now()],
      ),
    );
    const support: TestUser = { id: supportId, email, password: TEST_PASSWORD, totpSecret, tenantId: tenant.id, role: 'viewer' };
    const home = await t.createTenant('Support Desk Home');
    const signed = await t.signIn(support, { tenantId: home.id });
    const token = signed.token;

    const without = await t.request('GET', `/v1/tenants/${tenant.id}/users`, { token });
    expect([without.status, without.body.error.code]).toEqual([403, 'reason_required']);
    const withReason = await t.request('GET', `/v1/tenants/${tenant.id}/users`, { token, headers: { 'x-plantdesk-reason': 'Ticket 4711: user cannot sign in' } });
    expect(withReason.status).toBe(200);
    const trail = await ownerRows(t.db, "SELECT actor_id, reason FROM audit_events WHERE tenant_id = $1 AND action = 'support.access'", [tenant.id]);
    expect(trail).toEqual([{ actor_id: supportId, reason: 'Ticket 4711: user cannot sign in' }]);
    // Reading is all support may do.
    const write = await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token, body: { retentionDays: 31 }, headers: { 'x-plantdesk-reason': 'x'.repeat(10) } });
    expect(write.status).toBe(404);
  });
});
