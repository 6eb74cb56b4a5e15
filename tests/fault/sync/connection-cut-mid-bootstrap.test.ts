import { describe, expect, it } from 'vitest';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { signedInWorkstation } from '../../support/core-workstation';
import { proxiedServerForFile } from '../../support/proxied-server';
import { ownerRows } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

// A first sync whose snapshot download is cut mid-answer resumes from the first frame it did
// not finish, within the same sync, against the real server: the cache ends up with exactly the
// server's rows, and pull continues from the snapshot's seq.

describe.skipIf(skipUnless(secretServiceCapability()))('connection cut mid-bootstrap', () => {
  const world = proxiedServerForFile();

  it('resumes the snapshot after cuts and converges to the server rows', async () => {
    const { server, tenant, proxy, cores } = world;
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    // The writer pulls: a snapshot it took would be kept and handed to the reader, small and early.
    const writer = await signedInWorkstation(server, tenant.id, server.url, { syncBootstrap: false }, cores);
    await writer('sync.now');
    for (let i = 0; i < 400; i++) {
      await writer('logEntries.create', { shiftLogId: log.id, areaId: tenant.areas.boilers, category: 'operations', severity: 'info', body: `entry ${i} ${'x'.repeat(200)}`, occurredAt: server.clock.now().toISOString() });
    }
    expect(await writer('sync.now')).toMatchObject({ applied: 400 });

    const reader = await signedInWorkstation(server, tenant.id, proxy.url, {}, cores);
    proxy.cutNext(2, 40_000);
    const summary = await reader<{ pulled: number; cursor: number }>('sync.now');
    const snapshotRequests = proxy.requests.filter((line) => line.includes('/v1/sync/bootstrap'));
    expect(snapshotRequests.length).toBe(3);
    expect(snapshotRequests[1]).toMatch(/snapshot=[^&\s]+&from=\d+|from=\d+&snapshot=/);
    expect(Number(/from=(\d+)/.exec(snapshotRequests[2])![1])).toBeGreaterThanOrEqual(Number(/from=(\d+)/.exec(snapshotRequests[1])![1]));
    const local = await reader<{ items: { id: string }[] }>('shiftLogs.entries', { page: { limit: 500 } });
    const remote = await ownerRows(server.db, 'SELECT id FROM log_entries WHERE tenant_id = $1', [tenant.id]);
    expect(local.items.map((item) => item.id).sort()).toEqual(remote.map((row) => String(row.id)).sort());
    expect(local.items).toHaveLength(400);
    expect(summary.cursor).toBe((await reader<{ cursor: number }>('sync.state')).cursor);
    // Later changes come by pull from the snapshot's seq.
    await writer('logEntries.create', { shiftLogId: log.id, areaId: tenant.areas.boilers, category: 'operations', severity: 'low', body: 'after the snapshot', occurredAt: server.clock.now().toISOString() });
    await writer('sync.now');
    expect(await reader('sync.now')).toMatchObject({ pulled: expect.any(Number) });
    expect((await reader<{ items: unknown[] }>('shiftLogs.entries', { page: { limit: 500 } })).items).toHaveLength(401);
    expect(proxy.requests.filter((line) => line.includes('/v1/sync/bootstrap')).length).toBe(3);
  });
});
