import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/auth/passwords';
import { newTotpSecret } from '../../../server/crypto/totp';
import type { Entity } from '../../../shared/permissions';
import {
  can,
  defaultModuleFlags,
  effectiveRules,
  memberSubject,
  rulesBeyond,
  subjectOf,
  type Ability,
  type OrgRolePreset,
  type PermissionRule,
  type Subject,
} from '../../../shared/rbac';
import { ownerRows, startTestServer, TEST_PASSWORD, testScrypt, uniqueEmail, validBodyFor, type Json, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

/**
 * Every endpoint asks the shared evaluator: for each preset, a tenant endpoint answers 403
 * exactly when `can(role, permission)` says no. For custom roles holding an admin entity at
 * own, area or org scope, every answer about every kind of person (the actor, someone in or
 * out of their areas, someone holding more than they do) is what the evaluator says of that
 * row, privilege ceiling included. And global support staff read other tenants only with a
 * reason, which lands in that tenant's audit trail.
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
    ids.shiftLogId = (await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now(), status: 'submitted' })).id;
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
        const path = route.url.replace(':tenantId', tenant.id).replace(':userId', ids.userId).replace(':sessionId', ids.sessionId).replace(':roleId', ids.roleId).replace(':shiftLogId', ids.shiftLogId) + query;
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

interface Target {
  label: string;
  user: TestUser;
  areas: string[];
  /** What the person holds in the tenant. */
  rules: PermissionRule[];
  sessionId: string;
}

