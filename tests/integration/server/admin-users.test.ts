import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateUserResponseSchema, UsersPageSchema } from '../../../shared/domain/admin';
import { PERSONAL_FIELD_MASK, type AuditEvent } from '../../../shared/domain/audit';
import { totpCode } from '../../../server/crypto/totp';
import { defaultModuleFlags, effectiveRules } from '../../../shared/rbac';
import { insertShiftLog, serverHashOf } from './sync-fixtures';
import { enrolmentToken, ownerRows, serverBackends, startTestServer, uniqueEmail, type TestServer, type TestTenant } from '../../support/server';

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`tenant admin API (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let admin: string;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Admin Works');
      admin = (await t.signIn(tenant.admin)).token;
    });
    afterAll(() => t?.stop());

    const users = (path = '') => `/v1/tenants/${tenant.id}/users${path}`;
    const auditCount = async () => (await ownerRows(t.db, 'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id]))[0].n as number;
    const createUser = (body: Record<string, unknown>) => t.request('POST', users(), { token: admin, body });

    it('creates a user with a one-time enrolment link, never a password or TOTP secret, and the person enrols with it', async () => {
      const email = uniqueEmail('new');
      const created = await createUser({ email, displayName: 'Nia New', role: 'contributor', areas: [tenant.areas.south] });
      expect(created.status).toBe(201);
      const body = CreateUserResponseSchema.parse(created.body);
      expect(body.user).toMatchObject({ email, display_name: 'Nia New', status: 'active', home_tenant_id: tenant.id });
      expect(body.membership).toMatchObject({ org_role: 'contributor', areas: [tenant.areas.south], module_flags: { shift_logs: true, audit: false } });
      // The link points at the server as this client reached it, and lives 72 hours.
      expect(body.enrolment.link.startsWith(`${t.url}/enrol#`)).toBe(true);
      expect(Date.parse(body.enrolment.expiresAt) - t.clock.now().getTime()).toBe(72 * 3_600_000);
      // Until the person enrols, nobody can sign in as them.
      const early = await t.request('POST', '/v1/auth/login', { body: { email, password: 'Str0ng-enough-pass', deviceId: 'x', deviceName: 'x' } });
      expect(early.body.error.code).toBe('invalid_credentials');

      // What the person does: open the link, add the secret to an authenticator, set a password.
      const { user, signedIn } = await t.enrol(body.enrolment.link, { password: 'Str0ng-enough-pass' });
      expect(signedIn.user.id).toBe(body.user.id);
      expect(signedIn.grant.rules).toContainEqual({ action: 'create', access: 'area', entity: 'log_entry' });
      const again = await t.signIn({ ...user, tenantId: tenant.id, role: 'contributor' });
      expect(again.user.id).toBe(body.user.id);
    });

    it('never returns, stores in clear or audits the password or the TOTP secret', async () => {
      const email = uniqueEmail('secret');
      const created = await createUser({ email, displayName: 'Sam Secret', role: 'viewer' });
      const stored = await ownerRows(t.db, 'SELECT password_hash, totp_secret FROM users WHERE email = $1', [email]);
      expect(stored[0]).toEqual({ password_hash: null, totp_secret: null });
      const { user } = await t.enrol(created.body.enrolment.link, { password: 'Unusual-Passphrase-77' });
      const after = await ownerRows(t.db, 'SELECT password_hash, totp_secret FROM users WHERE email = $1', [email]);
      expect(String(after[0].password_hash)).toMatch(/^scrypt\$/);
      // The TOTP secret is stored sealed (AES-GCM), never as the base32 the authenticator gets.
      expect(String(after[0].totp_secret)).toMatch(/^v1\./);
      expect(String(after[0].totp_secret)).not.toContain(user.totpSecret);
      // Nothing an admin can read holds either: the answers, the lists, the trail, the change log.
      const reads = [
        created.body,
        (await t.request('GET', users(), { token: admin })).body,
        (await t.request('GET', users(`/${user.id}`), { token: admin })).body,
        (await t.request('POST', users(`/${user.id}/reset`), { token: admin, body: {} })).body,
        (await t.request('GET', `/v1/tenants/${tenant.id}/audit?limit=1000`, { token: admin })).body,
      ].map((answer) => JSON.stringify(answer));
      const everything = await ownerRows(t.db, "SELECT (SELECT string_agg(a::text, '') FROM audit_events a) || (SELECT string_agg(c::text, '') FROM change_log c) AS all");
      for (const text of [...reads, String(everything[0].all)]) {
        expect(text).not.toContain('Unusual-Passphrase-77');
        expect(text).not.toContain(user.totpSecret);
        expect(text).not.toContain('scrypt$');
        expect(text).not.toContain(String(after[0].totp_secret));
      }
    });

    it('refuses a password in the body, taken emails and unknown areas or roles with typed errors', async () => {
      const withPassword = await createUser({ email: uniqueEmail(), displayName: 'P', password: 'Str0ng-enough-pass', role: 'viewer' });
      expect([withPassword.status, withPassword.body.error.code]).toEqual([400, 'invalid_request']);
      const taken = await createUser({ email: tenant.admin.email, displayName: 'Dup', role: 'viewer' });
      expect([taken.status, taken.body.error.code]).toEqual([409, 'email_taken']);
      const area = await createUser({ email: uniqueEmail(), displayName: 'A', role: 'viewer', areas: ['00000000-0000-4000-8000-000000000000'] });
      expect([area.status, area.body.error.code]).toEqual([400, 'invalid_request']);
      const role = await createUser({ email: uniqueEmail(), displayName: 'R', role: { customRoleId: '00000000-0000-4000-8000-000000000000' } });
      expect([role.status, role.body.error.code]).toEqual([400, 'invalid_request']);
    });

    it('changes role, areas and module flags, bumping the policy version the grant carries', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const before = (await t.signIn(user)).grant.policyVersion;
      const patched = await t.request('PATCH', users(`/${user.id}`), {
        token: admin,
        body: { role: 'contributor', areas: [tenant.areas.north], moduleFlags: { shift_logs: true, handovers: false, audit: true, users: false, exports: false } },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.membership).toMatchObject({ org_role: 'contributor', areas: [tenant.areas.north], module_flags: { handovers: false, audit: true } });
      const grant = (await t.signIn(user)).grant;
      expect(grant.policyVersion).toBeGreaterThan(before);
      expect(grant.rules).toContainEqual({ action: 'read', access: 'org', entity: 'audit_event' });
      expect(grant.rules.some((rule: { entity: string }) => rule.entity === 'handover')).toBe(false);
    });

    it('lists the members with keyset paging', async () => {
      for (let i = 0; i < 3; i += 1) await t.addMember(tenant.id, 'viewer');
      const seen = new Set<string>();
      let next: string | null = null;
      let pages = 0;
      do {
        const answer = await t.request('GET', users(`?limit=2${next ? `&after=${next}` : ''}`), { token: admin });
        const page = UsersPageSchema.parse(answer.body);
        for (const item of page.items) seen.add(item.user.id);
        next = page.next;
        pages += 1;
      } while (next && pages < 100);
      const total = Number((await ownerRows(t.db, 'SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1', [tenant.id]))[0].n);
      expect(seen.size).toBe(total);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(total / 2));
    });

    it('erases a user: personal fields replaced by a pseudonym, sessions ended, audit kept and still valid', async () => {
      // Created through the API, so the change log already carries the person's row.
      const email = uniqueEmail('erasable');
      const created = await createUser({ email, displayName: 'Erin Erasable', role: 'contributor' });
      const enrolled = await t.enrol(created.body.enrolment.link);
      const user = { ...enrolled.user, tenantId: tenant.id, role: 'contributor' as const };
      const changesBefore = await ownerRows(t.db, "SELECT count(*)::int AS n FROM change_log WHERE tenant_id = $1 AND entity = 'user' AND entity_id = $2 AND row ->> 'email' = $3", [tenant.id, user.id, email]);
      expect(changesBefore[0].n).toBe(1);
      const { token } = await t.signIn(user);
      const trailBefore = await ownerRows(t.db, 'SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
      const erased = await t.request('POST', users(`/${user.id}/erase`), { token: admin, body: { reason: 'GDPR request #42' } });
      expect(erased.status).toBe(200);
      expect(erased.body.user).toMatchObject({ status: 'erased', email: expect.stringMatching(/^erased-[0-9a-f]{12}@erased\.invalid$/), display_name: expect.stringMatching(/^Erased user /) });
      const row = (await ownerRows(t.db, 'SELECT email, display_name, password_hash, totp_secret FROM users WHERE id = $1', [user.id]))[0];
      expect(row).toMatchObject({ password_hash: null, totp_secret: null });
      expect(JSON.stringify(row)).not.toContain(user.email);
      expect((await t.request('GET', '/v1/auth/session', { token })).body.error.code).toBe('user_inactive');
      // Nothing of the trail was rewritten, nothing in it names the person, and the chain verifies.
      const trailAfter = await ownerRows(t.db, 'SELECT seq, hash FROM audit_events WHERE tenant_id = $1 AND seq <= $2 ORDER BY seq', [tenant.id, trailBefore.length]);
      expect(trailAfter).toEqual(trailBefore);
      const allAudit = await ownerRows(t.db, 'SELECT string_agg(a::text, \'\') AS text FROM audit_events a WHERE tenant_id = $1', [tenant.id]);
      expect(String(allAudit[0].text)).not.toContain(user.email);
      // Nor does anything a client replays or an admin lists: change log and session rows.
      const elsewhere = await ownerRows(t.db, "SELECT coalesce((SELECT string_agg(c::text, '') FROM change_log c WHERE tenant_id = $1), '') || (SELECT string_agg(s::text, '') FROM sessions s WHERE user_id = $2) AS text", [tenant.id, user.id]);
      expect(String(elsewhere[0].text)).not.toContain(user.email);
      expect(String(elsewhere[0].text)).not.toContain('Erin Erasable');
      expect(String(elsewhere[0].text)).not.toContain('127.0.0.1');
      const verify = await t.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token: admin });
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
      // An erased identity cannot come back.
      const revive = await t.request('PATCH', users(`/${user.id}`), { token: admin, body: { status: 'active' } });
      expect(revive.status).toBe(409);
    });

    it('refuses to leave the tenant without an active admin', async () => {
      const lonely = await t.createTenant('Lonely Works');
      const token = (await t.signIn(lonely.admin)).token;
      // Someone holding every right of an admin, but not the admin role, tries to demote the admin.
      const deputyRole = await t.request('POST', `/v1/tenants/${lonely.id}/roles`, { token, body: { name: 'Deputy', grants: effectiveRules({ orgRole: 'admin', moduleFlags: defaultModuleFlags('admin'), globalRole: 'none' }) } });
      expect(deputyRole.status).toBe(201);
      const deputy = await t.addMember(lonely.id, { customRoleId: deputyRole.body.id });
      const deputyToken = (await t.signIn(deputy)).token;
      const demote = await t.request('PATCH', `/v1/tenants/${lonely.id}/users/${lonely.admin.id}`, { token: deputyToken, body: { role: 'viewer' } });
      expect([demote.status, demote.body.error.code]).toEqual([409, 'last_admin']);
      const deactivate = await t.request('PATCH', `/v1/tenants/${lonely.id}/users/${lonely.admin.id}`, { token, body: { status: 'deactivated' } });
      expect(deactivate.body.error.code).toBe('last_admin');
    });

    it('lets a custom role grant exactly its rules', async () => {
      const role = await t.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: admin,
        body: { name: 'Session auditor', grants: [{ action: 'read', access: 'org', entity: 'session' }, { action: 'read', access: 'org', entity: 'audit_event' }] },
      });
      expect(role.status).toBe(201);
      const auditor = await t.addMember(tenant.id, { customRoleId: role.body.id });
      const token = (await t.signIn(auditor)).token;
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/sessions`, { token })).status).toBe(200);
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/audit`, { token })).status).toBe(200);
      expect((await t.request('GET', users(), { token })).status).toBe(403);
      // Editing the role takes effect at once and bumps the holder's policy version.
      const edited = await t.request('PATCH', `/v1/tenants/${tenant.id}/roles/${role.body.id}`, { token: admin, body: { grants: [{ action: 'read', access: 'org', entity: 'user' }] } });
      expect(edited.status).toBe(200);
      expect((await t.request('GET', users(), { token })).status).toBe(200);
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/sessions`, { token })).status).toBe(403);
    });

    describe('every write endpoint leaves exactly one audit event with a correct diff', () => {
      type Expectation = { action: string; entity: string; entityId: string; diff: Record<string, unknown>; reason?: string | null };
      /** One expected event, or (for calls that record two) each of them, oldest first. */
      type Act = () => Promise<{ status: number; expected: Expectation | Expectation[] }>;
      /** Per endpoint: set up fixtures (which may write their own events), then return the one call under test. */
      const writes: Record<string, () => Promise<Act>> = {
        'POST /v1/auth/totp': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          const login = await t.request('POST', '/v1/auth/login', { body: { email: user.email, password: user.password, deviceId: 'dev-9', deviceName: 'Bench PC' } });
          return async () => {
            const answer = await t.request('POST', '/v1/auth/totp', { body: { challengeId: login.body.challengeId, code: await t.freshCode(user) } });
            return { status: answer.status, expected: { action: 'session.created', entity: 'session', entityId: answer.body.grant.sessionId, diff: { device_id: { before: null, after: 'dev-9' }, device_name: { before: null, after: 'Bench PC' } } } };
          };
        },
        'POST /v1/auth/logout': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          const signed = await t.signIn(user);
          return async () => {
            const answer = await t.request('POST', '/v1/auth/logout', { token: signed.token });
            return { status: answer.status, expected: { action: 'session.logout', entity: 'session', entityId: signed.grant.sessionId, diff: { revoked_at: { before: null, after: t.clock.now().toISOString() } } } };
          };
        },
        'POST /v1/tenants/:tenantId/users': async () => {
          return async () => {
            const answer = await createUser({ email: uniqueEmail(), displayName: 'Dee Diff', role: 'viewer', reason: 'new hire' });
            return {
              status: answer.status,
              expected: {
                action: 'user.created',
                entity: 'user',
                entityId: answer.body.user.id,
                reason: 'new hire',
                diff: {
                  email: { before: null, after: PERSONAL_FIELD_MASK },
                  display_name: { before: null, after: PERSONAL_FIELD_MASK },
                  status: { before: null, after: 'active' },
                  locked: { before: null, after: false },
                  org_role: { before: null, after: 'viewer' },
                  areas: { before: null, after: [] },
                  module_flags: { before: null, after: { shift_logs: true, handovers: true, audit: false, users: false, exports: false } },
                },
              },
          };
          };
        },
        'PATCH /v1/tenants/:tenantId/users/:userId': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          return async () => {
            const answer = await t.request('PATCH', users(`/${user.id}`), { token: admin, body: { role: 'contributor', areas: [tenant.areas.north], reason: 'promotion' } });
            return { status: answer.status, expected: { action: 'user.updated', entity: 'user', entityId: user.id, reason: 'promotion', diff: { org_role: { before: 'viewer', after: 'contributor' }, areas: { before: [], after: [tenant.areas.north] } } } };
          };
        },
        'POST /v1/tenants/:tenantId/users/:userId/unlock': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          await t.db.ownerTransaction((tx) => tx.query('UPDATE users SET locked_at = $2 WHERE id = $1', [user.id, t.clock.now()]));
          return async () => {
            const answer = await t.request('POST', users(`/${user.id}/unlock`), { token: admin, body: {} });
            return { status: answer.status, expected: { action: 'user.unlocked', entity: 'user', entityId: user.id, diff: { locked: { before: true, after: false } } } };
          };
        },
        'POST /v1/tenants/:tenantId/users/:userId/erase': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          return async () => {
            const answer = await t.request('POST', users(`/${user.id}/erase`), { token: admin, body: { reason: 'request' } });
            return {
              status: answer.status,
              expected: { action: 'user.erased', entity: 'user', entityId: user.id, reason: 'request', diff: { email: { before: PERSONAL_FIELD_MASK, after: PERSONAL_FIELD_MASK }, display_name: { before: PERSONAL_FIELD_MASK, after: PERSONAL_FIELD_MASK }, status: { before: 'active', after: 'erased' } } },
          };
          };
        },
        'POST /v1/tenants/:tenantId/users/:userId/reset': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          return async () => {
            const answer = await t.request('POST', users(`/${user.id}/reset`), { token: admin, body: { reason: 'lost phone' } });
            return {
              status: answer.status,
              expected: { action: 'user.reset', entity: 'user', entityId: user.id, reason: 'lost phone', diff: { password: { before: '[secret]', after: null }, totp_secret: { before: '[secret]', after: null } } },
            };
          };
        },
        'POST /v1/auth/enrolment': async () => {
          const created = await createUser({ email: uniqueEmail('opens'), displayName: 'Olu Opens', role: 'viewer' });
          return async () => {
            const answer = await t.request('POST', '/v1/auth/enrolment', { body: { token: enrolmentToken(created.body.enrolment.link) } });
            return { status: answer.status, expected: { action: 'user.enrolment_opened', entity: 'user', entityId: created.body.user.id, diff: {} } };
          };
        },
        // The person's enrolment, then the session it opens, as a password sign-in records it.
        'POST /v1/auth/enrolment/complete': async () => {
          const created = await createUser({ email: uniqueEmail('enrols'), displayName: 'Eve Enrols', role: 'viewer' });
          const token = enrolmentToken(created.body.enrolment.link);
          const secret = (await t.request('POST', '/v1/auth/enrolment', { body: { token } })).body.totp.secret as string;
          return async () => {
            const code = await totpCode(secret, t.clock.now());
            const answer = await t.request('POST', '/v1/auth/enrolment/complete', { body: { token, password: 'Eves-own-Passphrase-9', code, deviceId: 'dev-7', deviceName: 'Pump PC' } });
            return {
              status: answer.status,
              expected: [
                { action: 'session.created', entity: 'session', entityId: answer.body.grant.sessionId, diff: { device_id: { before: null, after: 'dev-7' }, device_name: { before: null, after: 'Pump PC' } } },
                { action: 'user.enrolled', entity: 'user', entityId: created.body.user.id, diff: { password: { before: null, after: '[secret]' }, totp_secret: { before: null, after: '[secret]' } } },
              ],
            };
          };
        },
        'POST /v1/auth/password': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          const signed = await t.signIn(user);
          return async () => {
            const answer = await t.request('POST', '/v1/auth/password', { token: signed.token, body: { currentPassword: user.password, newPassword: 'My-own-new-Passphrase-3' } });
            return { status: answer.status, expected: { action: 'user.password_changed', entity: 'user', entityId: user.id, diff: { password: { before: '[secret]', after: '[secret]' } } } };
          };
        },
        'DELETE /v1/tenants/:tenantId/sessions/:sessionId': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          const signed = await t.signIn(user);
          return async () => {
            const answer = await t.request('DELETE', `/v1/tenants/${tenant.id}/sessions/${signed.grant.sessionId}`, { token: admin });
            return { status: answer.status, expected: { action: 'session.revoked', entity: 'session', entityId: signed.grant.sessionId, diff: { revoked_at: { before: null, after: t.clock.now().toISOString() } } } };
          };
        },
        'DELETE /v1/tenants/:tenantId/sessions': async () => {
          const user = await t.addMember(tenant.id, 'viewer');
          await t.signIn(user);
          await t.signIn(user);
          return async () => {
            const answer = await t.request('DELETE', `/v1/tenants/${tenant.id}/sessions?userId=${user.id}`, { token: admin });
            return { status: answer.status, expected: { action: 'session.revoked_all', entity: 'user', entityId: user.id, diff: { open_sessions: { before: 2, after: 0 } } } };
          };
        },
        'PATCH /v1/tenants/:tenantId/settings': async () => {
          return async () => {
            const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { offlineGrantHours: 48, lockoutThreshold: 7, reason: 'policy review' } });
            return { status: answer.status, expected: { action: 'tenant_settings.updated', entity: 'tenant_settings', entityId: tenant.id, reason: 'policy review', diff: { offline_grant_hours: { before: 72, after: 48 }, lockout_threshold: { before: 10, after: 7 } } } };
          };
        },
        'PATCH /v1/tenants/:tenantId/sso': async () => {
          return async () => {
            const body = { enabled: true, issuer: 'https://login.plant.example/realms/plant', clientId: 'plantdesk-desktop', clientSecret: 'never-in-the-trail', reason: 'SSO pilot' };
            const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, { token: admin, body });
            const diff = (await ownerRows(t.db, "SELECT diff FROM audit_events WHERE tenant_id = $1 AND action = 'sso_settings.updated' ORDER BY seq DESC LIMIT 1", [tenant.id]))[0]?.diff as Record<string, unknown>;
            expect(JSON.stringify(diff)).not.toContain('never-in-the-trail');
            expect(diff).toMatchObject({ clientSecret: { before: null, after: '(replaced)' } });
            return { status: answer.status, expected: { action: 'sso_settings.updated', entity: 'tenant_settings', entityId: tenant.id, reason: 'SSO pilot', diff } };
          };
        },
        'POST /v1/tenants/:tenantId/sso/test': async () => {
          return async () => {
            const answer = await t.request('POST', `/v1/tenants/${tenant.id}/sso/test`, { token: admin, body: { issuer: 'http://127.0.0.1:9', clientId: 'plantdesk-desktop' } });
            expect(answer.body.problems.map((problem: { code: string }) => problem.code)).toEqual(['unreachable']);
            return {
              status: answer.status,
              expected: { action: 'sso_settings.tested', entity: 'tenant_settings', entityId: tenant.id, diff: { issuer: { before: null, after: 'http://127.0.0.1:9' }, problems: { before: null, after: ['unreachable'] } } },
            };
          };
        },
        'POST /v1/tenants/:tenantId/roles': async () => {
          return async () => {
            const grants = [{ action: 'read', access: 'org', entity: 'shift_log' }];
            const answer = await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: admin, body: { name: `Reader ${uniqueEmail()}`, grants } });
            return { status: answer.status, expected: { action: 'role.created', entity: 'role', entityId: answer.body.id, diff: { name: { before: null, after: answer.body.name }, grants: { before: null, after: grants } } } };
          };
        },
        'PATCH /v1/tenants/:tenantId/roles/:roleId': async () => {
          const created = await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: admin, body: { name: `Old ${uniqueEmail()}`, grants: [] } });
          return async () => {
            const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/roles/${created.body.id}`, { token: admin, body: { name: `${created.body.name}!` } });
            return { status: answer.status, expected: { action: 'role.updated', entity: 'role', entityId: created.body.id, diff: { name: { before: created.body.name, after: `${created.body.name}!` } } } };
          };
        },
        // Sync push audits per mutation (exactly one event each); a local action is the simplest.
        'POST /v1/tenants/:tenantId/shift-logs/:shiftLogId/signing-tickets': async () => {
          const log = await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now(), status: 'submitted' });
          const contentHash = await serverHashOf(t.db, tenant.id, log);
          return async () => {
            const answer = await t.request('POST', `/v1/tenants/${tenant.id}/shift-logs/${log.id}/signing-tickets`, { token: admin, body: { meaning: 'approved', contentHash, password: tenant.admin.password } });
            return {
              status: answer.status,
              expected: { action: 'shift_log.signing_password_verified', entity: 'shift_log', entityId: log.id, diff: { meaning: { before: null, after: 'approved' }, content_hash: { before: null, after: contentHash } } },
            };
          };
        },
        'POST /v1/sync/push': async () => {
          const signed = await t.signIn(tenant.admin);
          return async () => {
            const details = { module: 'users', format: 'csv', filter: {}, rows: 3, bytes: 120, sha256: 'a'.repeat(64), path: '/tmp/users.csv' };
            const mutation = { id: crypto.randomUUID(), seq: 1, name: 'audit.local', args: { action: 'export', at: '2026-01-01T00:00:00.000Z', details }, clientTime: '2026-01-01T00:00:01.000Z', grantId: signed.grant.grantId };
            const answer = await t.request('POST', '/v1/sync/push', { token: signed.token, body: { clientId: crypto.randomUUID(), schemaVersion: 1, mutations: [mutation] } });
            return {
              status: answer.status,
              expected: { action: 'local.export', entity: 'session', entityId: signed.grant.sessionId, diff: { at: { before: null, after: '2026-01-01T00:00:00.000Z' }, details: { before: null, after: details } } },
            };
          };
        },
      };

      for (const [route, prepare] of Object.entries(writes)) {
        it(route, async () => {
          const act = await prepare();
          const before = await auditCount();
          const result = await act();
          expect(result.status).toBeLessThan(300);
          const expected = Array.isArray(result.expected) ? result.expected : [result.expected];
          expect(await auditCount()).toBe(before + expected.length);
          const events = (await ownerRows(t.db, 'SELECT * FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq', [tenant.id, before])) as unknown as AuditEvent[];
          expect(events.map((event) => ({ action: event.action, entity: event.entity, entity_id: event.entity_id, diff: event.diff, reason: event.reason }))).toEqual(
            expected.map((event) => ({ action: event.action, entity: event.entity, entity_id: event.entityId, diff: event.diff, reason: event.reason ?? null })),
          );
        });
      }

      it('covers every write endpoint the server has (sign-ins are audited per outcome, see the sign-in and SSO tests)', () => {
        const writeRoutes = t.server.routes.filter((route) => route.writes).map((route) => `${route.method} ${route.url}`);
        const signIns = new Set(['POST /v1/auth/login', 'POST /v1/auth/sso/exchange', 'POST /v1/auth/sso/device', 'POST /v1/auth/sso/device/poll']);
        expect(writeRoutes.filter((route) => !signIns.has(route)).sort()).toEqual(Object.keys(writes).sort());
      });
    });
  });
}
