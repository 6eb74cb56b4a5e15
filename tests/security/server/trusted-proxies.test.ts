import { afterEach, describe, expect, it } from 'vitest';
import { serverOptionsFromArgs, UsageError } from '../../../server/config';
import { ownerRows, startTestServer, type TestServer } from '../../support/server';

/**
 * X-Forwarded-For is believed only from proxies listed by address: a client that is not one of
 * them cannot choose the address that sign-in throttling and rate limits count.
 */
describe('trusted proxies by address', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  const login = (server: TestServer, email: string, forwardedFor: string) =>
    server.request('POST', '/v1/auth/login', { headers: { 'x-forwarded-for': forwardedFor }, body: { email, password: 'not-the-password-at-all', deviceId: 'd', deviceName: 'd' } });

  const failureAddresses = async (server: TestServer) =>
    (await ownerRows(server.db, "SELECT ip FROM security_events WHERE kind = 'login_failed_unknown_account' ORDER BY at, id")).map((row) => row.ip);

  it('refuses PLANTDESK_TRUST_PROXY values that would trust every address', () => {
    for (const value of ['1', 'true', 'TRUE', '*', '0.0.0.0/0', '::/0', '10.0.0.1,', 'proxy.internal', '10.0.0.0/33']) {
      expect(() => serverOptionsFromArgs([], { PLANTDESK_TRUST_PROXY: value }), value).toThrow(UsageError);
    }
  });

  it('throttles 60 sign-in attempts with rotating forged X-Forwarded-For from a sender that is not a listed proxy', async () => {
    const { trustProxy } = serverOptionsFromArgs([], { PLANTDESK_TRUST_PROXY: '10.9.9.9, 192.0.2.0/24' });
    expect(trustProxy).toEqual(['10.9.9.9', '192.0.2.0/24']);
    t = await startTestServer({ backend: 'pglite', server: { trustProxy } });
    const answers = [];
    for (let i = 0; i < 60; i += 1) answers.push(await login(t, `guess-${i}@nowhere.example`, `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    const evaluated = answers.filter((answer) => answer.status === 401);
    const throttled = answers.filter((answer) => answer.status === 429);
    // The IP's free failures (10) are evaluated; everything after waits, whatever the header says.
    expect(evaluated.length).toBeLessThanOrEqual(10);
    expect(throttled.length).toBe(60 - evaluated.length);
    for (const answer of throttled) expect(answer.body.error).toMatchObject({ code: 'throttled', details: { retryAfter: expect.any(Number) } });
    expect(new Set(await failureAddresses(t))).toEqual(new Set(['127.0.0.1']));
  });

  it('takes the right-most hop that is not a listed proxy as the client address', async () => {
    t = await startTestServer({ backend: 'pglite', server: { trustProxy: ['loopback', '203.0.113.9'] } });
    // A client forging a left-most hop behind two proxies: its own address is what counts.
    expect((await login(t, 'a@nowhere.example', '6.6.6.6, 198.51.100.7, 203.0.113.9')).status).toBe(401);
    expect((await login(t, 'b@nowhere.example', '198.51.100.8')).status).toBe(401);
    expect((await failureAddresses(t)).sort()).toEqual(['198.51.100.7', '198.51.100.8']);
  });
});
