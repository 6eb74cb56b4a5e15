import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { startTamperingProxy, type TamperingProxy } from '../../support/tampering-proxy';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../../support/server';

// A refreshed grant that fails its signature check is refused and never replaces the stored,
// verified one: a forged answer cannot widen rights, nor lock a person out of offline work.
describe.skipIf(skipUnless(secretServiceCapability()))('grant refresh', () => {
  let server: TestServer;
  let proxy: TamperingProxy;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    proxy = await startTamperingProxy(Number(new URL(server.url).port));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('refuses a widened grant on unlock, and the verified one still opens the cache offline', async () => {
    const tenant = await server.createTenant('Northfield Plant');
    const user = await server.addMember(tenant.id, 'viewer');
    const core = createCore({ profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-grant-refresh-')), appVersion: 'test' }, { now: () => server.clock.now(), kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    await call('auth.signIn', { server: proxy.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await call('auth.lock');

    proxy.tamperNext('/v1/auth/session', 1, (body) => {
      const info = JSON.parse(body);
      info.grant.rules.push({ action: 'manage', access: 'org', entity: 'user' });
      return JSON.stringify(info);
    });
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'grant_invalid' });

    await proxy.close();
    const offline = await call<{ state: string; online: boolean }>('auth.unlock', { password: TEST_PASSWORD });
    expect(offline).toMatchObject({ state: 'unlocked', online: false });
    await expect(call('users.list', {})).rejects.toMatchObject({ code: 'forbidden' });
    await core.close();
  });
});
