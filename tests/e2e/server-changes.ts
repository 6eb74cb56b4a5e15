import { appendAudit } from '../../server/audit/audit-log';
import { appendChange } from '../../server/feed/change-log';
import type { World } from './world';

/**
 * Another person's change on the server, as its API would make it: the row, a new version, a
 * change-log entry and its audit event (by the demo contributor). Returns that person's name.
 */
export async function changeOnServer(world: World, shiftLogId: string, set: string): Promise<string> {
  const tenantId = world.credentials.tenantId;
  return world.db.transaction({ tenantId }, async (tx) => {
    const [{ row }] = await tx.query<{ row: Record<string, unknown> }>(
      `UPDATE shift_logs SET ${set}, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING to_jsonb(shift_logs) AS row`,
      [tenantId, shiftLogId],
    );
    await appendChange(tx, tenantId, { entity: 'shift_log', entityId: shiftLogId, op: 'upsert', row, scope: { area_id: row.area_id, author_id: row.created_by } });
    const [person] = await tx.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE email = $1', [world.user('contributor').email]);
    await appendAudit(tx, tenantId, { userId: person.id, sessionId: null, ip: null, deviceId: null }, { action: 'shift_log.updated', entity: 'shift_log', entityId: shiftLogId, diff: {} }, new Date());
    return person.display_name;
  });
}
