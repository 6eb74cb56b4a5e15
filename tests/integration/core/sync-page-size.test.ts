import { beforeAll, describe, expect, it } from 'vitest';
import type { CoreOptions } from '../../../main/core/core';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { signedInWorkstation } from '../../support/core-workstation';
import { proxiedServerForFile } from '../../support/proxied-server';
import { insertShiftLog } from '../server/sync-fixtures';

// Pull pages shrink when writing one holds the store past the target (main/core/sync/
// pull-page-size.ts). The proxy in front of the server sees the `limit` of every pull request.

describe.skipIf(skipUnless(secretServiceCapability()))('pull page size follows how long pages take to write', () => {
  const world = proxiedServerForFile();

  beforeAll(async () => {
    const { server, tenant } = world;
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    const writer = await workstation(server.url, { syncPageSize: 2_000 });
    await writer('sync.now');
    for (let i = 0; i < 300; i++) {
      await writer('logEntries.create', { shiftLogId: log.id, areaId: tenant.areas.boilers, category: 'operations', severity: 'info', body: `entry ${i}`, occurredAt: server.clock.now().toISOString() });
    }
    expect(await writer('sync.now')).toMatchObject({ applied: 300 });
  });

  const workstation = (baseUrl: string, options: Partial<CoreOptions>) => signedInWorkstation(world.server, world.tenant.id, baseUrl, options, world.cores);

  /** Signs a new workstation in through the proxy, syncs it, and returns the limits it asked for. */
  async function pullLimits(options: { syncPageSize: number; syncPageTargetMs: number }): Promise<number[]> {
    const { proxy } = world;
    const reader = await workstation(proxy.url, options);
    const before = proxy.requests.length;
    await reader('sync.now');
    const entries = await reader<{ items: unknown[] }>('shiftLogs.entries', { page: { limit: 500 } });
    expect(entries.items).toHaveLength(300);
    return proxy.requests
      .slice(before)
      .filter((line) => line.includes('/v1/sync/pull'))
      .map((line) => Number(/limit=(\d+)/.exec(line)![1]));
  }

  it('asks for the configured size while pages write within the target', async () => {
    const limits = await pullLimits({ syncPageSize: 200, syncPageTargetMs: 60_000 });
    expect(limits.length).toBeGreaterThan(2);
    expect(new Set(limits)).toEqual(new Set([200]));
  });

  it('drops to the floor once a page takes longer than the target, from the page after the one already asked for', async () => {
    // A target of 0 ms: every write is too long. The first two requests go out before any write.
    const limits = await pullLimits({ syncPageSize: 200, syncPageTargetMs: 0 });
    expect(limits.slice(0, 2)).toEqual([200, 200]);
    expect(limits.length).toBeGreaterThan(3);
    expect(new Set(limits.slice(2))).toEqual(new Set([100]));
  });
});