describe('custom roles on admin entities: every answer is the evaluator\'s verdict on that row', () => {
  let t: TestServer;
  let tenant: TestTenant;
  let admin: string;
  let nothingRoleId: string;
  const adminRules = effectiveRules({ orgRole: 'admin', moduleFlags: defaultModuleFlags('admin'), globalRole: 'none' });
  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite', server: { rateLimits: { perUser: { limit: 100_000, windowMs: 60_000 } } } });
    tenant = await t.createTenant('Custom RBAC Works');
    admin = (await t.signIn(tenant.admin)).token;
    nothingRoleId = (await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: admin, body: { name: 'Nothing', grants: [] } })).body.id;
  });
  afterAll(() => t?.stop());

  const adminEntities: Entity[] = ['user', 'membership', 'role', 'session', 'tenant_settings'];
  const roleRow = () => subjectOf('role', { tenant_id: tenant.id });
  const settingsRow = () => subjectOf('tenant_settings', { tenant_id: tenant.id });
  const subjectOfTarget = (target: Target): Subject => memberSubject(tenant.id, target.user.id, { areas: target.areas });

  async function target(label: string, role: OrgRolePreset | { customRoleId: string }, areas: string[]): Promise<Target> {
    const user = await t.addMember(tenant.id, role, { areas });
    const signed = await t.signIn(user);
    return { label, user, areas, rules: signed.grant.rules, sessionId: signed.grant.sessionId };
  }

  /**
   * Per route, what the evaluator says the actor may do to the target (or, for routes about no
   * one in particular, at all). Destructive routes come last: reset, then erase.
   */
  type Verdict = (ability: Ability, target: Target, self: boolean) => boolean;
  const perTarget: [string, Verdict, (target: Target) => { path: string; body?: unknown }][] = [
    ['GET /v1/tenants/:tenantId/users/:userId', (a, x) => can(a, 'read', 'user', subjectOfTarget(x)), (x) => ({ path: `/users/${x.user.id}` })],
    [
      'PATCH /v1/tenants/:tenantId/users/:userId',
      (a, x) => can(a, 'manage', 'user', subjectOfTarget(x)) && rulesBeyond(a.rules, x.rules).length === 0,
      (x) => ({ path: `/users/${x.user.id}`, body: { displayName: `Renamed ${x.label}` } }),
    ],
    [
      'PATCH /v1/tenants/:tenantId/users/:userId (membership)',
      (a, x, self) => !self && can(a, 'manage', 'user', subjectOfTarget(x)) && can(a, 'manage', 'membership', subjectOfTarget(x)) && rulesBeyond(a.rules, x.rules).length === 0,
      (x) => ({ path: `/users/${x.user.id}`, body: { areas: x.areas } }),
    ],
    [
      'POST /v1/tenants/:tenantId/users/:userId/unlock',
      (a, x) => can(a, 'manage', 'user', subjectOfTarget(x)) && rulesBeyond(a.rules, x.rules).length === 0,
      (x) => ({ path: `/users/${x.user.id}/unlock`, body: {} }),
    ],
    ['DELETE /v1/tenants/:tenantId/sessions/:sessionId', (a, x) => can(a, 'revoke', 'session', subjectOfTarget(x)), (x) => ({ path: `/sessions/${x.sessionId}` })],
    ['DELETE /v1/tenants/:tenantId/sessions', (a, x) => can(a, 'revoke', 'session', subjectOfTarget(x)), (x) => ({ path: `/sessions?userId=${x.user.id}` })],
    [
      'POST /v1/tenants/:tenantId/users/:userId/reset',
      (a, x, self) => !self && can(a, 'update', 'user', subjectOfTarget(x)) && rulesBeyond(a.rules, x.rules).length === 0,
      (x) => ({ path: `/users/${x.user.id}/reset`, body: {} }),
    ],
    [
      'POST /v1/tenants/:tenantId/users/:userId/erase',
      (a, x) => can(a, 'manage', 'user', subjectOfTarget(x)) && rulesBeyond(a.rules, x.rules).length === 0,
      (x) => ({ path: `/users/${x.user.id}/erase`, body: { reason: 'test' } }),
    ],
  ];
  const once: [string, (ability: Ability) => boolean, () => { path: string; body?: unknown }][] = [
    [
      'POST /v1/tenants/:tenantId/users',
      (a) => ['user', 'membership'].every((entity) => can(a, 'manage', entity as Entity, { tenantId: tenant.id, ownerId: null, areaIds: [tenant.areas.boilers] })),
      () => ({ path: '/users', body: { email: uniqueEmail('made'), displayName: 'Made Here', role: { customRoleId: nothingRoleId }, areas: [tenant.areas.boilers] } }),
    ],
    ['POST /v1/tenants/:tenantId/roles', (a) => can(a, 'manage', 'role', roleRow()), () => ({ path: '/roles', body: { name: `Made ${uniqueEmail()}`, grants: [] } })],
    ['PATCH /v1/tenants/:tenantId/roles/:roleId', (a) => can(a, 'manage', 'role', roleRow()), () => ({ path: `/roles/${nothingRoleId}`, body: { name: `Nothing ${uniqueEmail()}` } })],
    ['GET /v1/tenants/:tenantId/settings', (a) => can(a, 'read', 'tenant_settings', settingsRow()), () => ({ path: '/settings' })],
    ['PATCH /v1/tenants/:tenantId/settings', (a) => can(a, 'update', 'tenant_settings', settingsRow()), () => ({ path: '/settings', body: { retentionDays: 400 } })],
    ['GET /v1/tenants/:tenantId/users', (a) => can(a, 'read', 'user'), () => ({ path: '/users?limit=1000' })],
    ['GET /v1/tenants/:tenantId/sessions', (a) => can(a, 'read', 'session'), () => ({ path: '/sessions?limit=1000' })],
    ['GET /v1/tenants/:tenantId/roles', (a) => can(a, 'read', 'role'), () => ({ path: '/roles' })],
    ['GET /v1/tenants/:tenantId/sso', (a) => can(a, 'manage', 'tenant_settings', settingsRow()), () => ({ path: '/sso' })],
    ['PATCH /v1/tenants/:tenantId/sso', (a) => can(a, 'manage', 'tenant_settings', settingsRow()), () => ({ path: '/sso', body: { issuer: 'https://idp.rbac.example', clientId: 'rbac-check', allowedDomains: ['rbac.example'] } })],
    // Nothing listens on port 9: a refused connection is still a 200 answer naming the problem.
    ['POST /v1/tenants/:tenantId/sso/test', (a) => can(a, 'manage', 'tenant_settings', settingsRow()), () => ({ path: '/sso/test', body: { issuer: 'http://127.0.0.1:9', clientId: 'rbac-check' } })],
  ];

  it('has a verdict for every admin route', () => {
    const covered = new Set([...perTarget, ...once].map(([route]) => route.replace(' (membership)', '')));
    const admin = t.server.routes.filter((route) => route.kind === 'tenant' && adminEntities.includes(route.permission!.entity)).map((route) => `${route.method} ${route.url}`);
    expect(admin.filter((route) => !covered.has(route))).toEqual([]);
  });

  for (const entity of adminEntities) {
    for (const access of ['own', 'area', 'org'] as const) {
      it(`${access} scope on ${entity}`, async () => {
        // Memberships are changed through the user routes, so a membership role holds user rights at the same scope.
        const entities: Entity[] = entity === 'membership' ? ['membership', 'user'] : [entity];
        const grants = adminRules.filter((rule) => entities.includes(rule.entity)).map((rule) => ({ ...rule, access }));
        const made = await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: admin, body: { name: `${access} ${entity} ${uniqueEmail()}`, grants } });
        if (access !== 'org' && (entity === 'role' || entity === 'tenant_settings')) {
          // Roles and settings have no owner or area: such a role is refused when made.
          expect([made.status, made.body.error.code]).toEqual([400, 'invalid_request']);
          return;
        }
        expect(made.status).toBe(201);
        const actor = await target('actor', { customRoleId: made.body.id }, [tenant.areas.north]);
        const signed = await t.signIn(actor.user);
        const ability: Ability = { userId: actor.user.id, tenantId: tenant.id, areas: signed.grant.areas, rules: signed.grant.rules };
        let token = signed.token;
        const others = [
          await target('inside', { customRoleId: nothingRoleId }, [tenant.areas.boilers]),
          await target('outside', { customRoleId: nothingRoleId }, [tenant.areas.tanks]),
          await target('stronger', 'viewer', [tenant.areas.boilers]),
        ];
        const mismatches: string[] = [];
        const check = (label: string, expected: boolean, answer: { status: number; body: Json }) => {
          const allowed = answer.status < 300;
          const typed = allowed || ([403, 404].includes(answer.status) && typeof answer.body?.error?.code === 'string');
          if (allowed !== expected || !typed) mismatches.push(`${label}: evaluator ${expected ? 'allows' : 'denies'}, server ${answer.status} ${answer.body?.error?.code ?? ''}`);
        };

        for (const [route, verdict, request] of once) {
          const { path, body } = request();
          const answer = await t.request(route.split(' ')[0], `/v1/tenants/${tenant.id}${path}`, { token, body });
          check(route, verdict(ability), answer);
          if (answer.status !== 200) continue;
          // Lists hold exactly the rows the evaluator lets the actor read.
          if (route.endsWith('/users')) {
            const listed = new Set(answer.body.items.map((item: Json) => item.user.id));
            for (const x of [actor, ...others]) if (listed.has(x.user.id) !== can(ability, 'read', 'user', subjectOfTarget(x))) mismatches.push(`users list and ${x.label}`);
          }
          if (route.endsWith('/sessions')) {
            const listed = new Set(answer.body.items.map((item: Json) => item.id));
            for (const x of [actor, ...others]) if (listed.has(x.sessionId) !== can(ability, 'read', 'session', subjectOfTarget(x))) mismatches.push(`sessions list and ${x.label}`);
          }
          if (route.endsWith('/roles')) {
            if ((answer.body.items.length > 0) !== can(ability, 'read', 'role', roleRow())) mismatches.push('roles list');
          }
        }
        // The actor last: a person may well erase themselves, and then nothing else.
        for (const [route, verdict, request] of perTarget) {
          for (const x of [...others, actor]) {
            if (route.endsWith('/erase') && x === actor) continue;
            const { path, body } = request(x);
            const answer = await t.request(route.split(' ')[0], `/v1/tenants/${tenant.id}${path}`, { token, body });
            check(`${route} on ${x.label}`, verdict(ability, x, x === actor), answer);
            // Ending all of one's own sessions ends the one asking too.
            if (route === 'DELETE /v1/tenants/:tenantId/sessions' && x === actor && answer.status === 200) token = (await t.signIn(actor.user)).token;
          }
        }
        expect(mismatches).toEqual([]);
      });
    }
  }
});
