import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { repoRoot } from '../../support/processes';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

// The engine's process SIGKILLed in the middle of a sync: the cache opens again, the outbox is
// intact, and the next sync completes with every entry on the server exactly once.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

describe.skipIf(skipUnless(secretServiceCapability()))('core process killed mid-sync', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let core: Core | null = null;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite' });
    tenant = await server.createTenant('Northfield Plant');
  });
  afterAll(async () => {
    await core?.close();
    await server?.stop();
  });

  it('reopens with the outbox intact and completes the sync', async () => {
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: new Date() });
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-kill-'));
    const user = await server.addMember(tenant.id, 'admin');
    core = createCore({ profileDir, appVersion: 'test' }, { kdf: cheapKdf });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core!.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    // The server clock is real here: the TOTP code is computed for now.
    server.clock.set(Date.now());
    await call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await call('sync.now');
    await call('auth.lock');
    await core.close();
    core = null;

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/sync/core-worker-script.ts', profileDir, TEST_PASSWORD, log.id, tenant.areas.boilers, '300'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += String(chunk);
        // Kill once the push is under way: some mutations answered, others not yet.
        if (/progress \{"phase":"push"/.test(output) || /progress \{"phase":"pull"/.test(output)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`engine exited (${code}) before syncing: ${output}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    core = createCore({ profileDir, appVersion: 'test' }, { kdf: cheapKdf });
    await call('auth.unlock', { password: TEST_PASSWORD });
    const before = await call<{ pending: number }>('sync.state');
    const local = await call<{ items: { id: string }[] }>('shiftLogs.entries', { page: { limit: 500 } });
    expect(local.items).toHaveLength(300);
    for (let round = 0; round < 3 && (await call<{ pending: number }>('sync.state')).pending > 0; round++) await call('sync.now');
    expect(await call('sync.state')).toMatchObject({ pending: 0, conflicts: 0 });
    const remote = await ownerRows(server.db, 'SELECT id FROM log_entries WHERE tenant_id = $1', [tenant.id]);
    expect(remote.map((row) => String(row.id)).sort()).toEqual(local.items.map((item) => item.id).sort());
    expect(before.pending).toBeLessThanOrEqual(300);
  });
});
