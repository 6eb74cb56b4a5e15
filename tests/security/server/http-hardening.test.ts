import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database';
import { startTestServer, type TestServer, type TestTenant } from '../../support/server';

const expectedHeaders = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

describe('HTTP hardening', () => {
  let t: TestServer;
  let tenant: TestTenant;
  const logLines: string[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestServer({ backend: 'pglite', server: { logger: { level: 'debug', stream }, rateLimits: { perIp: { limit: 1000, windowMs: 60_000 }, perUser: { limit: 40, windowMs: 60_000 } } } });
    tenant = await t.createTenant('Hardening Works');
  });
  afterAll(() => t?.stop());

  it('sends the security headers on every kind of answer', async () => {
    const answers = [
      await t.request('GET', '/healthz'),
      await t.request('GET', '/v1/keys/grant'),
      await t.request('GET', '/v1/nowhere'),
      await t.request('GET', '/v1/auth/session'),
      await t.request('POST', '/v1/auth/login', { rawBody: '{' }),
    ];
    for (const answer of answers) {
      for (const [header, value] of Object.entries(expectedHeaders)) expect(answer.headers.get(header), header).toBe(value);
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(answers.map((answer) => answer.headers.get('x-request-id'))).size).toBe(answers.length);
  });

  it('keeps CORS closed: no Access-Control header, preflights go nowhere', async () => {
    const simple = await t.request('GET', '/v1/keys/grant', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await t.request('OPTIONS', '/v1/auth/login', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers malformed, oversized and non-JSON bodies with typed errors', async () => {
    const cases: [string, Parameters<TestServer['request']>[2], number, string][] = [
      ['broken JSON', { rawBody: '{"email": ' }, 400, 'malformed_json'],
      ['empty JSON body', { rawBody: '' , headers: { 'content-type': 'application/json' } }, 400, 'malformed_json'],
      ['prototype pollution', { rawBody: '{"__proto__": {"admin": true}}' }, 400, 'malformed_json'],
      ['text/plain', { rawBody: 'email=a', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
      ['form encoded', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
      ['a megabyte', { rawBody: JSON.stringify({ email: 'a'.repeat(1_000_000) }) }, 413, 'payload_too_large'],
      ['NUL in a string', { body: { email: 'a@b.example', password: 'x\u0000y', deviceId: 'd', deviceName: 'd' } }, 400, 'invalid_request'],
      ['lone surrogate', { rawBody: '{"email":"a@b.example","password":"\\ud800","deviceId":"d","deviceName":"d"}' }, 400, 'invalid_request'],
      ['unknown field', { body: { email: 'a@b.example', password: 'x', deviceId: 'd', deviceName: 'd', admin: true } }, 400, 'invalid_request'],
    ];
    for (const [label, options, status, code] of cases) {
      const answer = await t.request('POST', '/v1/auth/login', options);
      expect([answer.status, answer.body?.error?.code], label).toEqual([status, code]);
      expect(typeof answer.body.error.message).toBe('string');
    }
  });

  it('answers URLs the router cannot take (overlong or undecodable ids) in the same typed format', async () => {
    for (const path of [`/v1/tenants/${'é'.repeat(200)}/users`, '/v1/tenants/%E0%A4%A/users']) {
      const answer = await t.request('GET', path);
      expect([answer.status, answer.body.error.code], path).toEqual([400, 'invalid_request']);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('does not echo submitted values in validation errors', async () => {
    const answer = await t.request('POST', '/v1/auth/login', { body: { email: 'not-an-email', password: 'hunter2-secret-value', deviceId: 5, deviceName: 'd' } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain('hunter2-secret-value');
    expect(answer.body.error.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['deviceId', 'email']);
  });

  it('rate-limits each user, and the answer says when to come back', async () => {
    const user = await t.addMember(tenant.id, 'viewer');
    const { token } = await t.signIn(user);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) statuses.push((await t.request('GET', '/v1/auth/session', { token })).status);
    expect(statuses.filter((status) => status === 200).length).toBe(40);
    const limited = await t.request('GET', '/v1/auth/session', { token });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
    expect(limited.body.error.details.retryAfter).toBeGreaterThan(0);
    // Another user is not affected; the window passes with time.
    expect((await t.request('GET', '/v1/auth/session', { token: (await t.signIn(tenant.admin)).token })).status).toBe(200);
    t.clock.advance(61_000);
    expect((await t.request('GET', '/v1/auth/session', { token })).status).toBe(200);
  });

  it('logs JSON lines with request ids and never a password, token, challenge, code or TOTP secret', async () => {
    logLines.length = 0;
    const user = await t.addMember(tenant.id, 'viewer');
    const signed = await t.signIn(user, { ip: '198.51.100.99' });
    await t.request('GET', '/v1/auth/session', { token: signed.token });
    await t.request('POST', '/v1/auth/login', { body: { email: user.email, password: 'Wrong-password-logged?', deviceId: 'd', deviceName: 'd' } });
    expect(logLines.length).toBeGreaterThan(4);
    const text = logLines.join('\n');
    for (const secret of [user.password, 'Wrong-password-logged?', signed.token, user.totpSecret]) expect(text).not.toContain(secret);
    for (const line of logLines) {
      const entry = JSON.parse(line);
      if (entry.req || entry.res) expect(entry.reqId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(text).not.toMatch(/challengeId|authorization/i);
  });
});

describe('failures inside the server', () => {
  let t: TestServer;
  let failing = false;
  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite' });
    // A database that breaks on demand, with a message that must never reach a client.
    const original: Database = t.db;
    const broken = new Error('connection to 10.0.0.5:5432 lost at /srv/secret/path (password=hunter2)');
    const wrapper: Database = {
      kind: original.kind,
      transaction: (context, work) => (failing ? Promise.reject(broken) : original.transaction(context, work)),
      ownerTransaction: (work) => (failing ? Promise.reject(broken) : original.ownerTransaction(work)),
      close: () => Promise.resolve(),
    };
    await t.server.close();
    const { startServer } = await import('../../../server/app');
    t.server = await startServer({ port: 0, db: wrapper, clock: t.clock, logger: false });
    t.url = t.server.url;
  });
  afterAll(() => t?.stop());

  it('answers 500 with the generic internal error and no stack or driver message', async () => {
    failing = true;
    try {
      const answer = await fetch(`${t.server.url}/v1/auth/session`, { headers: { authorization: `Bearer ${'a'.repeat(43)}` } });
      const body = await answer.json();
      expect(answer.status).toBe(500);
      expect(body).toEqual({ error: { code: 'internal', message: expect.any(String) } });
      expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.5|secret|hunter2|at \//);
    } finally {
      failing = false;
    }
  });

  it('reports not ready while the database is unreachable, and live all along', async () => {
    failing = true;
    try {
      const ready = await fetch(`${t.server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('not_ready');
      expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    } finally {
      failing = false;
    }
    expect((await fetch(`${t.server.url}/readyz`)).status).toBe(200);
  });
});

describe('per-IP rate limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite', server: { rateLimits: { perIp: { limit: 5, windowMs: 60_000 } } } });
  });
  afterAll(() => t?.stop());

  it('answers rate_limited past the limit for that IP only, until the window passes', async () => {
    const from = (ip: string) => t.request('GET', '/v1/keys/grant', { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 5; i += 1) expect((await from('203.0.113.1')).status).toBe(200);
    const limited = await from('203.0.113.1');
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await from('203.0.113.2')).status).toBe(200);
    // Health probes are never limited.
    expect((await t.request('GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await from('203.0.113.1')).status).toBe(200);
  });
});
