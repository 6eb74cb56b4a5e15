import type { Tx } from '../db/database';
import type { SessionRecord } from '../store/sessions';
import { appendChange } from './change-log';

/**
 * Sessions reach the workstation caches like any synced row, so an admin's People list shows
 * each person's last sign-in and the audit trail names devices, offline too. Who may pull them
 * is the ordinary `read session` rule (own sessions, or everyone's). Only what those need goes
 * out: never the token hash, and not the address or browser either (the online sessions list
 * shows those), so fewer copies of personal data sit on workstations.
 */
export async function publishSessions(tx: Tx, sessions: readonly SessionRecord[]): Promise<void> {
  for (const session of sessions) {
    const row = {
      id: session.id,
      user_id: session.user_id,
      tenant_id: session.tenant_id,
      created_at: session.created_at,
      last_seen_at: session.last_seen_at,
      device_id: session.device_id,
      device_name: session.device_name,
      revoked_at: session.revoked_at,
      revoked_by: session.revoked_by,
    };
    await appendChange(tx, session.tenant_id, { entity: 'session', entityId: session.id, op: 'upsert', row, scope: { user_id: session.user_id } });
  }
}
