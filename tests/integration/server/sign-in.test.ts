import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../server/crypto/totp';
import { SignInResponseSchema } from '../../../shared/domain/auth';
import { grantSigningInput, type SignedGrant } from '../../../shared/grant';
import { can } from '../../../shared/rbac';
import { ownerRows, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';

function grantVerifies(grant: SignedGrant, publicKeyPem: string): boolean {
  return verify(null, Buffer.from(grantSigningInput(grant), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(grant.signature.value, 'base64url'));
}

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sign-in with password and TOTP (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Sign-in Works', { lockout_threshold: 5 });
    });
    afterAll(() => t?.stop());

    const login = (email: string, password: string, ip = '198.51.100.1') =>
      t.request('POST', '/v1/auth/login', { headers: { 'x-forwarded-for': ip }, body: { email, password, deviceId: 'ws-1', deviceName: 'Control room PC' } });
    const submitCode = (challengeId: string, code: string, ip = '198.51.100.1') =>
      t.request('POST', '/v1/auth/totp', { headers: { 'x-forwarded-for': ip }, body: { challengeId, code } });

    it('answers the TOTP step with a token, the user, memberships, a signed grant and the server key', async () => {
      const user = await t.addMember(tenant.id, 'contributor', { areas: [tenant.areas.north] });
      const first = await login(user.email, user.password, '198.51.100.10');
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(['challengeId']);
      const answer = await submitCode(first.body.challengeId, await t.freshCode(user), '198.51.100.10');
      expect(answer.status).toBe(200);
      const parsed = SignInResponseSchema.parse(answer.body);
      expect(parsed.user).toMatchObject({ id: user.id, email: user.email, status: 'active' });
      expect(parsed.memberships).toEqual([expect.objectContaining({ tenant_id: tenant.id, tenant_name: 'Sign-in Works', org_role: 'contributor' })]);

      const keyEndpoint = await t.request('GET', '/v1/keys/grant');
      expect(keyEndpoint.body).toEqual(parsed.serverKey);
      expect(grantVerifies(parsed.grant, parsed.serverKey.publicKeyPem)).toBe(true);
      expect(parsed.grant).toMatchObject({ user: { id: user.id }, tenant: { id: tenant.id }, deviceId: 'ws-1', roles: { org: 'contributor', global: 'none' } });
      // notAfter = now + the tenant's offline hours (72 by default).
      expect(Date.parse(parsed.grant.notAfter) - Date.parse(parsed.grant.issuedAt)).toBe(72 * 3_600_000);
      expect(parsed.grant.issuedAt).toBe(t.clock.now().toISOString());
      // Areas come expanded down the tree, and the rules evaluate with the shared evaluator.
      expect(new Set(parsed.grant.areas)).toEqual(new Set([tenant.areas.north, tenant.areas.boilers]));
      const ability = { userId: user.id, tenantId: tenant.id, areas: parsed.grant.areas, rules: parsed.grant.rules };
      expect(can(ability, 'create', 'log_entry', { tenantId: tenant.id, areaId: tenant.areas.boilers })).toBe(true);
      expect(can(ability, 'create', 'log_entry', { tenantId: tenant.id, areaId: tenant.areas.tanks })).toBe(false);

      const session = await t.request('GET', '/v1/auth/session', { token: parsed.token });
      expect(session.status).toBe(200);
      expect(session.body.session).toMatchObject({ user_id: user.id, device_id: 'ws-1', device_name: 'Control room PC', ip: '198.51.100.10', current: true });
      expect(grantVerifies(session.body.grant, parsed.serverKey.publicKeyPem)).toBe(true);
    });

    it('refuses a TOTP code that was already used, even on a new challenge', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const code = await t.freshCode(user);
      const first = await login(user.email, user.password);
      expect((await submitCode(first.body.challengeId, code)).status).toBe(200);
      const second = await login(user.email, user.password);
      const replay = await submitCode(second.body.challengeId, code);
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('invalid_code');
    });

    it('refuses a code two steps old and accepts one a step old', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const now = t.clock.now().getTime();
      const twoStepsOld = await totpCode(user.totpSecret, new Date(now - 60_000));
      const oneStepOld = await totpCode(user.totpSecret, new Date(now - 30_000));
      const challenge = await login(user.email, user.password);
      expect((await submitCode(challenge.body.challengeId, twoStepsOld)).body.error.code).toBe('invalid_code');
      expect((await submitCode(challenge.body.challengeId, oneStepOld)).status).toBe(200);
    });

    it('uses a challenge once, and ends it after three wrong codes', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const challenge = await login(user.email, user.password, '198.51.100.20');
      for (let i = 0; i < 3; i += 1) expect((await submitCode(challenge.body.challengeId, '000000', '198.51.100.20')).status).toBe(401);
      const after = await submitCode(challenge.body.challengeId, await t.freshCode(user), '198.51.100.20');
      expect(after.body.error.code).toBe('challenge_expired');
      const wrongCodes = await ownerRows(t.db, "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'auth.totp_failed'", [user.id]);
      expect(wrongCodes[0].n).toBe(3);
      // An unknown challenge is the same answer.
      expect((await submitCode('A'.repeat(43), '123456')).body.error.code).toBe('challenge_expired');
    });

    it('answers invalid_credentials for a wrong password or an unknown email, and records both', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const wrong = await login(user.email, 'not-the-password-at-all', '198.51.100.30');
      const unknown = await login('nobody@nowhere.example', 'not-the-password-at-all', '198.51.100.30');
      for (const answer of [wrong, unknown]) {
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('invalid_credentials');
      }
      const audited = await ownerRows(t.db, "SELECT tenant_id, reason, ip FROM audit_events WHERE entity_id = $1 AND action = 'auth.login_failed'", [user.id]);
      expect(audited).toEqual([{ tenant_id: tenant.id, reason: 'wrong_password', ip: '198.51.100.30' }]);
      const platform = await ownerRows(t.db, "SELECT count(*)::int AS n FROM security_events WHERE kind = 'login_failed_unknown_account' AND ip = $1", ['198.51.100.30']);
      expect(platform[0].n).toBe(1);
    });

    it('holds a burst of 200 wrong passwords for one account: throttles, locks at the threshold, refuses the right password until an admin unlocks', async () => {
      const victim = await t.addMember(tenant.id, 'contributor');
      const ip = '203.0.113.50';
      const burst = await Promise.all(Array.from({ length: 200 }, () => login(victim.email, 'wrong-password-guess', ip)));
      const statuses = burst.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toEqual([]);
      // Only the free attempts are evaluated; every other answer is throttled with a wait.
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
      const throttled = burst.filter((answer) => answer.status === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(197);
      for (const answer of throttled) {
        expect(answer.body.error.code).toBe('throttled');
        expect(answer.body.error.details.retryAfter).toBeGreaterThan(0);
        expect(answer.headers.get('retry-after')).toBe(String(answer.body.error.details.retryAfter));
      }

      // Waiting out each delay and failing again reaches the tenant's threshold (5): locked.
      let last = burst[burst.length - 1];
      for (let attempt = 0; attempt < 10 && last.body?.error?.code !== 'locked'; attempt += 1) {
        if (last.status === 429) t.clock.advance(last.body.error.details.retryAfter * 1000);
        last = await login(victim.email, 'wrong-password-guess', ip);
      }
      expect(last.status).toBe(423);
      const locked = await t.request('GET', `/v1/tenants/${tenant.id}/users/${victim.id}`, { token: (await t.signIn(tenant.admin, { ip: '192.0.2.1' })).token });
      expect(locked.body.user.locked).toBe(true);

      // The right password is refused while locked (once any delay has passed).
      t.clock.advance(16 * 60_000);
      const whileLocked = await login(victim.email, victim.password, ip);
      expect(whileLocked.status).toBe(423);
      expect(whileLocked.body.error.code).toBe('locked');

      const adminToken = (await t.signIn(tenant.admin, { ip: '192.0.2.1' })).token;
      const unlock = await t.request('POST', `/v1/tenants/${tenant.id}/users/${victim.id}/unlock`, { token: adminToken, body: { reason: 'Verified by phone' } });
      expect(unlock.status).toBe(200);
      expect(unlock.body.user.locked).toBe(false);

      t.clock.advance(16 * 60_000);
      const afterUnlock = await login(victim.email, victim.password, ip);
      expect(afterUnlock.status).toBe(200);
      expect((await submitCode(afterUnlock.body.challengeId, await t.freshCode(victim), ip)).status).toBe(200);

      // Every evaluated failure is in the tenant's trail, and so are the lock and the unlock.
      const trail = await ownerRows(t.db, 'SELECT action FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 ORDER BY seq', [tenant.id, victim.id]);
      const actions = trail.map((row) => row.action);
      expect(actions.filter((action) => action === 'auth.login_failed').length).toBe(5);
      expect(actions).toContain('user.locked');
      expect(actions).toContain('auth.login_refused');
      expect(actions).toContain('user.unlocked');
    });

    it('holds a burst of 200 wrong passwords across many accounts from one IP', async () => {
      const ip = '203.0.113.77';
      const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => login(`guess-${i}@nowhere.example`, 'Summer2024!!', ip)));
      const evaluated = burst.filter((answer) => answer.status === 401).length;
      expect(burst.filter((answer) => answer.status === 200)).toEqual([]);
      expect(evaluated).toBeLessThanOrEqual(10);
      expect(burst.filter((answer) => answer.status === 429 && answer.body.error.code === 'throttled').length).toBe(200 - evaluated);
      // Another client IP is not held back by this one.
      const user = await t.addMember(tenant.id, 'viewer');
      expect((await login(user.email, user.password, '203.0.113.78')).status).toBe(200);
    });

    it('ends the session at logout: the token is refused on the next request', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(user, { ip: '198.51.100.40' });
      expect((await t.request('POST', '/v1/auth/logout', { token })).status).toBe(204);
      const after = await t.request('GET', '/v1/auth/session', { token });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('session_revoked');
    });

    it('refuses a missing or malformed token as unauthenticated', async () => {
      for (const authorization of [undefined, 'Bearer', 'Bearer short', `Basic ${'a'.repeat(43)}`, `Bearer ${'a'.repeat(43)}`]) {
        const answer = await t.request('GET', '/v1/auth/session', { headers: authorization ? { authorization } : {} });
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('unauthenticated');
      }
    });
  });
}
