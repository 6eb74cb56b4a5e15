import type { SessionRow } from '../../shared/domain/tenancy';
import type { Tx } from '../db/database';
import { iso, isoOrNull } from './rows';
import type { TenantRecord } from './tenants';

export interface SessionRecord {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_at: Date;
  last_seen_at: Date;
  ip: string | null;
  device_id: string;
  device_name: string;
  user_agent: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

type SessionQueryRow = SessionRecord & Record<string, unknown>;

export async function insertSession(
  tx: Tx,
  session: { id: string; tenantId: string; userId: string; tokenHash: string; now: Date; ip: string | null; deviceId: string; deviceName: string; userAgent: string | null },
): Promise<SessionRecord> {
  const rows = await tx.query<SessionQueryRow>(
    `INSERT INTO sessions (id, tenant_id, user_id, token_hash, created_at, last_seen_at, ip, device_id, device_name, user_agent)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING *`,
    [session.id, session.tenantId, session.userId, session.tokenHash, session.now, session.ip, session.deviceId, session.deviceName, session.userAgent],
  );
  return rows[0];
}

export async function findSessionByTokenHash(tx: Tx, hash: string): Promise<SessionRecord | null> {
  const rows = await tx.query<SessionQueryRow>('SELECT * FROM sessions WHERE token_hash = $1', [hash]);
  return rows[0] ?? null;
}

export async function getSession(tx: Tx, id: string): Promise<SessionRecord | null> {
  const rows = await tx.query<SessionQueryRow>('SELECT * FROM sessions WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function touchSession(tx: Tx, id: string, now: Date): Promise<void> {
  // Only moves forward, so a request under a frozen clock writes nothing.
  await tx.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2', [id, now]);
}

export async function revokeSession(tx: Tx, id: string, by: string | null, reason: string, now: Date): Promise<SessionRecord | null> {
  const rows = await tx.query<SessionQueryRow>(
    'UPDATE sessions SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1 AND revoked_at IS NULL RETURNING *',
    [id, now, by, reason],
  );
  return rows[0] ?? null;
}

/** Ends every open session of a user in the bound tenant; returns the sessions it ended. */
export async function revokeUserSessions(tx: Tx, tenantId: string, userId: string, by: string | null, reason: string, now: Date): Promise<SessionRecord[]> {
  return tx.query<SessionQueryRow>(
    `UPDATE sessions SET revoked_at = $3, revoked_by = $4, revoke_reason = $5
     WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING *`,
    [tenantId, userId, now, by, reason],
  );
}

/** Ends every open session of the user in any tenant but `keepSessionId` (bind userId); returns the sessions it ended. */
export async function revokeOtherSessionsOfUser(tx: Tx, userId: string, keepSessionId: string, by: string | null, reason: string, now: Date): Promise<SessionRecord[]> {
  return tx.query<SessionQueryRow>(
    `UPDATE sessions SET revoked_at = $3, revoked_by = $4, revoke_reason = $5
     WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING *`,
    [userId, keepSessionId, now, by, reason],
  );
}

export interface SessionExpiry {
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** Timeouts come from the tenant's current settings, so a change applies to open sessions too. */
export function sessionExpiry(session: Pick<SessionRecord, 'created_at' | 'last_seen_at'>, tenant: Pick<TenantRecord, 'session_idle_minutes' | 'session_absolute_hours'>): SessionExpiry {
  return {
    idleExpiresAt: new Date(session.last_seen_at.getTime() + tenant.session_idle_minutes * 60_000),
    absoluteExpiresAt: new Date(session.created_at.getTime() + tenant.session_absolute_hours * 3_600_000),
  };
}

export function isExpired(expiry: SessionExpiry, now: Date): boolean {
  return now.getTime() >= expiry.idleExpiresAt.getTime() || now.getTime() >= expiry.absoluteExpiresAt.getTime();
}

/** revoke_reason of a session closed because it expired (answered as session_expired ever after). */
export const EXPIRED_REASON = 'expired';

/**
 * An expiry, once reached, is final: the session is closed at the moment it expired, so a
 * timeout raised later cannot bring it back.
 */
export async function closeExpiredSession(tx: Tx, id: string, expiry: SessionExpiry): Promise<void> {
  const expiredAt = Math.min(expiry.idleExpiresAt.getTime(), expiry.absoluteExpiresAt.getTime());
  await tx.query('UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [id, new Date(expiredAt), EXPIRED_REASON]);
}

/**
 * Closes every open session of the tenant that has expired under `settings` (the tenant's
 * settings before a change), so that raising a timeout never revives one that had ended.
 */
export async function closeExpiredSessions(tx: Tx, tenantId: string, settings: Pick<TenantRecord, 'session_idle_minutes' | 'session_absolute_hours'>, now: Date): Promise<number> {
  const rows = await tx.query(
    `UPDATE sessions
     SET revoked_at = least(last_seen_at + make_interval(mins => $2), created_at + make_interval(hours => $3)), revoke_reason = $5
     WHERE tenant_id = $1 AND revoked_at IS NULL
       AND (last_seen_at + make_interval(mins => $2) <= $4 OR created_at + make_interval(hours => $3) <= $4)
     RETURNING id`,
    [tenantId, settings.session_idle_minutes, settings.session_absolute_hours, now, EXPIRED_REASON],
  );
  return rows.length;
}

export function toSessionRow(session: SessionRecord, tenant: TenantRecord, currentSessionId: string | null): SessionRow {
  const expiry = sessionExpiry(session, tenant);
  return {
    id: session.id,
    tenant_id: session.tenant_id,
    user_id: session.user_id,
    created_at: iso(session.created_at),
    last_seen_at: iso(session.last_seen_at),
    idle_expires_at: iso(expiry.idleExpiresAt),
    absolute_expires_at: iso(expiry.absoluteExpiresAt),
    ip: session.ip,
    device_id: session.device_id,
    device_name: session.device_name,
    user_agent: session.user_agent,
    revoked_at: isoOrNull(session.revoked_at),
    revoked_by: session.revoked_by,
    revoke_reason: session.revoke_reason,
    current: session.id === currentSessionId,
  };
}
