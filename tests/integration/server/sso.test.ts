import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInResponseSchema } from '../../../shared/domain/auth';
import { grantSigningInput, type SignedGrant } from '../../../shared/grant';
import {
  DEVICE_CLIENT_ID,
  DEVICE_CLIENT_SECRET,
  NATIVE_CLIENT_ID,
  newPkceSet,
  startOidcProvider,
  startScriptedIssuer,
  type ScriptedIssuer,
  type TestOidcProvider,
} from '../../support/oidc-provider';
import { ownerRows, serverBackends, startTestServer, type Json, type TestServer, type TestTenant } from '../../support/server';

const REDIRECT = 'http://127.0.0.1:53117/callback';

function grantVerifies(grant: SignedGrant, publicKeyPem: string): boolean {
  return verify(null, Buffer.from(grantSigningInput(grant), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(grant.signature.value, 'base64url'));
}

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`single sign-on with OpenID Connect (${name})`, () => {
    let t: TestServer;
    let idp: TestOidcProvider;
    let scripted: ScriptedIssuer;
    let tenant: TestTenant;
    let adminToken: string;
    let scriptedTenant: TestTenant;
    let accounts = 0;

    const configure = async (target: TestTenant, token: string, body: Record<string, unknown>) => {
      const answer = await t.request('PATCH', `/v1/tenants/${target.id}/sso`, { token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    };
    let clients = 0;
    // Each attempt from its own address: the sign-in throttle counts refusals per address.
    const exchange = (body: Record<string, unknown>) =>
      t.request('POST', '/v1/auth/sso/exchange', { headers: { 'x-forwarded-for': `198.51.100.${(clients += 1) % 250}` }, body: { deviceId: 'ws-sso', deviceName: 'SSO workstation', ...body } });
    /** A person at the test provider; their email's domain decides what Plantdesk makes of them. */
    const account = (email: string, extra: { groups?: string[]; emailVerified?: boolean } = {}) => {
      const id = `acct-${(accounts += 1)}-${Date.now().toString(36)}`;
      idp.addAccount({ id, email, name: `Person ${accounts}`, ...extra });
      return id;
    };
    /** The desktop's browser part, then the hand-over to the server. */
    const signInWithSso = async (accountId: string, target = tenant) => {
      const pkce = newPkceSet();
      const { code, iss, state } = await idp.authorize({ account: accountId, redirectUri: REDIRECT, pkce });
      expect(state).toBe(pkce.state);
      return { answer: await exchange({ tenantId: target.id, code, codeVerifier: pkce.codeVerifier, redirectUri: REDIRECT, nonce: pkce.nonce, iss }), pkce, code, iss };
    };
    const auditActions = async (tenantId: string) =>
      (await ownerRows(t.db, 'SELECT action, reason, entity_id FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenantId])) as { action: string; reason: string | null; entity_id: string | null }[];

    beforeAll(async () => {
      t = await startTestServer({ backend });
      idp = await startOidcProvider();
      scripted = await startScriptedIssuer();
      tenant = await t.createTenant('SSO Plant');
      adminToken = (await t.signIn(tenant.admin)).token;
      await configure(tenant, adminToken, { enabled: true, issuer: idp.issuer, clientId: NATIVE_CLIENT_ID, allowedDomains: ['sso-plant.example'], groupsClaim: 'groups', groupRoles: { 'plant-admins': 'admin' } });
      scriptedTenant = await t.createTenant('Scripted Plant');
      await configure(scriptedTenant, (await t.signIn(scriptedTenant.admin)).token, { enabled: true, issuer: scripted.issuer, clientId: 'scripted-client', allowedDomains: ['scripted.example'], createMembers: true });
    }, 60_000);
    afterAll(async () => {
      await t?.stop();
      await idp?.stop();
      await scripted?.stop();
    });

    describe('settings', () => {
      it('keeps the client secret sealed, never answers it, and audits its change masked', async () => {
        const other = await t.createTenant('Secret Plant');
        const token = (await t.signIn(other.admin)).token;
        const saved = await configure(other, token, { issuer: idp.issuer, clientId: DEVICE_CLIENT_ID, clientSecret: DEVICE_CLIENT_SECRET, reason: 'set up SSO' });
        expect(saved).toMatchObject({ configured: true, enabled: false, hasClientSecret: true, clientId: DEVICE_CLIENT_ID });
        expect(JSON.stringify(saved)).not.toContain(DEVICE_CLIENT_SECRET);
        const read = await t.request('GET', `/v1/tenants/${other.id}/sso`, { token });
        expect(JSON.stringify(read.body)).not.toContain(DEVICE_CLIENT_SECRET);
        const [row] = await ownerRows(t.db, 'SELECT client_secret_sealed FROM sso_settings WHERE tenant_id = $1', [other.id]);
        expect(String(row.client_secret_sealed)).toMatch(/^v1\./);
        expect(String(row.client_secret_sealed)).not.toContain(DEVICE_CLIENT_SECRET);
        const [event] = await ownerRows(t.db, "SELECT diff, reason FROM audit_events WHERE tenant_id = $1 AND action = 'sso_settings.updated'", [other.id]);
        expect(JSON.stringify(event.diff)).not.toContain(DEVICE_CLIENT_SECRET);
        expect(event.diff).toMatchObject({ clientSecret: { before: null, after: '(replaced)' }, issuer: { before: null, after: idp.issuer } });
        expect(event.reason).toBe('set up SSO');
      });

      it('is only for those who manage tenant settings', async () => {
        const contributor = await t.addMember(tenant.id, 'contributor');
        const token = (await t.signIn(contributor)).token;
        expect((await t.request('GET', `/v1/tenants/${tenant.id}/sso`, { token })).body.error.code).toBe('forbidden');
        expect((await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, { token, body: { enabled: false } })).body.error.code).toBe('forbidden');
      });

      it('refuses an http issuer that is not on this machine, and break-glass accounts that are not admins', async () => {
        const http = await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, { token: adminToken, body: { issuer: 'http://idp.example' } });
        expect(http.body.error.code).toBe('invalid_request');
        const viewer = await t.addMember(tenant.id, 'viewer');
        const glass = await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, { token: adminToken, body: { breakGlassUserIds: [viewer.id] } });
        expect(glass.body.error.code).toBe('invalid_request');
      });

      it('tests the connection and says what is wrong in words', async () => {
        const test = (issuer: string) => t.request('POST', `/v1/tenants/${tenant.id}/sso/test`, { token: adminToken, body: { issuer } });
        const ok = await test(idp.issuer);
        expect(ok.body).toMatchObject({ ok: true, problems: [], provider: { jwksKeys: 1 } });
        expect(ok.body.provider.deviceAuthorizationEndpoint).toContain(idp.issuer);
        const closed = await test('http://127.0.0.1:9/');
        expect(closed.body).toMatchObject({ ok: false, problems: [{ code: 'unreachable' }] });
        const notIssuer = await test(t.url);
        expect(notIssuer.body.problems[0].code).toBe('not_an_issuer');
        const mismatch = await test(idp.issuer.replace('127.0.0.1', 'localhost'));
        expect(mismatch.body.problems[0].code).toBe('issuer_mismatch');
        expect(mismatch.body.problems[0].message).toMatch(/different issuer/);
      });
    });

    it('tells the app which provider, client and scopes to use, by tenant or by email domain', async () => {
      const byTenant = await t.request('GET', `/v1/auth/sso/config?tenant=${tenant.id}`);
      expect(byTenant.body).toEqual({ providers: [{ tenantId: tenant.id, tenantName: 'SSO Plant', issuer: idp.issuer, clientId: NATIVE_CLIENT_ID, scopes: ['openid', 'email', 'profile', 'groups'], ssoRequired: false }] });
      const byEmail = await t.request('GET', `/v1/auth/sso/config?email=${encodeURIComponent('someone@SSO-plant.example')}`);
      expect(byEmail.body.providers.map((p: Json) => p.tenantId)).toEqual([tenant.id]);
      expect((await t.request('GET', '/v1/auth/sso/config?email=someone@elsewhere.example')).body.error.code).toBe('sso_not_configured');
    });

    it('signs in an existing member by verified email, links the subject, and answers like a password sign-in', async () => {
      const member = await t.addMember(tenant.id, 'contributor', { email: `worker-${Date.now()}@sso-plant.example`, areas: [tenant.areas.north] });
      const accountId = account(member.email);
      const { answer } = await signInWithSso(accountId);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const parsed = SignInResponseSchema.parse(answer.body);
      expect(parsed.user.id).toBe(member.id);
      expect(parsed.grant).toMatchObject({ user: { id: member.id }, tenant: { id: tenant.id }, deviceId: 'ws-sso', roles: { org: 'contributor' } });
      expect(grantVerifies(parsed.grant, parsed.serverKey.publicKeyPem)).toBe(true);
      const pull = await t.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=0&limit=10`, { token: parsed.token });
      expect(pull.status).toBe(200);
      expect(Array.isArray(pull.body.changes)).toBe(true);

      const [link] = await ownerRows(t.db, 'SELECT issuer, subject FROM sso_identities WHERE tenant_id = $1 AND user_id = $2', [tenant.id, member.id]);
      expect(link).toEqual({ issuer: idp.issuer, subject: accountId });
      const actions = (await auditActions(tenant.id)).filter((event) => event.entity_id === member.id).map((event) => event.action);
      expect(actions).toEqual(expect.arrayContaining(['sso.link_created', 'auth.sso_succeeded']));
      // The second time the subject decides, not the email.
      expect((await signInWithSso(accountId)).answer.status).toBe(200);
    });

    it('refuses an authorization code used twice', async () => {
      const member = await t.addMember(tenant.id, 'viewer', { email: `twice-${Date.now()}@sso-plant.example` });
      const { answer, pkce, code, iss } = await signInWithSso(account(member.email));
      expect(answer.status).toBe(200);
      const again = await exchange({ tenantId: tenant.id, code, codeVerifier: pkce.codeVerifier, redirectUri: REDIRECT, nonce: pkce.nonce, iss });
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('sso_replayed');
      expect((await auditActions(tenant.id)).some((event) => event.action === 'auth.sso_refused' && event.reason === 'code_replayed')).toBe(true);
    });

    it('throttles code guessing from one address like password guessing: after a few refused codes it answers throttled with a wait', async () => {
      const guess = () =>
        t.request('POST', '/v1/auth/sso/exchange', {
          headers: { 'x-forwarded-for': '203.0.113.77' },
          body: { deviceId: 'ws-guess', deviceName: 'Guessing box', tenantId: tenant.id, code: `guess-${Math.random()}`, codeVerifier: newPkceSet().codeVerifier, redirectUri: REDIRECT, nonce: 'n'.repeat(43) },
        });
      const answers: { status: number; code: string }[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        const answer = await guess();
        answers.push({ status: answer.status, code: answer.body.error?.code });
      }
      // The first guesses reach the provider and are refused there; then the address waits.
      expect(answers[0]).toEqual({ status: 401, code: 'sso_token_invalid' });
      const throttled = answers.findIndex((answer) => answer.code === 'throttled');
      expect(throttled).toBeGreaterThan(0);
      expect(answers.slice(throttled).every((answer) => answer.status === 429)).toBe(true);
      // Another address is not held up by this one's guesses.
      const elsewhere = await t.request('POST', '/v1/auth/sso/exchange', {
        headers: { 'x-forwarded-for': '203.0.113.78' },
        body: { deviceId: 'ws-guess', deviceName: 'Guessing box', tenantId: tenant.id, code: 'guess-elsewhere', codeVerifier: newPkceSet().codeVerifier, redirectUri: REDIRECT, nonce: 'n'.repeat(43) },
      });
      expect(elsewhere.body.error?.code).not.toBe('throttled');
    });

    it('refuses an email outside the allowed domains, and an unverified one', async () => {
      const outside = await signInWithSso(account(`stranger-${Date.now()}@elsewhere.example`));
      expect(outside.answer.status).toBe(403);
      expect(outside.answer.body.error).toMatchObject({ code: 'sso_email_not_allowed', details: { reason: 'email_domain_not_allowed' } });
      const unverified = await signInWithSso(account(`unverified-${Date.now()}@sso-plant.example`, { emailVerified: false }));
      expect(unverified.answer.body.error).toMatchObject({ code: 'sso_email_not_allowed', details: { reason: 'email_not_verified' } });
    });

    it('refuses an unknown person unless the tenant creates members, then maps their groups to a role', async () => {
      const email = `new-${Date.now()}@sso-plant.example`;
      const accountId = account(email, { groups: ['plant-admins', 'everyone'] });
      expect((await signInWithSso(accountId)).answer.body.error.code).toBe('sso_no_account');
      await configure(tenant, adminToken, { createMembers: true, defaultRole: 'viewer' });
      try {
        const { answer } = await signInWithSso(accountId);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.body.user.email).toBe(email);
        expect(answer.body.grant.roles.org).toBe('admin');
        const created = (await auditActions(tenant.id)).find((event) => event.action === 'sso.member_created' && event.entity_id === answer.body.user.id);
        expect(created?.reason).toBe('role_from_groups');
      } finally {
        await configure(tenant, adminToken, { createMembers: false });
      }
    });

    describe('ID tokens the server must not accept (minted for a scripted issuer)', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const goodClaims = (nonce: string, overrides: Record<string, unknown> = {}) => ({
        iss: scripted.issuer,
        aud: 'scripted-client',
        sub: 'scripted-subject',
        iat: now(),
        exp: now() + 300,
        nonce,
        email: 'someone@scripted.example',
        email_verified: true,
        ...overrides,
      });
      let codes = 0;
      const attempt = async (mint: (nonce: string) => Promise<string>, nonce = newPkceSet().nonce) => {
        scripted.respondWith(() => mint(nonce));
        return exchange({ tenantId: scriptedTenant.id, code: `scripted-code-${(codes += 1)}-${Date.now()}`, codeVerifier: newPkceSet().codeVerifier, redirectUri: REDIRECT, nonce });
      };

      it('accepts a well-formed token (the control for the cases below)', async () => {
        const answer = await attempt((nonce) => scripted.sign(goodClaims(nonce, { sub: 'control', email: 'control@scripted.example' })));
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      });

      it.each([
        ['wrong audience', 'audience', (nonce: string) => scripted.sign(goodClaims(nonce, { aud: 'someone-else' }))],
        ['wrong issuer', 'issuer', (nonce: string) => scripted.sign(goodClaims(nonce, { iss: 'https://evil.example' }))],
        ['expired', 'expired', (nonce: string) => scripted.sign(goodClaims(nonce, { iat: now() - 7200, exp: now() - 3600 }))],
        ['bad signature', 'signature', (nonce: string) => scripted.sign(goodClaims(nonce), { key: 'stranger' })],
        ['another nonce', 'nonce', () => scripted.sign(goodClaims('not-the-nonce-the-app-made'))],
      ])('refuses a token with %s', async (_label, reason, mint) => {
        const answer = await attempt(mint);
        expect(answer.status).toBe(401);
        expect(answer.body.error).toMatchObject({ code: 'sso_token_invalid', details: { reason } });
        expect(JSON.stringify(answer.body)).not.toMatch(/eyJ/);
      });

      it('refuses a replayed nonce, even with a fresh code and a freshly signed token', async () => {
        const nonce = newPkceSet().nonce;
        const claims = { sub: 'replay', email: 'replay@scripted.example' };
        expect((await attempt((n) => scripted.sign(goodClaims(n, claims)), nonce)).status).toBe(200);
        const replay = await attempt((n) => scripted.sign(goodClaims(n, { ...claims, iat: now() + 1 })), nonce);
        expect(replay.status).toBe(401);
        expect(replay.body.error.code).toBe('sso_replayed');
      });
    });

    describe('SSO required', () => {
      it('refuses password sign-in with sso_required, while a break-glass admin still signs in with a password', async () => {
        const strict = await t.createTenant('Strict Plant');
        const glassAdmin = await t.addMember(strict.id, 'admin');
        const worker = await t.addMember(strict.id, 'contributor');
        const token = (await t.signIn(strict.admin)).token;
        await configure(strict, token, { enabled: true, issuer: idp.issuer, clientId: NATIVE_CLIENT_ID, allowedDomains: ['strict.example'], ssoRequired: true, breakGlassUserIds: [glassAdmin.id] });

        const refused = await t.request('POST', '/v1/auth/login', { body: { email: worker.email, password: worker.password, deviceId: 'ws', deviceName: 'ws' } });
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('sso_required');
        expect(refused.body.error.message).toMatch(/single sign-on/);
        expect((await auditActions(strict.id)).some((event) => event.action === 'auth.login_refused' && event.reason === 'sso_required' && event.entity_id === worker.id)).toBe(true);
        // The admin who set it is not break-glass either.
        expect((await t.request('POST', '/v1/auth/login', { body: { email: strict.admin.email, password: strict.admin.password, deviceId: 'ws', deviceName: 'ws' } })).body.error.code).toBe('sso_required');

        const glass = await t.signIn(glassAdmin);
        expect(glass.user.id).toBe(glassAdmin.id);
        // An unknown email of the tenant's domain answers the same (no account oracle).
        const unknown = await t.request('POST', '/v1/auth/login', { body: { email: 'nobody@strict.example', password: 'whatever-password-1', deviceId: 'ws', deviceName: 'ws' } });
        expect(unknown.body.error.code).toBe('sso_required');
      });
    });

    describe('device authorization grant (CLI)', () => {
      it('signs in after the person approves the code in a browser; the server redeems the device code itself', async () => {
        const cli = await t.createTenant('CLI Plant');
        const member = await t.addMember(cli.id, 'viewer', { email: `cli-${Date.now()}@cli.example` });
        const token = (await t.signIn(cli.admin)).token;
        await configure(cli, token, { enabled: true, issuer: idp.issuer, clientId: DEVICE_CLIENT_ID, clientSecret: DEVICE_CLIENT_SECRET, allowedDomains: ['cli.example'] });
        const accountId = account(member.email);

        const started = await t.request('POST', '/v1/auth/sso/device', { body: { tenantId: cli.id, deviceId: 'cli-1', deviceName: 'Build agent' } });
        expect(started.status, JSON.stringify(started.body)).toBe(200);
        expect(started.body).toMatchObject({ userCode: expect.any(String), verificationUri: expect.stringContaining(idp.issuer), interval: 5 });
        const poll = () => t.request('POST', '/v1/auth/sso/device/poll', { body: { tenantId: cli.id, handle: started.body.handle } });
        expect((await poll()).body).toEqual({ status: 'pending', interval: 5 });
        // Asked again before the interval: the provider is not asked at all.
        expect((await poll()).body).toEqual({ status: 'pending', interval: 5 });

        await idp.approveDevice(started.body.verificationUriComplete, accountId);
        t.clock.advance(5_000);
        const done = await poll();
        expect(done.status, JSON.stringify(done.body)).toBe(200);
        const parsed = SignInResponseSchema.parse(done.body);
        expect(parsed.user.id).toBe(member.id);
        expect(parsed.grant.deviceId).toBe('cli-1');
        expect((await t.request('GET', `/v1/sync/pull?tenant=${cli.id}&since=0&limit=5`, { token: parsed.token })).status).toBe(200);
        // The handle is spent.
        t.clock.advance(5_000);
        expect((await poll()).body.error.code).toBe('sso_device_expired');
      });
    });
  });
}
