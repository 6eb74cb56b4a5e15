import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../server/crypto/totp';
import { insertMembership } from '../../../server/store/memberships';
import { defaultModuleFlags } from '../../../shared/rbac';
import { ownerRows, serverBackends, startTestServer, type HttpResult, type TestServer, type TestTenant, type TestUser } from '../../support/server';

/**
 * With the password known, the second factor cannot be guessed: codes count toward the same
 * lockout as passwords, are throttled per account and per client address, a right password does
 * not clear the count, and one challenge takes three codes at most.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`second-factor anti-automation (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let other: TestTenant;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Guessing Works', { lockout_threshold: 10 });
      other = await t.createTenant('Sister Plant', { lockout_threshold: 50 });
    });
    afterAll(() => t?.stop());

    const login = (user: TestUser, ip: string) =>
      t.request('POST', '/v1/auth/login', { headers: { 'x-forwarded-for': ip }, body: { email: user.email, password: user.password, deviceId: 'attacker', deviceName: 'Attacker' } });
    const submitCode = (challengeId: string, code: string, ip: string) => t.request('POST', '/v1/auth/totp', { headers: { 'x-forwarded-for': ip }, body: { challengeId, code } });

    /** A six-digit code that is none of the ones valid now (one step of drift either way). */
    async function wrongCode(user: TestUser): Promise<string> {
      const now = t.clock.now().getTime();
      const valid = new Set(await Promise.all([-30_000, 0, 30_000].map((offset) => totpCode(user.totpSecret, new Date(now + offset)))));
      let guess = Number([...valid][0]);
      do guess = (guess + 7919) % 1_000_000;
      while (valid.has(String(guess).padStart(6, '0')));
      return String(guess).padStart(6, '0');
    }

    /** Waits out a throttled answer as a patient attacker would; true when it was one. */
    function waitedOut(answer: HttpResult): boolean {
      if (answer.status !== 429) return false;
      expect(answer.body.error.code).toBe('throttled');
      expect(answer.body.error.details.retryAfter).toBeGreaterThan(0);
      t.clock.advance(answer.body.error.details.retryAfter * 1000);
      return true;
    }

    async function challengeFor(user: TestUser, ip: string): Promise<string | 'locked'> {
      for (;;) {
        const answer = await login(user, ip);
        if (waitedOut(answer)) continue;
        if (answer.status === 423) return 'locked';
        expect(answer.status).toBe(200);
        return answer.body.challengeId;
      }
    }

    it('locks the account at the threshold when 300 wrong codes are tried with the password known, and refuses every code after', async () => {
      const victim = await t.addMember(tenant.id, 'contributor');
      // A member of a second tenant too: each tenant's trail records the lock.
      await t.db.transaction({ tenantId: other.id }, (tx) =>
        insertMembership(tx, { tenantId: other.id, userId: victim.id, orgRole: 'viewer', customRoleId: null, areas: [], moduleFlags: defaultModuleFlags('viewer'), now: t.clock.now() }),
      );
      const ip = '203.0.113.60';
      const started = t.clock.now().getTime();
      const answers: HttpResult[] = [];
      let spare: string | 'locked' = await challengeFor(victim, ip);
      let sent = 0;
      attack: while (sent < 300) {
        const challenge = await challengeFor(victim, ip);
        if (challenge === 'locked') break;
        // A second challenge held back, to try once the account is locked.
        spare = await challengeFor(victim, ip);
        for (let onChallenge = 0; onChallenge < 5 && sent < 300; ) {
          const answer = await submitCode(challenge, await wrongCode(victim), ip);
          sent += 1;
          answers.push(answer);
          if (waitedOut(answer)) continue;
          onChallenge += 1;
          if (answer.status === 423) break attack;
          if (answer.body.error.code === 'challenge_expired') break;
          expect([answer.status, answer.body.error.code]).toEqual([401, 'invalid_code']);
        }
      }

      const wrongCodesEvaluated = answers.filter((answer) => answer.body?.error?.code === 'invalid_code').length;
      expect(wrongCodesEvaluated).toBe(10);
      expect(answers.some((answer) => answer.status === 429)).toBe(true);
      // One challenge takes three codes at most; the fourth on it is refused unevaluated.
      expect(answers.some((answer) => answer.body?.error?.code === 'challenge_expired')).toBe(true);
      const [user] = await ownerRows(t.db, 'SELECT locked_at FROM users WHERE id = $1', [victim.id]);
      expect(user.locked_at).not.toBeNull();

      // Locked: the remaining codes, even the right one on a challenge got before the lock, and the password are refused.
      expect(spare).not.toBe('locked');
      const rightCode = await t.freshCode(victim);
      const afterLock = [await submitCode(spare as string, rightCode, ip), await submitCode(spare as string, await wrongCode(victim), '198.51.100.200')];
      for (const answer of afterLock) expect([answer.status, answer.body.error.code]).toEqual([423, 'locked']);
      expect(await challengeFor(victim, ip)).toBe('locked');
      // A handful of simulated minutes, not days.
      expect(t.clock.now().getTime() - started).toBeLessThan(60 * 60_000);

      for (const tenantId of [tenant.id, other.id]) {
        const locked = await ownerRows(t.db, "SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 AND action = 'user.locked'", [tenantId, victim.id]);
        expect(locked[0].n, tenantId).toBe(1);
      }
      const failed = await ownerRows(t.db, "SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 AND action = 'auth.totp_failed'", [tenant.id, victim.id]);
      expect(failed[0].n).toBe(10);

      // An admin unlock starts the account afresh.
      const admin = (await t.signIn(tenant.admin, { ip: '192.0.2.10' })).token;
      expect((await t.request('POST', `/v1/tenants/${tenant.id}/users/${victim.id}/unlock`, { token: admin, body: { reason: 'Verified by phone' } })).status).toBe(200);
      expect((await t.signIn(victim, { ip: '198.51.100.201' })).token).toEqual(expect.any(String));
    });

    it('keeps counting wrong codes across right passwords; only a completed sign-in starts the count afresh', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const ip = '203.0.113.61';
      /** One wrong code on a fresh challenge, got with the right password. */
      const guessOnce = async () => {
        const challenge = (await challengeFor(user, ip)) as string;
        let answer = await submitCode(challenge, await wrongCode(user), ip);
        while (waitedOut(answer)) answer = await submitCode(challenge, await wrongCode(user), ip);
        return answer;
      };
      const locked = async () => (await ownerRows(t.db, 'SELECT locked_at FROM users WHERE id = $1', [user.id]))[0].locked_at !== null;
      for (let i = 0; i < 9; i += 1) expect((await guessOnce()).body.error.code).toBe('invalid_code');
      const challenge = (await challengeFor(user, ip)) as string;
      let answer = await submitCode(challenge, await t.freshCode(user), ip);
      while (waitedOut(answer)) answer = await submitCode(challenge, await t.freshCode(user), ip);
      expect(answer.status).toBe(200);
      // The completed sign-in cleared the count: nine more wrong codes do not lock; the tenth does.
      for (let i = 0; i < 9; i += 1) expect((await guessOnce()).body.error.code).toBe('invalid_code');
      expect(await locked()).toBe(false);
      expect((await guessOnce()).body.error.code).toBe('invalid_code');
      expect(await locked()).toBe(true);
    });

    it('lets the owner through both steps at once after earlier failures, once the wait has passed', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const ip = '203.0.113.64';
      // Six wrong passwords, each after the previous wait: the next attempt must wait 2^(6-3) s.
      for (let failures = 0; failures < 6; ) {
        const answer = await t.request('POST', '/v1/auth/login', { headers: { 'x-forwarded-for': ip }, body: { email: user.email, password: 'not the password at all', deviceId: 'd', deviceName: 'd' } });
        if (waitedOut(answer)) continue;
        expect(answer.body.error.code).toBe('invalid_credentials');
        failures += 1;
      }
      const throttled = await login(user, ip);
      expect(throttled.body.error.code).toBe('throttled');
      t.clock.advance(throttled.body.error.details.retryAfter * 1000);
      // The right password's own reservation does not hold up the code right after it.
      const challenge = await login(user, ip);
      expect(challenge.status).toBe(200);
      const signedIn = await submitCode(challenge.body.challengeId, await t.freshCode(user), ip);
      expect(signedIn.status).toBe(200);
    });

    it('accepts at most three codes on one challenge, even when the fourth is right', async () => {
      const user = await t.addMember(tenant.id, 'viewer');
      const ip = '203.0.113.62';
      const challenge = (await challengeFor(user, ip)) as string;
      for (let i = 0; i < 3; ) {
        const answer = await submitCode(challenge, await wrongCode(user), ip);
        if (waitedOut(answer)) continue;
        expect(answer.body.error.code).toBe('invalid_code');
        i += 1;
      }
      let fourth = await submitCode(challenge, await t.freshCode(user), ip);
      while (waitedOut(fourth)) fourth = await submitCode(challenge, await t.freshCode(user), ip);
      expect([fourth.status, fourth.body.error.code]).toEqual([401, 'challenge_expired']);
    });

    it('throttles wrong codes per client address across accounts', async () => {
      const ip = '203.0.113.63';
      const users = await Promise.all(Array.from({ length: 12 }, () => t.addMember(tenant.id, 'viewer')));
      const challenges: string[] = [];
      for (const user of users) challenges.push((await challengeFor(user, ip)) as string);
      const answers: HttpResult[] = [];
      for (const [index, user] of users.entries()) answers.push(await submitCode(challenges[index], await wrongCode(user), ip));
      // The address's free failures (10) are evaluated; then it waits, whichever account it tries.
      expect(answers.slice(0, 10).map((answer) => answer.body.error.code)).toEqual(Array(10).fill('invalid_code'));
      for (const answer of answers.slice(10)) {
        expect([answer.status, answer.body.error.code]).toEqual([429, 'throttled']);
        expect(answer.body.error.details.retryAfter).toBeGreaterThan(0);
      }
      // Another address is not held back by this one.
      expect((await submitCode(challenges[11], await t.freshCode(users[11]), '198.51.100.63')).status).toBe(200);
    });

    it('refuses a lockout threshold of 100 or more, or below 1, and writes nothing', async () => {
      const admin = (await t.signIn(tenant.admin, { ip: '192.0.2.11' })).token;
      for (const lockoutThreshold of [100, 1000, 0]) {
        const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { lockoutThreshold } });
        expect([answer.status, answer.body.error.code], String(lockoutThreshold)).toEqual([400, 'invalid_request']);
      }
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/settings`, { token: admin })).body.lockout_threshold).toBe(10);
      for (const lockoutThreshold of [99, 1, 10]) {
        expect((await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { lockoutThreshold } })).status).toBe(200);
      }
      // The database holds the same bound, for writes that do not go through the API.
      await expect(ownerRows(t.db, 'UPDATE tenants SET lockout_threshold = 100 WHERE id = $1', [tenant.id])).rejects.toThrow();
    });
  });
}
