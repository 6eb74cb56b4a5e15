import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import type { ContractEvent } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { startTamperingProxy, type TamperingProxy } from '../../support/tampering-proxy';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

// Pull pages that are truncated, name an unknown entity or carry a foreign column are refused
// whole: nothing of them is written, the failure is reported, and the automatic sync retries.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

describe.skipIf(skipUnless(secretServiceCapability()))('malformed pull pages', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let proxy: TamperingProxy;
  let core: Core | null = null;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant');
    proxy = await startTamperingProxy(Number(new URL(server.url).port));
  });
  afterAll(async () => {
    await core?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('refuses each bad page whole, reports it, and converges on retry', async () => {
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    const user = await server.addMember(tenant.id, 'admin');
    // Pull from seq 0, not a snapshot: the pages are what this test spoils.
    core = createCore({ profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-bad-page-')), appVersion: 'test', syncBootstrap: false }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core!.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    const finished: ContractEvent[] = [];
    core.onEvent((event) => {
      if (event.name === 'sync.finished') finished.push(event);
    });
    await call('auth.signIn', { server: proxy.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });

    const bad: [string, (body: string) => string][] = [
      ['truncated', (body) => body.slice(0, Math.floor(body.length / 2))],
      ['unknown entity', (body) => {
        const page = JSON.parse(body);
        page.changes.push({ seq: page.cursor + 1, entity: 'launch_codes', entityId: 'x', op: 'upsert', row: { id: 'x' } });
        page.cursor += 1;
        return JSON.stringify(page);
      }],
      ['foreign column', (body) => {
        const page = JSON.parse(body);
        const change = page.changes.find((c: { entity: string }) => c.entity === 'shift_log');
        change.row.drop_table = 'x';
        return JSON.stringify(page);
      }],
    ];
    for (const [label, rewrite] of bad) {
      proxy.tamperNext('/v1/sync/pull', 1, rewrite);
      await expect(call('sync.now'), label).rejects.toMatchObject({ code: 'invalid_server_response' });
      expect(await call('sync.state'), label).toMatchObject({ cursor: 0 });
      expect((await call<{ items: unknown[] }>('shiftLogs.list', {})).items, label).toEqual([]);
    }
    expect(finished.filter((event) => (event.payload as { ok: boolean }).ok === false)).toHaveLength(3);

    const summary = await call<{ pulled: number; cursor: number }>('sync.now');
    expect(summary.cursor).toBeGreaterThan(0);
    expect((await call<{ items: { id: string }[] }>('shiftLogs.list', {})).items.map((item) => item.id)).toEqual([log.id]);
  });

  it('retries by itself with backoff after refused pages, and converges', async () => {
    await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: server.clock.now() });
    const user = await server.addMember(tenant.id, 'admin');
    proxy.tamperNext('/v1/sync/pull', 2, (body) => body.slice(0, 10));
    const auto = createCore(
      { profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-bad-page-auto-')), appVersion: 'test', autoSync: { intervalMs: 600_000, afterWriteMs: 200 }, syncBootstrap: false },
      { now: () => server.clock.now(), kdf: cheapKdf },
    );
    const outcomes: boolean[] = [];
    auto.onEvent((event) => {
      if (event.name === 'sync.finished') outcomes.push((event.payload as { ok: boolean }).ok);
    });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => auto.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    await call('auth.signIn', { server: proxy.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    for (let i = 0; i < 150 && !outcomes.includes(true); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outcomes.slice(0, 3)).toEqual([false, false, true]);
    expect((await call<{ items: unknown[] }>('shiftLogs.list', {})).items.length).toBeGreaterThan(0);
    await auto.close();
  });

  it('rebuilds the cache from a snapshot on 409 reset and converges to the same rows', async () => {
    const user = await server.addMember(tenant.id, 'admin');
    const ws = createCore({ profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-reset-')), appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => ws.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    await call('auth.signIn', { server: proxy.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    const first = await call<{ cursor: number }>('sync.now');
    const before = (await call<{ items: { id: string }[] }>('shiftLogs.list', {})).items.map((item) => item.id).sort();
    expect(before.length).toBeGreaterThan(0);
    proxy.tamperNext('/v1/sync/pull', 1, () => JSON.stringify({ error: { code: 'reset', message: 'schema changed' } }), 409);
    const pullsBefore = proxy.requests.length;
    const second = await call<{ cursor: number }>('sync.now');
    const after = proxy.requests.slice(pullsBefore);
    const pulls = after.filter((line) => line.includes('/v1/sync/pull')).map((line) => Number(/since=(\d+)/.exec(line)![1]));
    // The refused page, a snapshot (rights unchanged: the one kept for this scope may serve), pull from its seq.
    expect(after.filter((line) => line.includes('/v1/sync/bootstrap'))).toHaveLength(1);
    expect(pulls).toHaveLength(2);
    expect(pulls[0]).toBe(first.cursor);
    expect(pulls[1]).toBeLessThanOrEqual(first.cursor);
    expect(pulls[1]).toBeGreaterThan(0);
    expect(second.cursor).toBe(first.cursor);
    expect((await call<{ items: { id: string }[] }>('shiftLogs.list', {})).items.map((item) => item.id).sort()).toEqual(before);
    await ws.close();
  });
});
