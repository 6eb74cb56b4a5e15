import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../../server/app';
import { totpCode } from '../../../server/crypto/totp';
import { tokenHash } from '../../../server/auth/tokens';
import { UserEnrolmentResponseSchema } from '../../../shared/domain/admin';
import { EnrolmentInfoResponseSchema, SignInResponseSchema } from '../../../shared/domain/auth';
import { databaseFingerprint, enrolmentToken, ownerRows, serverBackends, startTestServer, uniqueEmail, type Json, type TestServer, type TestTenant } from '../../support/server';

/**
 * People own their factors. An admin who creates or resets a person gets a one-time link,
 * never a password or a TOTP secret; the person opens it, enrols their authenticator and sets
 * their own password. The link is kept only hashed, works once, lives 72 hours at most, gives
 * way to a newer one, allows five wrong codes, and refuses alike whatever is wrong with it.
 */
const PASSWORD = 'Chosen-by-the-Person-7';

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`people own their factors (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let admin: string;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Factor Works');
      admin = (await t.signIn(tenant.admin)).token;
    });
    afterAll(() => t?.stop());
    // Each test plays the person from its own address: failures count toward the address's throttle.
    let ip = 0;
    const headers = () => ({ 'x-forwarded-for': `198.51.100.${ip}` });
    beforeEach(() => {
      ip += 1;
    });

    const users = (path = '') => `/v1/tenants/${tenant.id}/users${path}`;
    const create = async (prefix = 'person') => {
      const answer = await t.request('POST', users(), { token: admin, body: { email: uniqueEmail(prefix), displayName: 'Pat Person', role: 'contributor' } });
      expect(answer.status).toBe(201);
      return answer.body;
    };
    const open = (token: string) => t.request('POST', '/v1/auth/enrolment', { headers: headers(), body: { token } });
    const complete = async (token: string, secret: string, overrides: Record<string, unknown> = {}) =>
      t.request('POST', '/v1/auth/enrolment/complete', { headers: headers(), body: { token, password: PASSWORD, code: await totpCode(secret, t.clock.now()), deviceId: 'ws-1', deviceName: 'Control room', ...overrides } });

    it('never lets an admin choose a person\'s password or receive their TOTP secret', async () => {
      const person = await t.addMember(tenant.id, 'viewer');
      const before = await databaseFingerprint(t.db);
      const chosen = await t.request('POST', users(), { token: admin, body: { email: uniqueEmail('chosen'), displayName: 'Chosen For', role: 'viewer', password: 'Admin-chosen-Passphrase-1' } });
      expect(JSON.stringify(chosen.body)).not.toMatch(/otpauth|"secret"/);
      expect([chosen.status, chosen.body?.error?.code]).toEqual([400, 'invalid_request']);
      const password = await t.request('POST', users(`/${person.id}/password`), { token: admin, body: { password: 'Admin-chosen-Passphrase-2' } });
      expect([password.status, password.body?.error?.code]).toEqual([404, 'not_found']);
      const totp = await t.request('POST', users(`/${person.id}/totp`), { token: admin, body: {} });
      expect(JSON.stringify(totp.body)).not.toMatch(/otpauth|"secret"/);
      expect([totp.status, totp.body?.error?.code]).toEqual([404, 'not_found']);
      expect(await databaseFingerprint(t.db)).toBe(before);
    });

    it('gives the admin a link instead of the person\'s factors, and the person both factors', async () => {
      const created = await create();
      // Exactly the link and its expiry: no password, no secret, no otpauth URI.
      expect(UserEnrolmentResponseSchema.parse(created)).toEqual(created);
      expect(Object.keys(created.enrolment).sort()).toEqual(['expiresAt', 'link']);
      expect(JSON.stringify(created)).not.toMatch(/otpauth|secret|password/i);
      const token = enrolmentToken(created.enrolment.link);

      const opened = await open(token);
      expect(opened.status).toBe(200);
      const info = EnrolmentInfoResponseSchema.parse(opened.body);
      expect(info).toMatchObject({ email: created.user.email, displayName: 'Pat Person', tenantName: 'Factor Works', expiresAt: created.enrolment.expiresAt });
      expect(new URL(info.totp.otpauthUri).searchParams.get('secret')).toBe(info.totp.secret);

      const done = await complete(token, info.totp.secret);
      expect(done.status).toBe(200);
      const signedIn = SignInResponseSchema.parse(done.body);
      expect(signedIn.user.id).toBe(created.user.id);
      expect(signedIn.grant.deviceId).toBe('ws-1');
      // Signed in exactly as after password + code: the session exists and carries the grant's rules.
      expect((await t.request('GET', '/v1/auth/session', { token: signedIn.token })).body.grant.rules).toEqual(signedIn.grant.rules);

      // Nothing the admin can see holds either factor.
      const seen = [
        (await t.request('GET', users(), { token: admin })).body,
        (await t.request('GET', users(`/${created.user.id}`), { token: admin })).body,
        (await t.request('GET', `/v1/tenants/${tenant.id}/audit?limit=1000`, { token: admin })).body,
      ].map((body: Json) => JSON.stringify(body));
      for (const text of seen) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(info.totp.secret);
        expect(text).not.toContain(token);
      }
    });

    it('keeps only the hash of the token, and the pending secret sealed', async () => {
      const created = await create();
      const token = enrolmentToken(created.enrolment.link);
      const { secret } = (await open(token)).body.totp;
      const [row] = await ownerRows(t.db, 'SELECT * FROM enrolment_links WHERE user_id = $1', [created.user.id]);
      expect(row.token_hash).toBe(tokenHash(token));
      const text = JSON.stringify(await ownerRows(t.db, 'SELECT * FROM enrolment_links'));
      expect(text).not.toContain(token);
      expect(text).not.toContain(secret);
      expect(String(row.pending_totp_secret)).toMatch(/^v1\./);
    });

    it('works once, and refuses an unknown, used, expired or superseded link with the same answer', async () => {
      const used = await create();
      const usedToken = enrolmentToken(used.enrolment.link);
      expect((await complete(usedToken, (await open(usedToken)).body.totp.secret)).status).toBe(200);

      const superseded = await create();
      const supersededToken = enrolmentToken(superseded.enrolment.link);
      const newer = await t.request('POST', users(`/${superseded.user.id}/reset`), { token: admin, body: {} });
      expect(newer.status).toBe(200);
      expect(newer.body.enrolment.link).not.toBe(superseded.enrolment.link);

      // The newer link works.
      const newerToken = enrolmentToken(newer.body.enrolment.link);
      expect((await complete(newerToken, (await open(newerToken)).body.totp.secret)).status).toBe(200);

      const expired = await create();
      const expiredToken = enrolmentToken(expired.enrolment.link);
      expect(Date.parse(expired.enrolment.expiresAt) - t.clock.now().getTime()).toBe(72 * 3_600_000);
      const withoutThrottle = (fingerprint: string) => fingerprint.split('\n').filter((line) => !line.startsWith('login_throttle:'));
      const answers = [];
      t.clock.advance(72 * 3_600_000);
      for (const token of ['A'.repeat(43), usedToken, supersededToken, expiredToken]) {
        const before = await databaseFingerprint(t.db);
        const opened = await open(token);
        answers.push({ status: opened.status, body: opened.body });
        const completed = await t.request('POST', '/v1/auth/enrolment/complete', { headers: headers(), body: { token, password: PASSWORD, code: '123456', deviceId: 'ws-1', deviceName: 'Control room' } });
        answers.push({ status: completed.status, body: completed.body });
        // Refused without a trace but the throttle's count.
        expect(withoutThrottle(await databaseFingerprint(t.db))).toEqual(withoutThrottle(before));
      }
      // Time went on for everyone: the admin signs in again.
      admin = (await t.signIn(tenant.admin)).token;
      for (const answer of answers) expect(answer).toEqual({ status: 400, body: { error: { code: 'enrolment_invalid', message: expect.stringMatching(/new link/) } } });
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    });

    it('accepts only a code of the secret shown last, and spends the link after five wrong codes', async () => {
      const created = await create();
      const token = enrolmentToken(created.enrolment.link);
      const first = (await open(token)).body.totp.secret;
      const second = (await open(token)).body.totp.secret;
      expect(second).not.toBe(first);
      const stale = await complete(token, first);
      expect([stale.status, stale.body.error.code]).toEqual([401, 'invalid_code']);
      for (let attempt = 2; attempt <= 5; attempt += 1) {
        // Past the growing wait that each failure on a link adds (as on an account at sign-in).
        t.clock.advance(60_000);
        const wrong = await complete(token, second, { code: '000000' });
        expect(wrong.body.error.code).toBe('invalid_code');
      }
      // Five wrong codes: the right one comes too late.
      t.clock.advance(60_000);
      const late = await complete(token, second);
      expect([late.status, late.body.error.code]).toEqual([400, 'enrolment_invalid']);
      const stored = await ownerRows(t.db, 'SELECT password_hash, totp_secret FROM users WHERE id = $1', [created.user.id]);
      expect(stored).toEqual([{ password_hash: null, totp_secret: null }]);
    });

    it('holds the person\'s password to the policy and says what is wrong, without spending the link', async () => {
      const created = await create();
      const token = enrolmentToken(created.enrolment.link);
      const { secret } = (await open(token)).body.totp;
      for (const [password, problem] of [
        ['short', /at least 12/],
        ['password1234', /common or leaked/],
        [`${created.user.email.split('@')[0]}-Plant-1`, /email/],
      ] as const) {
        const weak = await complete(token, secret, { password });
        expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
        expect(weak.body.error.details.problem).toMatch(problem);
      }
      expect((await complete(token, secret)).status).toBe(200);
    });

    it('throttles guessing of links per client address, like sign-in', async () => {
      const from = { 'x-forwarded-for': '203.0.113.77' };
      const statuses: number[] = [];
      for (let i = 0; i < 14; i += 1) {
        const answer = await t.request('POST', '/v1/auth/enrolment', { headers: from, body: { token: `${String(i).padStart(2, '0')}${'x'.repeat(41)}` } });
        statuses.push(answer.status);
      }
      expect(statuses.slice(0, 10).every((status) => status === 400)).toBe(true);
      const throttled = await t.request('POST', '/v1/auth/enrolment', { headers: from, body: { token: 'y'.repeat(43) } });
      expect([throttled.status, throttled.body.error.code]).toEqual([429, 'throttled']);
      expect(throttled.body.error.details.retryAfter).toBeGreaterThan(0);
      // Another address is not held up.
      expect((await t.request('POST', '/v1/auth/enrolment', { headers: { 'x-forwarded-for': '203.0.113.78' }, body: { token: 'y'.repeat(43) } })).status).toBe(400);
    });

    it('lets a person change their own password: the current one proven (a wrong one counts toward the account throttle), the new one under the policy', async () => {
      const person = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(person, { ip: '192.0.2.10' });
      const other = await t.signIn(person, { ip: '192.0.2.10', deviceId: 'laptop' });
      const accountFailures = async () =>
        Number((await ownerRows(t.db, 'SELECT failures FROM login_throttle WHERE key = $1', [`account:${createHash('sha256').update(person.email).digest('hex')}`]))[0]?.failures ?? 0);
      const change = (body: Record<string, string>) => t.request('POST', '/v1/auth/password', { token, headers: { 'x-forwarded-for': '192.0.2.10' }, body });

      const wrong = await change({ currentPassword: 'not-the-password-123', newPassword: 'Brand-new-Passphrase-5' });
      expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_credentials']);
      expect(await accountFailures()).toBe(1);
      for (const [newPassword, problem] of [['tiny', /at least 12/], [person.password, /other than your current/]] as const) {
        const weak = await change({ currentPassword: person.password, newPassword });
        expect([weak.status, weak.body.error.code, weak.body.error.details.problem]).toEqual([400, 'weak_password', expect.stringMatching(problem)]);
      }
      expect((await change({ currentPassword: person.password, newPassword: 'Brand-new-Passphrase-5' })).status).toBe(204);
      expect((await t.request('GET', '/v1/auth/session', { token })).status).toBe(200);
      expect((await t.request('GET', '/v1/auth/session', { token: other.token })).body.error.code).toBe('session_revoked');
      const old = await t.request('POST', '/v1/auth/login', { body: { email: person.email, password: person.password, deviceId: 'd', deviceName: 'd' } });
      expect(old.body.error.code).toBe('invalid_credentials');
      expect((await t.signIn({ ...person, password: 'Brand-new-Passphrase-5' })).user.id).toBe(person.id);
    });

    it('ends the person\'s sessions and clears both factors on reset; nobody resets themselves', async () => {
      const person = await t.addMember(tenant.id, 'viewer');
      const { token } = await t.signIn(person);
      const reset = await t.request('POST', users(`/${person.id}/reset`), { token: admin, body: { reason: 'new phone' } });
      expect(reset.status).toBe(200);
      expect(JSON.stringify(reset.body)).not.toContain(person.totpSecret);
      expect((await t.request('GET', '/v1/auth/session', { token })).body.error.code).toBe('session_revoked');
      expect(await ownerRows(t.db, 'SELECT password_hash, totp_secret FROM users WHERE id = $1', [person.id])).toEqual([{ password_hash: null, totp_secret: null }]);
      const self = await t.request('POST', users(`/${tenant.admin.id}/reset`), { token: admin, body: {} });
      expect([self.status, self.body.error.code]).toEqual([403, 'self_change']);
    });
  });
}

describe('enrolment link lifetime option', () => {
  it('is 72 hours at most: shorter when configured, and a longer or broken setting stops the server', async () => {
    const t = await startTestServer({ backend: 'pglite', server: { enrolmentTtlHours: 24 } });
    try {
      const tenant = await t.createTenant('Short Links');
      const admin = (await t.signIn(tenant.admin)).token;
      const created = await t.request('POST', `/v1/tenants/${tenant.id}/users`, { token: admin, body: { email: uniqueEmail(), displayName: 'Shorty', role: 'viewer' } });
      expect(Date.parse(created.body.enrolment.expiresAt) - t.clock.now().getTime()).toBe(24 * 3_600_000);
    } finally {
      await t.stop();
    }
    for (const hours of [0, 73, 1.5]) await expect(startServer({ port: 0, logger: false, enrolmentTtlHours: hours })).rejects.toThrow(/1 to 72/);
  });
});
