import type { Tx } from '../db/database';
import type { SessionRecord } from '../store/sessions';
import { appendChange } from './change-log';

/**
 * Sessions reach the workstation caches like any synced row, so an admin's People list shows
 * each person's last sign-in and the audit trail names devices, offline too. Who may pull them
 * is the ordinary `read session` rule (own sessions, or everyone's). The token hash and the
 * revoke reason stay on the server: the change log carries only what the cache keeps.
 */
export async function publishSessions(tx: Tx, sessions: readonly SessionRecord[]): Promise<void> {
  for (const session of sessions) {
    const { token_hash: _secret, revoke_reason: _reason, ...row } = session;
    await appendChange(tx, session.tenant_id, { entity: 'session', entityId: session.id, op: 'upsert', row, scope: { user_id: session.user_id } });
  }
}
