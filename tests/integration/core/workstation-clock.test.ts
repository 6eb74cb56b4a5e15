import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf, type CoreCall } from '../../support/core-workstation';
import { startCuttingProxy, type CuttingProxy } from '../../support/cutting-proxy';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';

const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

/**
 * The workstation's clock is not a way around the offline window: a clock a few minutes off
 * signs in (judged on the server's time), one far off is told by how much, and a cache never
 * reopens with a clock set back behind a time it has already seen.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('the workstation clock', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let proxy: CuttingProxy;
  const cores: Core[] = [];
  /** A workstation whose clock is the server's plus `offset` (changeable). */
  function workstation(clock: { offset: number }): CoreCall {
    const core = createCore({ profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-clock-')), appVersion: 'test' }, { now: () => new Date(server.clock.now().getTime() + clock.offset), kdf: cheapKdf });
    cores.push(core);
    return callerOf(core);
  }
  const signIn = async (call: CoreCall) => {
    const person = await server.addMember(tenant.id, 'viewer');
    return call('auth.signIn', { server: proxy.url, email: person.email, password: TEST_PASSWORD, totpCode: await server.freshCode(person) });
  };

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Clock Plant', { offline_grant_hours: 72 });
    proxy = await startCuttingProxy(server.server.port);
  });
  afterEach(async () => {
    proxy.setDown(false);
    await Promise.all(cores.splice(0).map((core) => core.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('signs in with a clock six minutes slow', async () => {
    const call = workstation({ offset: -minutes(6) });
    expect(await signIn(call)).toMatchObject({ state: 'unlocked' });
  });

  it('tells a clock twenty minutes slow by how much, typed clock_skew', async () => {
    const call = workstation({ offset: -minutes(20) });
    await expect(signIn(call)).rejects.toMatchObject({ code: 'clock_skew', message: expect.stringContaining('20 minutes behind') });
  });

  it('refuses to reopen offline after the clock was set back behind a time the cache has seen', async () => {
    const clock = { offset: 0 };
    const call = workstation(clock);
    await signIn(call);
    await call('auth.lock');
    proxy.setDown(true);
    // Thirty days later, offline: the permit has run out.
    clock.offset = hours(24 * 30);
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'grant_expired' });
    // The clock is turned back into the permit's window: still refused.
    clock.offset = hours(1);
    await expect(call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'clock_rolled_back' });
    expect(await call('session.status')).toMatchObject({ state: 'locked' });
  });

  it('unlocks offline as usual when the clock only moves forward', async () => {
    const clock = { offset: 0 };
    const call = workstation(clock);
    await signIn(call);
    await call('auth.lock');
    proxy.setDown(true);
    clock.offset = hours(2);
    expect(await call('auth.unlock', { password: TEST_PASSWORD })).toMatchObject({ state: 'unlocked' });
  });
});
