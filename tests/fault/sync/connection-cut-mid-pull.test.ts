import { describe, expect, it } from 'vitest';
import type { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { signedInWorkstation } from '../../support/core-workstation';
import { proxiedServerForFile } from '../../support/proxied-server';
import { ownerRows } from '../../support/server';
import { insertShiftLog } from '../../integration/server/sync-fixtures';

// A pull whose connection is cut mid-answer resumes from the last page it committed:
// the cache ends up with exactly the server's rows, no gap, no duplicate.

describe.skipIf(skipUnless(secretServiceCapability()))('connection cut mid-pull', () => {
  const world = proxiedServerForFile();

  // Pull, not a first sync's snapshot: the cuts must land in the change feed (snapshot cuts: connection-cut-mid-bootstrap).
  const workstation = (baseUrl: string, pageSize: number) => signedInWorkstation(world.server, world.tenant.id, baseUrl, { syncPageSize: pageSize, syncBootstrap: false }, world.cores);

  it('resumes from the last committed page after cuts, and converges to the server rows', async () => {
    const { server, tenant, proxy } = world;
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    const writer = await workstation(server.url, 500);
    await writer('sync.now');
    for (let i = 0; i < 400; i++) {
      await writer('logEntries.create', { shiftLogId: log.id, areaId: tenant.areas.boilers, category: 'operations', severity: 'info', body: `entry ${i} ${'x'.repeat(200)}`, occurredAt: server.clock.now().toISOString() });
    }
    expect(await writer('sync.now')).toMatchObject({ applied: 400 });

    // Pages well below the cut (40 kB), audit events with their diffs included, so some commit before it.
    const reader = await workstation(proxy.url, 20);
    // The sign-in went through the proxy; now cut the next connections mid-answer.
    proxy.cutNext(3, 40_000);
    const cursors: number[] = [];
    let failures = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await reader('sync.now');
        break;
      } catch (error) {
        expect((error as PlantdeskError).code).toBe('server_unreachable');
        failures += 1;
        cursors.push((await reader<{ cursor: number }>('sync.state')).cursor);
      }
    }
    expect(failures).toBe(3);
    // Each resumed run started where the last committed page ended.
    const pullSinces = proxy.requests.filter((line) => line.includes('/v1/sync/pull')).map((line) => Number(/since=(\d+)/.exec(line)![1]));
    for (const cursor of cursors.filter((c) => c > 0)) expect(pullSinces).toContain(cursor);
    expect(cursors.some((cursor) => cursor > 0)).toBe(true);

    const local = await reader<{ items: { id: string }[]; next: string | null }>('shiftLogs.entries', { page: { limit: 500 } });
    const remote = await ownerRows(server.db, 'SELECT id FROM log_entries WHERE tenant_id = $1', [tenant.id]);
    expect(local.items.map((item) => item.id).sort()).toEqual(remote.map((row) => String(row.id)).sort());
    expect(local.items).toHaveLength(400);
  });
});
